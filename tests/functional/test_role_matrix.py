"""The role matrix: every route and method of the URL map, for every kind of
person, against an explicit table of who may use it.

A request is *refused* when it answers 401, 403 or 404, or redirects to the
sign-in page or (for unverified accounts) to the verification notice. Any
other answer, a validation error or a state conflict included, means the
permission check let the person through. The world is rebuilt after every
write that went through, so each request meets the same data.

To add a route: add its endpoint to ALLOWED (one set for every method, or a
{method: set} dict), and, when its URL needs an object the world lacks, a
builder in `build_world` and an entry in PARAMS. A route without an entry
fails the test. `MATRIX_OBSERVE=1` prints what each role gets, to help.
"""
from __future__ import annotations

import os
import shutil
from urllib.parse import urlsplit

from sqlalchemy import text

from federation.extensions import db
from federation.models import Role
from tests.conftest import ON_POSTGRES, _empty_postgres_tables

ROLES = ("anonymous", "unverified", "visitor", "member_a", "operator_a", "operator_b",
         "coordinator", "admin")

ALL = frozenset(ROLES)
SIGNED_IN = ALL - {"anonymous"}
VERIFIED = SIGNED_IN - {"unverified"}
MEMBERS = VERIFIED - {"visitor"}
OPERATORS = frozenset({"operator_a", "operator_b", "coordinator", "admin"})
OWN_GROUP = frozenset({"operator_a", "coordinator", "admin"})  # the group's operators
OTHER_GROUP = frozenset({"operator_b", "coordinator", "admin"})  # runs group B
COORDINATORS = frozenset({"coordinator", "admin"})
ADMIN = frozenset({"admin"})
NOBODY = frozenset()


def only(*roles: str) -> frozenset:
    return frozenset(roles)


