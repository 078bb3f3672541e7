"""Seats taken as counters: on the joint event, each event host (its group's
quota), the conference edition and each conference session. Kept by
services/seats.py in the registering transaction; backfilled here by COUNT.

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

TABLES = ('joint_event', 'event_host', 'conference_edition', 'conference_session')


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column('seats_taken', sa.Integer(), nullable=False, server_default='0'))
    # The backfill: confirmed rows per parent (the same COUNT the pages ran).
    op.execute(
        "UPDATE joint_event SET seats_taken = (SELECT COUNT(*) FROM event_registration r "
        "WHERE r.event_id = joint_event.id AND r.status = 'confirmed')"
    )
    op.execute(
        "UPDATE event_host SET seats_taken = (SELECT COUNT(*) FROM event_registration r "
        "WHERE r.event_id = event_host.event_id AND r.group_id = event_host.group_id "
        "AND r.status = 'confirmed')"
    )
    op.execute(
        "UPDATE conference_edition SET seats_taken = (SELECT COUNT(*) FROM conference_registration r "
        "WHERE r.edition_id = conference_edition.id AND r.status = 'confirmed')"
    )
    op.execute(
        "UPDATE conference_session SET seats_taken = (SELECT COUNT(*) FROM conference_session_signup s "
        "WHERE s.session_id = conference_session.id AND s.status = 'confirmed')"
    )


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('seats_taken')
