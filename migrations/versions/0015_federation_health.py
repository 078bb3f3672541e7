"""Federation health: monthly indicator snapshots, introduction outcomes and
each group's research consent and report highlights.

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

def upgrade():
    op.create_table(
        'health_snapshot',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('members', sa.Integer(), nullable=False),
        sa.Column('events_held', sa.Integer(), nullable=False),
        sa.Column('attended', sa.Integer(), nullable=False),
        sa.Column('repeat_rate', sa.Integer(), nullable=True),
        sa.Column('newcomer_share', sa.Integer(), nullable=True),
        sa.Column('flag_count', sa.Integer(), nullable=False),
        sa.Column('indicators', sa.JSON(), nullable=False),
        sa.Column('flags', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['alumni_group.id'],
                                name=op.f('fk_health_snapshot_group_id_alumni_group'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_health_snapshot')),
        sa.UniqueConstraint('group_id', 'month', name=op.f('uq_health_snapshot_group_id')),
    )
    op.create_index('ix_health_snapshot_month', 'health_snapshot', ['month', 'group_id'])
    op.create_table(
        'introduction_outcome',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('introduction_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('outcome', sa.Enum('deal', 'hire', 'collaboration', 'investment', 'talk',
                                     'nothing_yet', name='outcome_kind', native_enum=False,
                                     create_constraint=True, length=32), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('named', sa.Boolean(), nullable=False),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['introduction_id'], ['introduction.id'],
                                name=op.f('fk_introduction_outcome_introduction_id_introduction'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_introduction_outcome_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_introduction_outcome')),
        sa.UniqueConstraint('introduction_id', 'user_id',
                            name=op.f('uq_introduction_outcome_introduction_id')),
    )
    op.create_index(op.f('ix_introduction_outcome_user_id'), 'introduction_outcome', ['user_id'])
    op.create_table(
        'group_health_profile',
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('research_consent', sa.Boolean(), nullable=False),
        sa.Column('consent_changed_by_id', sa.Integer(), nullable=True),
        sa.Column('consent_changed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('highlights', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['alumni_group.id'],
                                name=op.f('fk_group_health_profile_group_id_alumni_group'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['consent_changed_by_id'], ['user.id'],
                                name=op.f('fk_group_health_profile_consent_changed_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('group_id', name=op.f('pk_group_health_profile')),
    )


def downgrade():
    op.drop_table('group_health_profile')
    op.drop_index(op.f('ix_introduction_outcome_user_id'), table_name='introduction_outcome')
    op.drop_table('introduction_outcome')
    op.drop_index('ix_health_snapshot_month', table_name='health_snapshot')
    op.drop_table('health_snapshot')