# endpoint -> roles allowed (every method), or {method: roles}.
ALLOWED: dict[str, frozenset | dict[str, frozenset]] = {
    "static": ALL,
    # --- account ---------------------------------------------------------------
    "account.data": SIGNED_IN,
    "account.end_all_sessions": SIGNED_IN,
    "account.end_session": only("member_a"),  # the world's session is member A's own
    "account.sessions": SIGNED_IN,
    "account.delete_account": SIGNED_IN,
    "account.email": SIGNED_IN,
    "account.export_data": SIGNED_IN,
    "account.password": SIGNED_IN,
    "account.profile": SIGNED_IN,
    "account.resend_verification": SIGNED_IN,
    "account.revoke_token": only("member_a"),  # the token's owner
    "account.tokens": VERIFIED,  # API tokens are for verified accounts only
    # --- admin -----------------------------------------------------------------
    "admin.deactivate": ADMIN,
    "admin.index": ADMIN,
    "admin.outbox": ADMIN,
    "admin.outbox_detail": ADMIN,
    "admin.outbox_retry": ADMIN,
    "admin.reactivate": ADMIN,
    "admin.remove": ADMIN,
    "admin.set_role": ADMIN,
    "admin.user_detail": ADMIN,
    "admin.users": ADMIN,
    # --- api -------------------------------------------------------------------
    "api.accept_introduction": only("member_a"),
    "api.accept_request": OWN_GROUP,
    "api.approve_join_request": only("operator_a"),
    "api.cancel_request": OTHER_GROUP,
    "api.conference_cancel_signup": only("member_a"),
    "api.conference_check_in": COORDINATORS,
    "api.conference_create_edition": COORDINATORS,
    "api.conference_decide": VERIFIED,  # body checked first (422)
    "api.conference_get_edition": ALL - {"unverified"},
    "api.conference_list_editions": ALL - {"unverified"},
    "api.conference_list_proposals": VERIFIED,
    "api.conference_list_registrations": COORDINATORS,
    "api.conference_list_sessions": ALL - {"unverified"},
    "api.conference_register": MEMBERS,
    "api.conference_review": VERIFIED,  # body checked first (422)
    "api.conference_schedule": VERIFIED,  # body checked first (422)
    "api.conference_sign_up": MEMBERS,
    "api.conference_submit_proposal": VERIFIED,
    "api.conference_unregister": only("member_a"),
    "api.conference_unschedule": COORDINATORS,
    "api.conference_update_edition": COORDINATORS,
    "api.conference_withdraw_nomination": OWN_GROUP,  # the world's proposal is already accepted
    "api.conference_withdraw_proposal": only("member_a"),
    "api.confirm_host": OWN_GROUP,
    "api.create_application": VERIFIED,
    "api.create_asset": VERIFIED,  # body checked first (422)
    "api.create_event": VERIFIED,  # body checked first (422)
    "api.create_introduction": VERIFIED,
    "api.create_join_request": VERIFIED,
    "api.create_token": VERIFIED,
    "api.decide_application": VERIFIED,  # body checked first (422)
    "api.decline_introduction": only("member_a"),
    "api.decline_join_request": only("operator_a"),
    "api.decline_request": OWN_GROUP,
    "api.delete_asset": OWN_GROUP,
    "api.directory_matches": MEMBERS,
    "api.directory_profile": MEMBERS,
    "api.get_application": only("visitor", "coordinator", "admin"),
    "api.get_asset": MEMBERS,
    "api.get_event": MEMBERS,
    "api.get_group": MEMBERS,
    "api.get_join_request": only("visitor", "operator_a"),  # the asker and the group's approvers
    "api.list_applications": VERIFIED,
    "api.list_assets": MEMBERS,
    "api.list_events": ALL - {"unverified"},
    "api.list_groups": VERIFIED,  # visitors see public groups only
    "api.list_join_requests": VERIFIED,  # approvers: the queue; others: their own
    "api.list_requests": MEMBERS,
    "api.list_tokens": VERIFIED,
    "api.me": SIGNED_IN,
    "api.openapi": ALL,
    "api.publish_event": COORDINATORS,
    "api.register": MEMBERS,
    "api.request_asset": MEMBERS,
    "api.revoke_token": only("member_a"),  # the token's owner
    "api.search_directory": MEMBERS,
    "api.unregister": only("member_a"),
    "api.update_asset": OWN_GROUP,
    "api.update_event": OWN_GROUP,
    "api.update_group": OWN_GROUP,
    "api.update_me": SIGNED_IN,
    "api.withdraw_join_request": only("visitor"),  # the asker
    "api.accept_session": VERIFIED,  # body checked first (422)
    "api.article_versions": MEMBERS,
    "api.block_sender": only("member_a"),
    "api.calendar_feed": VERIFIED,
    "api.cancel_session": only("operator_a", "operator_b"),
    "api.create_article": VERIFIED,
    "api.create_consultation": VERIFIED,
    "api.create_reply": VERIFIED,  # body checked first (422)
    "api.create_session": VERIFIED,  # body checked first (422)
    "api.federation_health": COORDINATORS,
    "api.get_article": MEMBERS,
    "api.get_consultation": OPERATORS,
    "api.get_textbook": ALL - {"unverified"},
    "api.group_health": OWN_GROUP,
    "api.impact_report": OWN_GROUP,
    "api.introduction_outcome": VERIFIED,  # body checked first (422)
    "api.list_abuse_reports": COORDINATORS,
    "api.list_articles": ALL - {"unverified"},
    "api.list_consultations": VERIFIED,
    "api.list_introductions": VERIFIED,
    "api.list_notifications": VERIFIED,
    "api.notification_settings": VERIFIED,
    "api.propose_event": OWN_GROUP,
    "api.read_notification": only("member_a"),
    "api.report_sender": VERIFIED,  # body checked first (422)
    "api.reset_calendar_feed": VERIFIED,
    "api.solve_consultation": only("operator_a"),
    "api.update_article": OWN_GROUP,
    "api.update_notification_settings": VERIFIED,
    # --- applications ----------------------------------------------------------
    "applications.create": VERIFIED,
    "applications.decide": COORDINATORS,
    "applications.detail": only("visitor", "coordinator", "admin"),
    "applications.edit": only("visitor"),
    "applications.endorse": ALL - {"unverified"},
    "applications.list": VERIFIED,
    "applications.override": COORDINATORS,
    "applications.precedents": COORDINATORS,
    "applications.settings": COORDINATORS,
    # --- assets ----------------------------------------------------------------
    "assets.answer": OWN_GROUP,
    "assets.confirm_delete": OWN_GROUP,
    "assets.delete": OWN_GROUP,
    "assets.detail": MEMBERS,
    "assets.edit": OWN_GROUP,
    "assets.list": MEMBERS,
    "assets.pause": OWN_GROUP,
    "assets.photo": MEMBERS,
    "assets.request_asset": only("operator_b"),
    "assets.requests": MEMBERS,
    "assets.upload_photo": OWN_GROUP,
    # --- auth ------------------------------------------------------------------
    "auth.check_mail": ALL,
    "auth.forgot_password": ALL,
    "auth.login": ALL,
    "auth.logout": ALL,
    "auth.register": ALL,
    "auth.reset_password": ALL,
    "auth.verify": ALL,
    # --- calendar --------------------------------------------------------------
    "calendar.feed": ALL - {"unverified"},  # the secret is the credential
    "calendar.group": ALL - {"unverified"},
    # --- conferences -----------------------------------------------------------
    "conferences.attendees": COORDINATORS,
    # Member A's seats; others who see the conference are told they have none.
    "conferences.cancel": VERIFIED,
    "conferences.cancel_signup": VERIFIED,
    "conferences.check_in": COORDINATORS,
    "conferences.confirm": only("member_a"),
    "conferences.confirm_cancel": VERIFIED,  # a confirmation page; cancelling is member A's
    "conferences.confirm_withdraw": only("member_a"),  # the submitter
    "conferences.content": COORDINATORS,
    "conferences.create": COORDINATORS,
    "conferences.decision": COORDINATORS,
    "conferences.detail": ALL - {"unverified"},
    "conferences.edit": COORDINATORS,
    "conferences.edit_proposal": only("member_a"),
    "conferences.invite": COORDINATORS,
    "conferences.list": ALL - {"unverified"},
    "conferences.nominate": NOBODY,  # the world's proposal is already accepted
    "conferences.programme_ics": ALL - {"unverified"},
    "conferences.programme_json": ALL - {"unverified"},
    "conferences.proposal": only("member_a", "operator_a", "coordinator", "admin"),
    "conferences.proposals": VERIFIED,
    "conferences.propose": VERIFIED,
    "conferences.register": MEMBERS,
    "conferences.review": COORDINATORS,
    "conferences.schedule": COORDINATORS,
    "conferences.session_ics": ALL - {"unverified"},
    "conferences.signup": MEMBERS,
    "conferences.unnominate": NOBODY,  # the world's proposal is already accepted
    "conferences.unschedule": COORDINATORS,
    "conferences.withdraw": only("member_a"),
    # --- consultations (operator A asked; operator B is the session's helper) --
    "consultations.accept_session": only("operator_b"),  # the helper
    "consultations.cancel_session": only("operator_a", "operator_b"),
    "consultations.create": OPERATORS,
    "consultations.detail": OPERATORS,
    "consultations.list": OPERATORS,
    "consultations.reply": OPERATORS,
    "consultations.report": OPERATORS,  # whoever sees it (the asker reports replies)
    "consultations.request_session": only("operator_a"),  # the asker
    "consultations.session_ics": only("operator_a", "operator_b"),
    "consultations.solve": only("operator_a"),
    "consultations.to_article": only("operator_a"),
    "consultations.topics": OPERATORS,
    # --- directory -------------------------------------------------------------
    "directory.decide": only("member_a"),
    "directory.detail": MEMBERS,
    "directory.edit": {"GET": VERIFIED, "POST": MEMBERS},  # saving needs membership
    "directory.import_confirm": OWN_GROUP,
    "directory.import_preview": OWN_GROUP,
    "directory.introduce": MEMBERS,
    "directory.introductions": VERIFIED,
    "directory.invite": OWN_GROUP,
    "directory.join": ALL - {"unverified"},
    "directory.list": MEMBERS,
    "directory.matches": MEMBERS,
    "directory.report": only("member_a"),
    "directory.reports": COORDINATORS,
    # --- events ----------------------------------------------------------------
    "events.answer_host": OWN_GROUP,
    "events.attendees": OWN_GROUP,
    "events.calendar": VERIFIED,
    "events.change_state": OWN_GROUP,
    "events.check_in": OWN_GROUP,
    "events.confirm_cancel": OWN_GROUP,
    "events.confirm_unregister": MEMBERS,  # who sees the event
    "events.create": OPERATORS,  # operators of a group, and coordinators
    "events.detail": MEMBERS,
    "events.edit": OWN_GROUP,
    "events.export": OWN_GROUP,
    "events.ics": MEMBERS,
    "events.invite": OWN_GROUP,
    "events.list": ALL - {"unverified"},
    "events.mail": OWN_GROUP,
    "events.register": MEMBERS,
    "events.return_to_hosts": COORDINATORS,
    "events.settings": COORDINATORS,
    "events.speakers": OWN_GROUP,
    # Member A's registration; others who see the event are told they have none.
    "events.unregister": MEMBERS,
    "events.venue": OWN_GROUP,
    # --- groups ----------------------------------------------------------------
    "groups.detail": MEMBERS,
    "groups.edit": OWN_GROUP,
    "groups.export": COORDINATORS,
    "groups.list": VERIFIED,  # visitors see public groups only
    "groups.new_asset": OWN_GROUP,
    # --- health ----------------------------------------------------------------
    "health.consent": only("operator_a"),  # the group's own operators only
    "health.event": OWN_GROUP,
    "health.federation": COORDINATORS,
    "health.group": OWN_GROUP,
    "health.highlights": OWN_GROUP,
    "health.impact_report": OWN_GROUP,
    "health.mine": only("operator_a", "operator_b"),  # to their own group
    "health.outcome": only("member_a", "operator_b"),  # the two people of the introduction
    "health.research_export": COORDINATORS,
    "health.thresholds": COORDINATORS,
    # --- knowledge (operator A's members-only article) -------------------------
    "knowledge.attach": OWN_GROUP,  # the author and coordinators
    "knowledge.chapter": ALL - {"unverified"},
    "knowledge.chapter_action": COORDINATORS,
    "knowledge.chapter_add": COORDINATORS,
    "knowledge.create": OPERATORS,
    "knowledge.detail": MEMBERS,
    "knowledge.diff": MEMBERS,
    "knowledge.download": MEMBERS,
    "knowledge.edit": OWN_GROUP,
    "knowledge.entry_action": COORDINATORS,
    "knowledge.history": MEMBERS,
    "knowledge.list": ALL - {"unverified"},
    "knowledge.manage_textbook": COORDINATORS,
    "knowledge.practice_join": only("visitor"),  # from one's own application
    "knowledge.practice_profile": NOBODY,  # nobody in the world is in the practice community
    "knowledge.remove_attachment": OWN_GROUP,
    "knowledge.restore": OWN_GROUP,
    "knowledge.textbook_toc": ALL - {"unverified"},
    # --- main ------------------------------------------------------------------
    "main.health": ALL,
    "main.home": ALL,
    "main.language": ALL,
    "main.ready": ALL,
    # --- membership ------------------------------------------------------------
    "membership.ask": VERIFIED,
    "membership.decide": only("operator_a"),  # approve, by the group's approvers
    "membership.detail": only("visitor", "operator_a"),  # the asker and the group's approvers
    "membership.digest_days": only("operator_a"),
    "membership.how_to_join": ALL - {"unverified"},
    "membership.introduction": only("member_a"),  # the group's members
    # The group's members and operators, and coordinators:
    "membership.members": only("member_a", "operator_a", "coordinator", "admin"),
    "membership.queue": only("operator_a"),  # the group's approvers
    "membership.settings": OWN_GROUP,
    # --- notifications (the world's notification is member A's) ---------------
    "notifications.detail": only("member_a"),
    "notifications.inbox": VERIFIED,
    "notifications.read": only("member_a"),
    "notifications.read_all": VERIFIED,
    "notifications.settings": VERIFIED,
}

