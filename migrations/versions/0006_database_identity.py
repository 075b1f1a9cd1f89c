"""database identity: a random id written once, so a search index knows which database it follows

Revision ID: 0006_database_identity
Revises: 0005_plans
Create Date: 2026-11-30 12:00:00

"""
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006_database_identity'
down_revision = '0005_plans'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('database_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_database_identity'))
    )
    op.bulk_insert(table, [{"id": 1, "uuid": str(uuid.uuid4()),
                            "created_at": datetime.now(UTC).replace(tzinfo=None)}])


def downgrade():
    op.drop_table('database_identity')
