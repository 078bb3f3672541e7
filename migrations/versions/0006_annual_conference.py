"""annual conference

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-20 23:22:57.119958

Editions, proposals with speakers, nominations, reviews, the schedule,
attendee registrations and session sign-ups. On PostgreSQL an exclusion
constraint (btree_gist, as for venue bookings) keeps two sessions of one room
apart.

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('conference_edition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('theme_ja', sa.String(length=200), nullable=False),
    sa.Column('theme_en', sa.String(length=200), nullable=False),
    sa.Column('description_ja', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=255), nullable=False),
    sa.Column('venue_request_id', sa.Integer(), nullable=True),
    sa.Column('rooms', sa.JSON(), nullable=False),
    sa.Column('tracks', sa.JSON(), nullable=False),
    sa.Column('score_categories', sa.JSON(), nullable=False),
    sa.Column('proposals_open_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('proposals_close_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('review_open_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('review_close_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('registration_open_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('registration_close_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('nomination_quota', sa.Integer(), nullable=False),
    sa.Column('blind_review', sa.Boolean(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_conference_edition_capacity_positive')),
    sa.CheckConstraint('nomination_quota >= 0', name=op.f('ck_conference_edition_quota_not_negative')),
    sa.CheckConstraint('starts_on <= ends_on', name=op.f('ck_conference_edition_date_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_conference_edition_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['venue_request_id'], ['asset_request.id'], name=op.f('fk_conference_edition_venue_request_id_asset_request'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_edition')),
    sa.UniqueConstraint('year', name=op.f('uq_conference_edition_year'))
    )
    op.create_table('conference_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('submitter_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('abstract', sa.Text(), nullable=False),
    sa.Column('format', sa.Enum('talk', 'panel', 'workshop', name='proposal_format', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('length_minutes', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('track', sa.String(length=80), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'accepted', 'rejected', 'withdrawn', name='proposal_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_message', sa.Text(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('length_minutes > 0', name=op.f('ck_conference_proposal_length_positive')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_conference_proposal_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['edition_id'], ['conference_edition.id'], name=op.f('fk_conference_proposal_edition_id_conference_edition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitter_id'], ['user.id'], name=op.f('fk_conference_proposal_submitter_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_proposal'))
    )
    with op.batch_alter_table('conference_proposal', schema=None) as batch_op:
        batch_op.create_index('ix_conference_proposal_edition_status', ['edition_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_conference_proposal_submitter_id'), ['submitter_id'], unique=False)

    op.create_table('conference_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('confirmed', 'waitlisted', 'cancelled', name='conference_registration_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['edition_id'], ['conference_edition.id'], name=op.f('fk_conference_registration_edition_id_conference_edition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_conference_registration_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_registration')),
    sa.UniqueConstraint('edition_id', 'user_id', name=op.f('uq_conference_registration_edition_id'))
    )
    with op.batch_alter_table('conference_registration', schema=None) as batch_op:
        batch_op.create_index('ix_conference_registration_edition_status', ['edition_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_conference_registration_user_id'), ['user_id'], unique=False)

    op.create_table('conference_reviewer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['conference_edition.id'], name=op.f('fk_conference_reviewer_edition_id_conference_edition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_conference_reviewer_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_reviewer')),
    sa.UniqueConstraint('edition_id', 'user_id', name=op.f('uq_conference_reviewer_edition_id'))
    )
    with op.batch_alter_table('conference_reviewer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conference_reviewer_user_id'), ['user_id'], unique=False)

    op.create_table('conference_nomination',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('nominated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['conference_edition.id'], name=op.f('fk_conference_nomination_edition_id_conference_edition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['alumni_group.id'], name=op.f('fk_conference_nomination_group_id_alumni_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['nominated_by_id'], ['user.id'], name=op.f('fk_conference_nomination_nominated_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['conference_proposal.id'], name=op.f('fk_conference_nomination_proposal_id_conference_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_nomination')),
    sa.UniqueConstraint('proposal_id', 'group_id', name=op.f('uq_conference_nomination_proposal_id'))
    )
    with op.batch_alter_table('conference_nomination', schema=None) as batch_op:
        batch_op.create_index('ix_conference_nomination_edition_group', ['edition_id', 'group_id'], unique=False)

    op.create_table('conference_proposal_speaker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('asset_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(user_id IS NULL) <> (asset_id IS NULL)', name=op.f('ck_conference_proposal_speaker_one_kind')),
    sa.ForeignKeyConstraint(['asset_id'], ['shared_asset.id'], name=op.f('fk_conference_proposal_speaker_asset_id_shared_asset'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['conference_proposal.id'], name=op.f('fk_conference_proposal_speaker_proposal_id_conference_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_conference_proposal_speaker_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_proposal_speaker'))
    )
    with op.batch_alter_table('conference_proposal_speaker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conference_proposal_speaker_asset_id'), ['asset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conference_proposal_speaker_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conference_proposal_speaker_user_id'), ['user_id'], unique=False)

    op.create_table('conference_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['conference_proposal.id'], name=op.f('fk_conference_review_proposal_id_conference_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], name=op.f('fk_conference_review_reviewer_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_review')),
    sa.UniqueConstraint('proposal_id', 'reviewer_id', name=op.f('uq_conference_review_proposal_id'))
    )
    with op.batch_alter_table('conference_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conference_review_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('conference_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('room', sa.String(length=80), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('video_url', sa.String(length=500), nullable=False),
    sa.Column('article_url', sa.String(length=500), nullable=False),
    sa.Column('graphic_recording_url', sa.String(length=500), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.CheckConstraint('capacity IS NULL OR capacity > 0', name=op.f('ck_conference_session_capacity_positive')),
    sa.CheckConstraint('starts_at < ends_at', name=op.f('ck_conference_session_time_order')),
    sa.ForeignKeyConstraint(['edition_id'], ['conference_edition.id'], name=op.f('fk_conference_session_edition_id_conference_edition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['conference_proposal.id'], name=op.f('fk_conference_session_proposal_id_conference_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_session')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_conference_session_proposal_id'))
    )
    with op.batch_alter_table('conference_session', schema=None) as batch_op:
        batch_op.create_index('ix_conference_session_edition_starts_at', ['edition_id', 'starts_at'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        # Two sessions in one room never overlap, even when two schedulers
        # race; SQLite serialises writers instead.
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE conference_session ADD CONSTRAINT ex_conference_session_room_overlap "
            "EXCLUDE USING gist (edition_id WITH =, room WITH =, "
            "tstzrange(starts_at, ends_at) WITH &&)"
        )
    op.create_table('conference_session_signup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('confirmed', 'waitlisted', 'cancelled', name='conference_signup_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['conference_session.id'], name=op.f('fk_conference_session_signup_session_id_conference_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_conference_session_signup_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_session_signup')),
    sa.UniqueConstraint('session_id', 'user_id', name=op.f('uq_conference_session_signup_session_id'))
    )
    with op.batch_alter_table('conference_session_signup', schema=None) as batch_op:
        batch_op.create_index('ix_conference_session_signup_session_status', ['session_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_conference_session_signup_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('conference_session_signup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_session_signup_user_id'))
        batch_op.drop_index('ix_conference_session_signup_session_status')

    op.drop_table('conference_session_signup')
    with op.batch_alter_table('conference_session', schema=None) as batch_op:
        batch_op.drop_index('ix_conference_session_edition_starts_at')

    op.drop_table('conference_session')
    with op.batch_alter_table('conference_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_review_reviewer_id'))

    op.drop_table('conference_review')
    with op.batch_alter_table('conference_proposal_speaker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_proposal_speaker_user_id'))
        batch_op.drop_index(batch_op.f('ix_conference_proposal_speaker_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_conference_proposal_speaker_asset_id'))

    op.drop_table('conference_proposal_speaker')
    with op.batch_alter_table('conference_nomination', schema=None) as batch_op:
        batch_op.drop_index('ix_conference_nomination_edition_group')

    op.drop_table('conference_nomination')
    with op.batch_alter_table('conference_reviewer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_reviewer_user_id'))

    op.drop_table('conference_reviewer')
    with op.batch_alter_table('conference_registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_registration_user_id'))
        batch_op.drop_index('ix_conference_registration_edition_status')

    op.drop_table('conference_registration')
    with op.batch_alter_table('conference_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_proposal_submitter_id'))
        batch_op.drop_index('ix_conference_proposal_edition_status')

    op.drop_table('conference_proposal')
    op.drop_table('conference_edition')
