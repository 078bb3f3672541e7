"""Indexes that keep directory search bounded at scale.

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_directory_profile_updated_at', 'directory_profile', ['updated_at', 'id'])
    # あいうえお order with its tie-breaker, so PostgreSQL walks it without a sort.
    op.drop_index('ix_directory_profile_sort_key', table_name='directory_profile')
    op.create_index('ix_directory_profile_sort_key_id', 'directory_profile', ['sort_key', 'id'])


def downgrade():
    op.drop_index('ix_directory_profile_sort_key_id', table_name='directory_profile')
    op.create_index('ix_directory_profile_sort_key', 'directory_profile', ['sort_key'])
    op.drop_index('ix_directory_profile_updated_at', table_name='directory_profile')
