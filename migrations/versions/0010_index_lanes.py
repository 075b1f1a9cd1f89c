"""search outbox lanes: a person's change is applied before an import's backlog

Revision ID: 0010_index_lanes
Revises: 0009_document_validity
Create Date: 2026-11-30 20:10:00

``index_changes.lane``: 0 for a change someone just made (a save, a publication), 1 for changes
queued in bulk (an import, the daily validity upkeep). Every index applies lane 0 first, so a save
made while an import has thousands of changes queued is searchable in seconds, not after the
backlog. Existing rows are lane 0 (applied in id order as before).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010_index_lanes'
down_revision = '0009_document_validity'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('index_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lane', sa.SmallInteger(), server_default='0', nullable=False))
        batch_op.create_index('ix_index_changes_lane_id', ['lane', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('index_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_index_changes_lane_id')
        batch_op.drop_column('lane')
