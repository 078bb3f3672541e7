"""The versions of the tables that cached lists show.

A list served from the cache (federation/listcache.py) is keyed by the
versions of the tables it reads; the transaction that writes one of them
raises its version, so no list outlives the data it shows.

Revision ID: 0020
Revises: 0019
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'list_version',
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_list_version')),
    )
    # A random epoch: a database built again never meets the old one's lists.
    op.bulk_insert(table, [{'name': '*epoch', 'version': secrets.randbelow(2**62)}])


def downgrade():
    op.drop_table('list_version')
