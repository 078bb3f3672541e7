"""Secrets, hashing and permission checks. Permission rules live here only."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urljoin, urlsplit

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from federation.models import Role, User

API_TOKEN_PREFIX = "fed_"


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def hash_secret(raw: str) -> str:
    """Tokens are long random values, so one SHA-256 is enough (no salt needed)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


# A real hash to compare against when no user matches, so that a wrong email
# costs the same time as a wrong password.
_DUMMY_HASH: dict[str, str] = {}


def burn_password_check(password: str) -> None:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASH:
        _DUMMY_HASH[method] = generate_password_hash("x" * 16, method=method)
    check_password_hash(_DUMMY_HASH[method], password)


def constant_time_equals(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def is_safe_redirect(target: str | None, host_url: str) -> bool:
    """Only same-origin relative paths are followed after login."""
    if not target or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(urljoin(host_url, target))
    host = urlsplit(host_url)
    return parts.scheme in {"http", "https"} and parts.netloc == host.netloc


def is_admin(actor: User | None) -> bool:
    return actor is not None and actor.is_authenticated and actor.role == Role.admin


def is_coordinator(actor: User | None) -> bool:
    return actor is not None and actor.is_authenticated and actor.has_role(Role.coordinator)


def can_manage_group(actor: User | None, group) -> bool:
    """Coordinators manage every group; operators only the groups they run."""
    if actor is None or not actor.is_authenticated:
        return False
    if is_coordinator(actor):
        return True
    return any(op.user_id == actor.id for op in group.operators)


def is_member(actor: User | None) -> bool:
    """A signed-in person of the federation (the registry is for them)."""
    return actor is not None and actor.is_authenticated and actor.is_active


def can_view_group(actor: User | None, group) -> bool:
    """Members see every group; visitors only groups whose profile is public."""
    return is_member(actor) or bool(group.is_public)


def can_export_registry(actor: User | None) -> bool:
    return is_coordinator(actor)


def can_request_for_group(actor: User | None, group) -> bool:
    """Asking for another group's asset is done on behalf of a group one runs."""
    return can_manage_group(actor, group)


def can_decide_asset_request(actor: User | None, asset_request) -> bool:
    """The owning group's operators (or coordinators) accept or decline."""
    return can_manage_group(actor, asset_request.asset.group)


def can_cancel_asset_request(actor: User | None, asset_request) -> bool:
    """The requesting group's operators (or coordinators) cancel."""
    return can_manage_group(actor, asset_request.requester_group)


def can_see_asset_request(actor: User | None, asset_request) -> bool:
    return (can_decide_asset_request(actor, asset_request)
            or can_cancel_asset_request(actor, asset_request))
def can_see_application(actor: User | None, application) -> bool:
    """Coordinators see every application; an applicant only their own."""
    if actor is None or not actor.is_authenticated:
        return False
    return is_coordinator(actor) or application.applicant_id == actor.id


def is_alumnus_of(actor: User | None, group) -> bool:
    """A verified alumnus/alumna of the group (linked through an invitation)."""
    if actor is None or not actor.is_authenticated:
        return False
    from sqlalchemy import select

    from federation.extensions import db
    from federation.models import GroupMembership

    return db.session.scalar(select(GroupMembership.id).where(
        GroupMembership.group_id == group.id, GroupMembership.user_id == actor.id)) is not None


def can_invite_alumni(actor: User | None, group) -> bool:
    """A group's operators (or coordinators) bring its alumni into the directory."""
    return can_manage_group(actor, group)


def can_see_abuse_reports(actor: User | None) -> bool:
    return is_coordinator(actor)


def configure_login_manager(login_manager) -> None:
    from flask_babel import lazy_gettext as _l

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    # The session row is the protection; Flask-Login's own check is redundant.
    login_manager.session_protection = None

    @login_manager.user_loader
    def load_user(session_key: str):
        from federation.services.accounts import load_login_session

        return load_login_session(session_key)

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import flash, redirect, request, url_for

        from federation.errors import Unauthorized, wants_json

        if wants_json():
            raise Unauthorized()
        flash(str(login_manager.login_message), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


# --- joint events ---------------------------------------------------------------

def member_group_ids(actor: User | None):
    """A select() of the ids of the groups the actor belongs to: the groups
    they operate and those they are verified alumni of."""
    from sqlalchemy import select, union

    from federation.models import GroupMembership, GroupOperator

    user_id = actor.id if actor is not None and actor.is_authenticated else -1
    return union(
        select(GroupOperator.group_id).where(GroupOperator.user_id == user_id),
        select(GroupMembership.group_id).where(GroupMembership.user_id == user_id),
    )


def event_visibility(viewer: User | None):
    """THE audience rule of joint events, as a SQL condition on JointEvent.

    Hosts' operators and coordinators see their events in every state; others
    see published, completed and cancelled events whose audience includes them:
    public -> everyone; members -> signed-in members of the federation;
    hosts -> members of a confirmed host group. Pages, lists, the API and the
    calendar feeds all use this one condition (can_see_event too)."""
    from sqlalchemy import and_, exists, or_, true

    from federation.models import EventAudience, EventHost, EventStatus, HostStatus, JointEvent

    if is_coordinator(viewer):
        return true()
    listed = JointEvent.status.in_(
        (EventStatus.published, EventStatus.completed, EventStatus.cancelled))
    public = JointEvent.audience == EventAudience.public
    if not is_member(viewer):
        return and_(listed, public)
    mine = member_group_ids(viewer)
    hosted_by_mine = exists().where(EventHost.event_id == JointEvent.id,
                                    EventHost.status == HostStatus.confirmed,
                                    EventHost.group_id.in_(mine))
    runs_it = exists().where(EventHost.event_id == JointEvent.id,
                             EventHost.status != HostStatus.declined,
                             EventHost.group_id.in_(manageable_group_ids(viewer)))
    return or_(runs_it, and_(listed, or_(
        public, JointEvent.audience == EventAudience.members,
        and_(JointEvent.audience == EventAudience.hosts, hosted_by_mine))))


def manageable_group_ids(actor: User | None):
    from sqlalchemy import select

    from federation.models import GroupOperator

    user_id = actor.id if actor is not None and actor.is_authenticated else -1
    return select(GroupOperator.group_id).where(GroupOperator.user_id == user_id)


def can_see_event(viewer: User | None, event) -> bool:
    from sqlalchemy import select

    from federation.extensions import db
    from federation.models import JointEvent

    return db.session.scalar(
        select(JointEvent.id).where(JointEvent.id == event.id, event_visibility(viewer))
    ) is not None


def can_manage_event(actor: User | None, event) -> bool:
    """Coordinators, and operators of a host group that has not declined."""
    if is_coordinator(actor):
        return True
    from federation.models import HostStatus

    return any(h.status != HostStatus.declined and can_manage_group(actor, h.group)
               for h in event.hosts)


def can_approve_event(actor: User | None) -> bool:
    return is_coordinator(actor)


# --- the annual conference ------------------------------------------------------

def can_review_conference(actor: User | None, edition) -> bool:
    """Coordinators, and the people they invited to review this edition."""
    if is_coordinator(actor):
        return True
    if actor is None or not actor.is_authenticated:
        return False
    from sqlalchemy import select

    from federation.extensions import db
    from federation.models import ConferenceReviewer

    return db.session.scalar(select(ConferenceReviewer.id).where(
        ConferenceReviewer.edition_id == edition.id,
        ConferenceReviewer.user_id == actor.id)) is not None


# --- federation health (issue 17) -----------------------------------------------

def can_see_federation_health(actor: User | None) -> bool:
    """The all-groups dashboard, thresholds and research export: coordinators."""
    return is_coordinator(actor)


def can_set_health_thresholds(actor: User | None) -> bool:
    return is_coordinator(actor)


def can_export_research(actor: User | None) -> bool:
    return is_coordinator(actor)


def can_see_group_health(actor: User | None, group) -> bool:
    """A group's dashboard and impact report: its operators and coordinators."""
    return can_manage_group(actor, group)


def can_write_group_highlights(actor: User | None, group) -> bool:
    return can_manage_group(actor, group)


def can_set_research_consent(actor: User | None, group) -> bool:
    """Only the group's own operators agree to the research export for it."""
    if actor is None or not actor.is_authenticated:
        return False
    return any(op.user_id == actor.id for op in group.operators)
