"""document page: expiry date, official gazette, signer's title; the daily validity upkeep mark

Revision ID: 0009_document_validity
Revises: 0008_word_import
Create Date: 2026-12-02 09:00:00

Documents get ``expires_on`` (ngày hết hiệu lực), ``gazette_number`` / ``gazette_on`` (số, ngày
đăng công báo) and ``signer_title`` (chức vụ người ký), all optional; indexes on the effective and
expiry dates let the daily upkeep find the documents whose validity changes on a given day.
``upkeep_marks`` holds how far that upkeep has got: its ``validity`` row starts empty, so the first
round after this upgrade queues every document whose validity the new rules may change (targets
of replacing, repealing and amending relations, documents past their expiry or not yet in force)
for the search index, whose status facet then follows the relations.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009_document_validity'
down_revision = '0008_word_import'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signer_title', sa.String(length=255), server_default='', nullable=False))
        batch_op.add_column(sa.Column('expires_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('gazette_number', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('gazette_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_documents_effective_on', ['effective_on'], unique=False)
        batch_op.create_index('ix_documents_expires_on', ['expires_on'], unique=False)

    table = op.create_table('upkeep_marks',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('day', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_upkeep_marks'))
    )
    from datetime import UTC, datetime

    op.bulk_insert(table, [{"name": "validity", "day": None, "updated_at": datetime.now(UTC).replace(tzinfo=None)}])


def downgrade():
    op.drop_table('upkeep_marks')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_expires_on')
        batch_op.drop_index('ix_documents_effective_on')
        batch_op.drop_column('gazette_on')
        batch_op.drop_column('gazette_number')
        batch_op.drop_column('expires_on')
        batch_op.drop_column('signer_title')