# Requests after which the clients must sign in again.
SIGNS_OUT = {"auth.logout", "account.delete_account", "auth.login", "auth.reset_password",
             "account.password", "account.email", "directory.join", "account.end_session",
             "account.end_all_sessions"}
# ...and whose success is that sign-in page (a refusal sends there with `next`).
SIGNS_OUT_TO_LOGIN = {"account.end_session", "account.end_all_sessions"}

OBSERVE = os.environ.get("MATRIX_OBSERVE") == "1"


# --- the world ------------------------------------------------------------------------------

def build_world(app, make) -> dict:
    """The same objects with the same ids every time it is built."""
    from federation.models import AssetPhoto, OutboxMail
    from federation.services import accounts, directory
    from federation.services.events import calendars

    people = {}
    with app.test_request_context():
        people["unverified"] = make.user(verified=False, email="unverified@matrix.example.jp")
    people["visitor"] = make.user(email="visitor@matrix.example.jp")
    people["operator_a"] = make.user(role=Role.operator, email="op-a@matrix.example.jp")
    people["operator_b"] = make.user(role=Role.operator, email="op-b@matrix.example.jp")
    people["coordinator"] = make.user(role=Role.coordinator, email="coord@matrix.example.jp")
    people["admin"] = make.user(role=Role.admin, email="admin@matrix.example.jp")
    group_a = make.group(slug="group-a", operators=(people["operator_a"],), is_public=False)
    group_b = make.group(slug="group-b", operators=(people["operator_b"],), is_public=True)
    people["member_a"] = make.member(group_a, email="member-a@matrix.example.jp")
    with app.test_request_context():
        directory.update_profile(people["member_a"], {"bio": "共創", **make.shared()})
    db.session.commit()
    asset = make.asset(group_a, "venue")
    photo = AssetPhoto(asset_id=asset.id, stored_name="matrix.jpg", content_type="image/jpeg",
                       size=10)
    db.session.add(photo)
    asset_request = make.asset_request(asset, group_b, people["operator_b"],
                                       starts_at=None, ends_at=None)
    event = make.event(group_a, audience="members")
    token, _raw = accounts.create_api_token(people["member_a"], "matrix")
    db.session.commit()
    join_request = make.join_request(group_a, people["visitor"])
    from datetime import datetime, time, timezone

    from federation.models import (ConferenceRegistration, ConferenceSession,
                                   RegistrationStatus, utcnow)
    from federation.services import introductions

    with app.test_request_context():
        introduction = introductions.request_introduction(
            people["operator_b"], directory.get_own_profile(people["member_a"]).id, "はじめまして")
    db.session.commit()
    application = make.application(people["visitor"])
    edition = make.edition(2031, phase="decided")
    proposal = make.proposal(edition, people["member_a"], status="accepted")
    starts = datetime.combine(edition.starts_on, time(10, 0), timezone.utc)
    session = ConferenceSession(edition_id=edition.id, proposal_id=proposal.id, room="Hall A",
                                starts_at=starts, ends_at=starts.replace(hour=11), capacity=30)
    registration = ConferenceRegistration(edition_id=edition.id, user_id=people["member_a"].id,
                                          status=RegistrationStatus.confirmed, queued_at=utcnow())
    from federation.models import EventRegistration, Nomination, SessionSignup

    db.session.add_all([session, registration])
    db.session.flush()
    db.session.add_all([
        SessionSignup(session_id=session.id, user_id=people["member_a"].id,
                      status=RegistrationStatus.confirmed, queued_at=utcnow()),
        Nomination(edition_id=edition.id, proposal_id=proposal.id, group_id=group_a.id,
                   nominated_by_id=people["operator_a"].id),
        EventRegistration(event_id=event.id, user_id=people["member_a"].id,
                          status=RegistrationStatus.confirmed, queued_at=utcnow())])
    db.session.commit()
    from pathlib import Path

    uploads = Path(app.config["UPLOAD_DIR"])
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / photo.stored_name).write_bytes(b"\xff\xd8\xff\xd9")
    outbox = db.session.scalars(db.select(OutboxMail.id).limit(1)).first()
    knowledge = build_knowledge(app, people)
    from federation.models import Notification

    notification = Notification(user_id=people["member_a"].id, kind="matrix", subject="お知らせ")
    db.session.add(notification)
    db.session.commit()
    return {
        "people": people,
        "params": {
            "slug": group_a.slug, "public_slug": group_b.slug, "asset_id": asset.id,
            "photo_id": photo.id,
            "request_id": asset_request.id, "event_id": event.id,
            "profile_id": directory.get_own_profile(people["member_a"]).id,
            "token_id": token.id, "user_id": people["visitor"].id, "mail_id": outbox or 1,
            "join_request_id": join_request.id, "secret": calendars.feed_secret(
                people["member_a"]), "token": "not-a-real-token", "filename": "css/app.css",
            "year": 2031, "answer": "accept", "action": "approve",
            "introduction_id": introduction.id, "application_id": application.id,
            "proposal_id": proposal.id, "session_id": session.id,
            "registration_id": registration.id, "introduction_action": "accept",
            "host_answer": "confirm", "event_action": "complete",
            "notification_id": notification.id, "fmt": "csv", "number": 1,
            "chapter_action": "down", "entry_action": "down", **knowledge,
        },
    }


