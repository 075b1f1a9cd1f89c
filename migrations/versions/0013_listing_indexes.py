"""Indexes for the document list: its default order and its filters' choices

Revision ID: 0013_listing_indexes
Revises: 0012_ocr_jobs
Create Date: 2026-12-01 09:00:00

``ix_documents_listing`` follows the list's default order (undated last, newest first, then id):
a page of the list or the home page's latest documents reads 20 index entries instead of sorting
every live document. ``ix_documents_issuer_readers`` and ``ix_documents_issued_readers`` hold the
issuer and the issue date with the columns that decide who may read a document, so the filters'
choices are read from the index, not from the rows with their summaries.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013_listing_indexes'
down_revision = '0012_ocr_jobs'
branch_labels = None
depends_on = None

LIVE = sa.text("deleted_at IS NULL")


def upgrade():
    op.create_index('ix_documents_listing', 'documents',
                    [sa.text('(issued_on IS NULL)'), sa.text('issued_on DESC'), sa.text('id DESC')],
                    postgresql_where=LIVE, sqlite_where=LIVE)
    op.create_index('ix_documents_issuer_readers', 'documents', ['issuer', 'visibility', 'created_by_id', 'id'],
                    postgresql_where=LIVE, sqlite_where=LIVE)
    op.create_index('ix_documents_issued_readers', 'documents', ['issued_on', 'visibility', 'created_by_id', 'id'],
                    postgresql_where=LIVE, sqlite_where=LIVE)


def downgrade():
    op.drop_index('ix_documents_issued_readers', table_name='documents')
    op.drop_index('ix_documents_issuer_readers', table_name='documents')
    op.drop_index('ix_documents_listing', table_name='documents')
