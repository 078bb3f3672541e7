"""あいうえお order by ICU's Japanese collation, kana-folded search keys for
groups and assets, and each person's name order.

Every stored key is recomputed with the functions the models use
(federation.text), so old rows sort and match like new ones.

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

BATCH = 500


def _batches(conn, table, columns):
    last_id = 0
    while True:
        rows = conn.execute(sa.select(table.c.id, *[table.c[c] for c in columns])
                            .where(table.c.id > last_id).order_by(table.c.id)
                            .limit(BATCH)).mappings().all()
        if not rows:
            return
        yield rows
        last_id = rows[-1]['id']


def _update(conn, table, values):
    if values:
        params = {k for v in values for k in v if k != 'row_id'}
        conn.execute(table.update().where(table.c.id == sa.bindparam('row_id'))
                     .values({k: sa.bindparam(k) for k in params}), values)


def upgrade():
    op.add_column('user', sa.Column('name_order', sa.String(length=16),
                                    server_default='family_first', nullable=False))
    op.add_column('alumni_group', sa.Column('sort_key', sa.String(length=170),
                                            server_default='', nullable=False))
    op.add_column('alumni_group', sa.Column('search_text', sa.Text(), server_default='',
                                            nullable=False))
    op.create_index('ix_alumni_group_sort_key_id', 'alumni_group', ['sort_key', 'id'])

    from federation.models.asset import SEARCHED_FIELDS, asset_search_text
    from federation.models.group import GROUP_SEARCHED_FIELDS, group_search_text
    from federation.text import collation_key, default_name_order

    conn = op.get_bind()
    names = ('family_name', 'given_name', 'family_name_kana', 'given_name_kana')
    user = sa.table('user', sa.column('id', sa.Integer), sa.column('sort_key', sa.String),
                    sa.column('name_order', sa.String), *[sa.column(n, sa.String) for n in names])
    profile = sa.table('directory_profile', sa.column('id', sa.Integer),
                       sa.column('user_id', sa.Integer), sa.column('sort_key', sa.String))
    for rows in _batches(conn, user, names):
        _update(conn, user, [{
            'row_id': r['id'],
            'sort_key': collation_key(r['family_name_kana'], r['given_name_kana'],
                                      fallback=f"{r['family_name']} {r['given_name']}"),
            'name_order': default_name_order(r['family_name'], r['given_name']),
        } for r in rows])
    # The directory keeps a copy of its owner's key.
    conn.execute(profile.update().values(sort_key=sa.select(user.c.sort_key).where(
        user.c.id == profile.c.user_id).scalar_subquery()))

    group = sa.table('alumni_group', sa.column('id', sa.Integer),
                     sa.column('sort_key', sa.String), sa.column('search_text', sa.Text),
                     *[sa.column(n, sa.Text) for n in GROUP_SEARCHED_FIELDS])
    for rows in _batches(conn, group, GROUP_SEARCHED_FIELDS):
        _update(conn, group, [{
            'row_id': r['id'],
            'sort_key': collation_key(r['name_kana'], fallback=r['name_ja']),
            'search_text': group_search_text(dict(r)),
        } for r in rows])

    asset = sa.table('shared_asset', sa.column('id', sa.Integer),
                     sa.column('search_text', sa.Text),
                     *[sa.column(n, sa.Text) for n in SEARCHED_FIELDS])
    for rows in _batches(conn, asset, SEARCHED_FIELDS):
        _update(conn, asset, [{'row_id': r['id'], 'search_text': asset_search_text(dict(r))}
                              for r in rows])


def downgrade():
    op.drop_index('ix_alumni_group_sort_key_id', table_name='alumni_group')
    with op.batch_alter_table('alumni_group', schema=None) as batch_op:
        batch_op.drop_column('search_text')
        batch_op.drop_column('sort_key')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('name_order')