def write_attachment(app, stored_name: str) -> None:
    # Files are not in the database copy: a removal is undone here.
    from pathlib import Path

    stored = Path(app.config["UPLOAD_DIR"]) / "knowledge" / stored_name
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(b"PK\x03\x04")


def build_knowledge(app, people) -> dict:
    """An operator's members-only article with an attachment in a textbook
    chapter, and operator A's consultation with a 1:1 session proposed to
    operator B."""
    from datetime import timedelta

    from federation.models import (ArticleAttachment, ConsultationSession, SessionStatus,
                                   TextbookChapter, TextbookEntry, utcnow)
    from tests.functional.knowledge_helpers import article, consultation

    row = article(app, people["operator_a"])
    attachment = ArticleAttachment(article_id=row.id, filename="template.docx",
                                   stored_name="matrix-template.docx",
                                   content_type="application/octet-stream", size=4,
                                   uploaded_by_id=people["operator_a"].id)
    chapter = TextbookChapter(title_ja="第1章", position=1)
    db.session.add_all([attachment, chapter])
    db.session.flush()
    entry = TextbookEntry(chapter_id=chapter.id, article_id=row.id, position=1)
    db.session.add(entry)
    db.session.commit()
    write_attachment(app, attachment.stored_name)
    asked = consultation(app, people["operator_a"])
    when = (utcnow() + timedelta(days=7)).replace(microsecond=0)
    session = ConsultationSession(consultation_id=asked.id, asker_id=people["operator_a"].id,
                                  helper_id=people["operator_b"].id,
                                  proposed_times=[when.isoformat()], starts_at=when,
                                  status=SessionStatus.accepted)
    db.session.add(session)
    db.session.commit()
    return {"article_id": row.id, "attachment_id": attachment.id, "chapter_id": chapter.id,
            "entry_id": entry.id, "consultation_id": asked.id,
            "consultation_session_id": session.id}


