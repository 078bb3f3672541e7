"""Notifications: the in-app inbox, preferences per kind, mail attachments,
the reason a coordinator gives when returning a proposed event, a liaison's
declined endorsement, and each group's remembered import column mapping.

Revision ID: 0013
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=60), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=False),
        sa.Column('mail_state', sa.Enum('none', 'queued', 'digest', 'digested',
                                        name='notification_mail_state', native_enum=False,
                                        create_constraint=True, length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    )
    op.create_index('ix_notification_user_read', 'notification', ['user_id', 'read_at', 'id'])
    op.create_index('ix_notification_mail_state', 'notification', ['mail_state', 'user_id'])
    op.create_table(
        'notification_preference',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=60), nullable=False),
        sa.Column('delivery', sa.Enum('immediately', 'daily', 'off',
                                      name='notification_delivery', native_enum=False,
                                      create_constraint=True, length=32), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_notification_preference_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_preference')),
    )
    op.create_table(
        'outbox_attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mail_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=120), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['mail_id'], ['outbox_mail.id'],
                                name=op.f('fk_outbox_attachment_mail_id_outbox_mail'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_attachment')),
    )
    op.create_index(op.f('ix_outbox_attachment_mail_id'), 'outbox_attachment', ['mail_id'])
    with op.batch_alter_table('joint_event') as batch:
        batch.add_column(sa.Column('return_reason', sa.Text(), server_default='', nullable=False))
        batch.add_column(sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'import_mapping',
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('columns', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True),
                  server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['alumni_group.id'],
                                name=op.f('fk_import_mapping_group_id_alumni_group'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('group_id', name=op.f('pk_import_mapping')),
    )
    with op.batch_alter_table('group_endorsement') as batch:
        batch.add_column(sa.Column('declined_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    op.drop_table('import_mapping')
    with op.batch_alter_table('group_endorsement') as batch:
        batch.drop_column('declined_at')
    with op.batch_alter_table('joint_event') as batch:
        batch.drop_column('returned_at')
        batch.drop_column('return_reason')
    op.drop_index(op.f('ix_outbox_attachment_mail_id'), table_name='outbox_attachment')
    op.drop_table('outbox_attachment')
    op.drop_table('notification_preference')
    op.drop_index('ix_notification_mail_state', table_name='notification')
    op.drop_index('ix_notification_user_read', table_name='notification')
    op.drop_table('notification')
