"""word import: annexes name their parent's number; imported files are recognised by text and path

Revision ID: 0008_word_import
Revises: 0007_sessions_audit
Create Date: 2026-11-30 15:00:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008_word_import'
down_revision = '0007_sessions_audit'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_number', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('parent_key', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('annex_position', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('content_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('source_key', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_documents_parent_key', ['parent_key'], unique=False)
        batch_op.create_index('ix_documents_content_hash', ['content_hash'], unique=False)
        batch_op.create_index('ix_documents_source_key', ['source_key'], unique=False)


def downgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_source_key')
        batch_op.drop_index('ix_documents_content_hash')
        batch_op.drop_index('ix_documents_parent_key')
        batch_op.drop_column('source_key')
        batch_op.drop_column('content_hash')
        batch_op.drop_column('annex_position')
        batch_op.drop_column('parent_key')
        batch_op.drop_column('parent_number')