# Per endpoint: which world value fills an argument of the same name.
PARAMS = {
    "calendar.group": {"slug": "public_slug"},  # feeds exist for public groups only
    "directory.decide": {"action": "introduction_action"},
    "events.answer_host": {"answer": "host_answer"},
    "events.change_state": {"action": "event_action"},
    "membership.detail": {"request_id": "join_request_id"},
    "membership.decide": {"request_id": "join_request_id"},
    "api.get_join_request": {"request_id": "join_request_id"},
    "api.approve_join_request": {"request_id": "join_request_id"},
    "api.decline_join_request": {"request_id": "join_request_id"},
    "api.withdraw_join_request": {"request_id": "join_request_id"},
    "knowledge.chapter_action": {"action": "chapter_action"},
    "knowledge.entry_action": {"action": "entry_action"},
    "account.end_session": {"session_id": "login_session_id"},
    "api.accept_session": {"session_id": "consultation_session_id"},
    "api.cancel_session": {"session_id": "consultation_session_id"},
    "consultations.accept_session": {"session_id": "consultation_session_id"},
    "consultations.cancel_session": {"session_id": "consultation_session_id"},
    "consultations.session_ics": {"session_id": "consultation_session_id"},
}


def reset_database(app) -> None:
    db.session.remove()
    if ON_POSTGRES:
        _empty_postgres_tables()
    else:
        db.drop_all()
        db.create_all()


