"""Shared assets keep their searched fields folded into one column.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

BATCH = 500


def upgrade():
    op.add_column('shared_asset', sa.Column('search_text', sa.Text(), server_default='',
                                            nullable=False))
    # Fill it for the assets that exist, with the same function the model uses.
    from federation.models.asset import SEARCHED_FIELDS, asset_search_text

    conn = op.get_bind()
    asset = sa.table('shared_asset', sa.column('id', sa.Integer),
                     sa.column('search_text', sa.Text),
                     *[sa.column(name, sa.Text) for name in SEARCHED_FIELDS])
    last_id = 0
    while True:
        rows = conn.execute(sa.select(asset).where(asset.c.id > last_id)
                            .order_by(asset.c.id).limit(BATCH)).mappings().all()
        if not rows:
            break
        conn.execute(asset.update().where(asset.c.id == sa.bindparam('asset_id'))
                     .values(search_text=sa.bindparam('text')),
                     [{'asset_id': row['id'], 'text': asset_search_text(dict(row))}
                      for row in rows])
        last_id = rows[-1]['id']


def downgrade():
    with op.batch_alter_table('shared_asset', schema=None) as batch_op:
        batch_op.drop_column('search_text')
