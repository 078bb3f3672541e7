"""Outbox mails carry a unique key per (kind, object, recipient), so a retried or
duplicated job never queues the same mail twice.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('outbox_mail', sa.Column('dedup_key', sa.String(length=400), nullable=True))
    # Mails queued before keys existed are each their own mail.
    op.execute("UPDATE outbox_mail SET dedup_key = template || ':message:' || message_id "
               "|| ':' || lower(recipient)")
    with op.batch_alter_table('outbox_mail') as batch_op:
        batch_op.alter_column('dedup_key', existing_type=sa.String(length=400), nullable=False)
        batch_op.create_unique_constraint('uq_outbox_mail_dedup_key', ['dedup_key'])


def downgrade():
    with op.batch_alter_table('outbox_mail') as batch_op:
        batch_op.drop_constraint('uq_outbox_mail_dedup_key', type_='unique')
        batch_op.drop_column('dedup_key')