SNAPSHOT = "role_matrix_world"


def snapshot_postgres() -> None:
    """Keep a copy of the built world's rows and sequence positions in a
    schema of its own (PostgreSQL's counterpart of the SQLite file copy)."""
    db.session.remove()
    with db.engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SNAPSHOT} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SNAPSHOT}"))
        for table in db.metadata.sorted_tables:
            conn.execute(text(f'CREATE TABLE {SNAPSHOT}."{table.name}" AS SELECT * FROM public."{table.name}"'))
        conn.execute(text(
            f"CREATE TABLE {SNAPSHOT}._sequences AS SELECT sequencename, last_value"
            " FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL"))


def restore_postgres() -> None:
    """Put the snapshot's rows back, parents first, and every sequence where
    it stood; whatever the last request wrote is gone."""
    db.session.remove()
    _empty_postgres_tables()
    with db.engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            conn.execute(text(f'INSERT INTO public."{table.name}" SELECT * FROM {SNAPSHOT}."{table.name}"'))
        conn.execute(text(
            f"SELECT setval(quote_ident('public') || '.' || quote_ident(sequencename), last_value)"
            f" FROM {SNAPSHOT}._sequences"))


def refused(response, role: str, endpoint: str = "") -> bool:
    if response.status_code in (401, 403, 404):
        return True
    if response.status_code in (301, 302, 303):
        location = response.headers.get("Location", "")
        path = urlsplit(location).path
        if path.startswith("/auth/login"):
            return endpoint not in SIGNS_OUT_TO_LOGIN or "next=" in location
        if role == "unverified" and location.endswith("#verification"):
            return True
    return False


