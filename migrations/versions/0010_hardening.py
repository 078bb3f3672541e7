"""Hardening: login sessions' "last seen", and the record of personal-data reads.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_session') as batch:
        batch.add_column(sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'personal_data_read',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reader_id', sa.Integer(), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('directory_profile', 'attendee_list', 'application',
                                  name='read_kind', native_enum=False, create_constraint=True,
                                  length=32), nullable=False),
        sa.Column('object_id', sa.Integer(), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['reader_id'], ['user.id'],
                                name=op.f('fk_personal_data_read_reader_id_user')),
        sa.ForeignKeyConstraint(['subject_id'], ['user.id'],
                                name=op.f('fk_personal_data_read_subject_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_data_read')),
    )
    with op.batch_alter_table('personal_data_read') as batch:
        batch.create_index('ix_personal_data_read_reader_time', ['reader_id', 'read_at'])
        batch.create_index(batch.f('ix_personal_data_read_subject_id'), ['subject_id'])


def downgrade():
    op.drop_table('personal_data_read')
    with op.batch_alter_table('login_session') as batch:
        batch.drop_column('last_seen_at')
