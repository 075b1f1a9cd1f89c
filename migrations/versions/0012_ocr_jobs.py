"""OCR of scanned attachments: the job queue, the text page by page, the searchable copy

Revision ID: 0012_ocr_jobs
Revises: 0011_notifications
Create Date: 2026-11-30 20:30:00

``ocr_jobs`` is the queue (one row per attachment: status queued/running/done/failed, pages
done/total, attempts, the worker holding it and its lease, the Vietnamese failure message,
timings); ``ocr_pages`` the text of each page of an attachment that went through OCR (recognised or
the PDF's own text layer, and an editor's correction). Attachments get ``text_source`` ('ocr' when
their text was recognised) and ``searchable_name`` (the stored copy with a text layer).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012_ocr_jobs'
down_revision = '0011_notifications'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_source', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('searchable_name', sa.String(length=80), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_attachments_searchable_name'), ['searchable_name'])

    op.create_table('ocr_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('pages_done', sa.Integer(), nullable=False),
    sa.Column('pages_total', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(length=120), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.Column('error', sa.String(length=1000), nullable=True),
    sa.Column('error_code', sa.String(length=30), nullable=True),
    sa.Column('queued_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('seconds', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_ocr_jobs_attachment_id_attachments'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ocr_jobs')),
    sa.UniqueConstraint('attachment_id', name=op.f('uq_ocr_jobs_attachment_id'))
    )
    op.create_index('ix_ocr_jobs_status_lease', 'ocr_jobs', ['status', 'lease_until'], unique=False)

    op.create_table('ocr_pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('corrected', sa.Text(), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_ocr_pages_attachment_id_attachments'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ocr_pages')),
    sa.UniqueConstraint('attachment_id', 'number', name='uq_ocr_pages_attachment_number')
    )
    op.create_index(op.f('ix_ocr_pages_attachment_id'), 'ocr_pages', ['attachment_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_ocr_pages_attachment_id'), table_name='ocr_pages')
    op.drop_table('ocr_pages')
    op.drop_index('ix_ocr_jobs_status_lease', table_name='ocr_jobs')
    op.drop_table('ocr_jobs')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_attachments_searchable_name'), type_='unique')
        batch_op.drop_column('searchable_name')
        batch_op.drop_column('text_source')