QUERY = {"events.export": "?group=group-a",
         "knowledge.diff": "?old=1&new=1"}  # the world's article has one version


def url_for_rule(rule, params: dict, endpoint: str) -> str:
    values = {}
    names = PARAMS.get(endpoint, {})
    for argument in rule.arguments:
        values[argument] = params[names.get(argument, argument)]
    return rule.build(values, append_unknown=False)[1] + QUERY.get(endpoint, "")


def expected_roles(endpoint: str, method: str) -> frozenset | None:
    entry = ALLOWED.get(endpoint)
    if isinstance(entry, dict):
        return entry.get(method)
    return entry


def test_every_route_has_an_entry(app):
    missing = sorted(f"{rule.endpoint} {method}" for rule in app.url_map.iter_rules()
                     for method in rule.methods - {"HEAD", "OPTIONS"}
                     if expected_roles(rule.endpoint, method) is None)
    assert missing == [], "add these routes to ALLOWED in tests/functional/test_role_matrix.py"


def test_role_matrix(app, make, tmp_path):
    from tests.factories import Factory

    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))
    cases = [(rule, method) for rule in rules
             for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
             if OBSERVE or expected_roles(rule.endpoint, method) is not None]

    def build():
        reset_database(app)
        world = build_world(app, Factory(app))
        clients = {}
        for role in ROLES:
            client = app.test_client()
            if role != "anonymous":
                person = world["people"][role]
                answer = client.post("/auth/login", data={"email": person.email,
                                                          "password": "correct horse battery"})
                assert answer.status_code == 302, role
            clients[role] = client
        from federation.models import LoginSession

        # Member A's own sign-in (the sessions page lists and ends one's own).
        world["params"]["login_session_id"] = db.session.scalar(
            db.select(LoginSession.id).where(LoginSession.user_id == world["people"]["member_a"].id)
            .order_by(LoginSession.id.desc()).limit(1))
        return world, clients

    # The built world (signed-in sessions included) is kept and put back: on
    # SQLite as a copy of the file, on PostgreSQL as a copy of the rows.
    sqlite_path = None if ON_POSTGRES else db.engine.url.database

    def keep():
        if sqlite_path:
            db.session.remove()
            db.engine.dispose()
            shutil.copyfile(sqlite_path, sqlite_path + ".world")
        else:
            snapshot_postgres()

    world, clients = build()
    keep()

    def fresh(signed_out: bool = False):
        nonlocal world, clients
        if signed_out:
            world, clients = build()
            keep()
            return world, clients
        if sqlite_path:
            db.session.remove()
            db.engine.dispose()
            shutil.copyfile(sqlite_path + ".world", sqlite_path)
        else:
            restore_postgres()
        write_attachment(app, "matrix-template.docx")
        return world, clients
    mismatches, observed = [], []
    for rule, method in cases:
        allowed = expected_roles(rule.endpoint, method) or NOBODY
        url = url_for_rule(rule, world["params"], rule.endpoint)
        row = []
        for role in ROLES:
            kwargs = {"json": {}} if rule.endpoint.startswith("api.") and method != "GET" else {}
            if method not in ("GET",) and not kwargs:
                kwargs = {"data": {}}
            response = clients[role].open(url, method=method, **kwargs)
            went_through = not refused(response, role, rule.endpoint)
            row.append(f"{role}:{response.status_code}{'' if went_through else '!'}")
            if went_through != (role in allowed):
                mismatches.append(f"{rule.endpoint} {method} {url} {role}: "
                                  f"{response.status_code} {response.headers.get('Location', '')}"
                                  f" (expected {'allowed' if role in allowed else 'refused'})")
            signed_out = rule.endpoint in SIGNS_OUT
            if signed_out or (went_through and method != "GET" and response.status_code < 400):
                world, clients = fresh(signed_out)
        observed.append(f"{rule.endpoint} {method}: {' '.join(row)}")
    if ON_POSTGRES:
        with db.engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SNAPSHOT} CASCADE"))
    if OBSERVE:
        print("\n".join(observed))
    assert mismatches == [], "\n".join(mismatches)
