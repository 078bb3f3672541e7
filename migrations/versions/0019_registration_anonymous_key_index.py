"""An index on event_registration.anonymous_key.

An event's statistics count the attendees who had come to an earlier joint
event, by account or by the opaque key an erased account left. Without this
index the key's EXISTS scanned every registration once per attendee (the
event page of a host: 250 ms at 50,000 registrations on SQLite).

Revision ID: 0019
Revises: 0018
"""
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

NAME = 'ix_event_registration_anonymous_key'


def _postgres() -> bool:
    return op.get_bind().dialect.name == 'postgresql'


def upgrade():
    if _postgres():
        with op.get_context().autocommit_block():
            op.execute(f'CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} '
                       'ON event_registration (anonymous_key)')
    else:
        op.create_index(NAME, 'event_registration', ['anonymous_key'])


def downgrade():
    if _postgres():
        with op.get_context().autocommit_block():
            op.execute(f'DROP INDEX CONCURRENTLY IF EXISTS {NAME}')
    else:
        op.drop_index(NAME, table_name='event_registration')
