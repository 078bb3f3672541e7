"""Who may do what: every permission rule (`can_*`, `is_*`) lives here only.

Rules read the actor and the objects they are given, and ask the database
themselves when they must (membership, reviewers, approvers); they never
import a service. Services, views, API handlers and templates all ask here.
"""

from __future__ import annotations

from federation.models import Role, User


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


def is_verified(actor: User | None) -> bool:
    """A signed-in, active account whose email address is confirmed."""
    return (
        actor is not None
        and actor.is_authenticated
        and actor.is_active
        and actor.email_verified_at is not None
    )


def is_member(actor: User | None) -> bool:
    """THE membership rule: a verified account with an accepted membership
    (invitation, import or approved join request) of at least one member
    group, or an operator, coordinator or admin. Everyone else sees public
    pages, their own account, the operator application and how to join.

    One query per person and request at most: the answer is kept in `g`."""
    if not is_verified(actor):
        return False
    if actor.has_role(Role.operator):
        return True
    cache = _membership_cache()
    if cache is not None and actor.id in cache:
        return cache[actor.id]
    from sqlalchemy import exists, select

    from federation.extensions import db
    from federation.models import GroupOperator

    # The alumni groups first: the directory asks for them in the same
    # request, so a member's answer costs no query of its own.
    answer = bool(alumni_group_ids(actor)) or bool(
        db.session.scalar(select(exists().where(GroupOperator.user_id == actor.id)))
    )
    if cache is not None:
        cache[actor.id] = answer
    return answer


GROUP_IDS_CACHE = "_alumni_group_ids"  # in flask.g, see forget_membership


def alumni_group_ids(user: User | None) -> list[int]:
    """The groups the user is an alumnus of; asked once per person and
    request (forget_membership forgets it after a change)."""
    if user is None or not user.is_authenticated:
        return []
    from flask import g, has_request_context
    from sqlalchemy import select

    from federation.extensions import db
    from federation.models import GroupMembership

    cache = g.setdefault(GROUP_IDS_CACHE, {}) if has_request_context() else None
    if cache is not None and user.id in cache:
        return list(cache[user.id])
    loaded = getattr(user, "loaded_group_ids", None)  # read with the login session
    if loaded is not None:
        ids = list(loaded)
    else:
        ids = list(
            db.session.scalars(select(GroupMembership.group_id).where(GroupMembership.user_id == user.id))
        )
    if cache is not None:
        cache[user.id] = tuple(ids)
    return ids


def _membership_cache() -> dict | None:
    from flask import g, has_request_context

    if not has_request_context():
        return None  # CLI and direct service calls: always ask the database
    return g.setdefault("_is_member", {})


def forget_membership(user: User) -> None:
    """A membership was just added or removed: ask the database again."""
    user.loaded_group_ids = None
    cache = _membership_cache()
    if cache is not None:
        cache.pop(user.id, None)
        from flask import g

        g.get(GROUP_IDS_CACHE, {}).pop(user.id, None)


def access_level(actor: User | None) -> str:
    """anonymous, unverified, visitor (verified, in no member group) or member."""
    if actor is None or not actor.is_authenticated:
        return "anonymous"
    if not is_verified(actor):
        return "unverified"
    return "member" if is_member(actor) else "visitor"


# What an account with an unconfirmed address may still use: confirming it,
# signing in and out, and its own account (where the mail is sent again).
UNVERIFIED_ENDPOINTS = frozenset({"static", "main.home", "main.language", "main.health", "main.ready"})
UNVERIFIED_BLUEPRINTS = frozenset({"auth", "account"})
# API tokens are for verified accounts only, so a bearer token never acts for
# an unverified account (the gate then needs no query of its own).
UNVERIFIED_REFUSED = frozenset({"account.tokens", "account.revoke_token"})
API_UNVERIFIED_ENDPOINTS = frozenset({"api.me", "api.update_me", "api.openapi"})


def unverified_may_use(endpoint: str | None) -> bool:
    if endpoint is None:
        return True  # a 404 or 405 answers by itself
    if endpoint in UNVERIFIED_REFUSED:
        return False
    return (
        endpoint in UNVERIFIED_ENDPOINTS
        or endpoint in API_UNVERIFIED_ENDPOINTS
        or (endpoint.partition(".")[0] in UNVERIFIED_BLUEPRINTS)
    )


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
    return can_decide_asset_request(actor, asset_request) or can_cancel_asset_request(actor, asset_request)


def can_see_application(actor: User | None, application) -> bool:
    """Coordinators see every application; an applicant only their own."""
    if actor is None or not actor.is_authenticated:
        return False
    return is_coordinator(actor) or application.applicant_id == actor.id


def is_alumnus_of(actor: User | None, group) -> bool:
    """A verified alumnus/alumna of the group (linked through an invitation)."""
    return group.id in alumni_group_ids(actor)


def can_invite_alumni(actor: User | None, group) -> bool:
    """A group's operators (or coordinators) bring its alumni into the directory."""
    return can_manage_group(actor, group)


def can_see_abuse_reports(actor: User | None) -> bool:
    return is_coordinator(actor)


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
    listed = JointEvent.status.in_((EventStatus.published, EventStatus.completed, EventStatus.cancelled))
    public = JointEvent.audience == EventAudience.public
    if not is_member(viewer):
        return and_(listed, public)
    mine = member_group_ids(viewer)
    hosted_by_mine = exists().where(
        EventHost.event_id == JointEvent.id,
        EventHost.status == HostStatus.confirmed,
        EventHost.group_id.in_(mine),
    )
    runs_it = exists().where(
        EventHost.event_id == JointEvent.id,
        EventHost.status != HostStatus.declined,
        EventHost.group_id.in_(manageable_group_ids(viewer)),
    )
    return or_(
        runs_it,
        and_(
            listed,
            or_(
                public,
                JointEvent.audience == EventAudience.members,
                and_(JointEvent.audience == EventAudience.hosts, hosted_by_mine),
            ),
        ),
    )


def event_visibility_scope(viewer: User | None) -> tuple:
    """Every input of event_visibility(viewer): what a cached list of events
    is keyed by (federation/listcache.py). A member's condition reads their
    own groups, so their lists are their own."""
    if is_coordinator(viewer):
        return ("coordinator",)
    if not is_member(viewer):
        return ("public",)
    return ("member", viewer.id)


def manageable_group_ids(actor: User | None):
    from sqlalchemy import select

    from federation.models import GroupOperator

    user_id = actor.id if actor is not None and actor.is_authenticated else -1
    return select(GroupOperator.group_id).where(GroupOperator.user_id == user_id)


def can_see_event(viewer: User | None, event) -> bool:
    from sqlalchemy import select

    from federation.extensions import db
    from federation.models import JointEvent

    return (
        db.session.scalar(select(JointEvent.id).where(JointEvent.id == event.id, event_visibility(viewer)))
        is not None
    )


def can_manage_event(actor: User | None, event) -> bool:
    """Coordinators, and operators of a confirmed host group. A group only
    invited to co-host answers the invitation first (it sees the event, not
    its attendees, and cannot change it)."""
    if is_coordinator(actor):
        return True
    from federation.models import HostStatus

    return any(h.status == HostStatus.confirmed and can_manage_group(actor, h.group) for h in event.hosts)


def can_approve_event(actor: User | None) -> bool:
    return is_coordinator(actor)


def is_confirmed_cohosted(event) -> bool:
    """Two or more hosts, and every invited co-host has confirmed."""
    from federation.models import HostStatus

    live = [h for h in event.hosts if h.status != HostStatus.declined]
    return len(live) >= 2 and all(h.status == HostStatus.confirmed for h in live)


def can_publish_event(actor: User | None, event, publish_without_approval: bool) -> bool:
    """Coordinators publish (approve) any event; with the federation's
    setting on (`publish_without_approval`, read by the events service), the
    hosts publish a confirmed co-hosted event themselves."""
    return can_approve_event(actor) or (
        publish_without_approval and can_manage_event(actor, event) and is_confirmed_cohosted(event)
    )


def can_see_online_link(viewer: User | None, event) -> bool:
    """The hosts, and the people whose seat is confirmed."""
    if can_manage_event(viewer, event):
        return True
    if viewer is None or not viewer.is_authenticated:
        return False
    from sqlalchemy import select

    from federation.extensions import db
    from federation.models import EventRegistration, RegistrationStatus

    registration = db.session.scalar(
        select(EventRegistration).where(
            EventRegistration.event_id == event.id, EventRegistration.user_id == viewer.id
        )
    )
    return registration is not None and registration.status == RegistrationStatus.confirmed


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

    return (
        db.session.scalar(
            select(ConferenceReviewer.id).where(
                ConferenceReviewer.edition_id == edition.id, ConferenceReviewer.user_id == actor.id
            )
        )
        is not None
    )


def is_speaker(actor: User | None, proposal) -> bool:
    if actor is None or not actor.is_authenticated:
        return False
    return proposal.submitter_id == actor.id or any(s.user_id == actor.id for s in proposal.speakers)


def can_see_proposal(viewer: User | None, proposal) -> bool:
    """Speakers, reviewers, operators of a group that nominated it, and while
    it is in the running any group operator (who may nominate it: they read
    it first; speaker names stay hidden during a blind review)."""
    from federation.models import ProposalStatus

    return (
        is_speaker(viewer, proposal)
        or can_review_conference(viewer, proposal.edition)
        or any(can_manage_group(viewer, n.group) for n in proposal.nominations)
        or (proposal.status == ProposalStatus.submitted and operates_a_group(viewer))
    )


def operates_a_group(viewer: User | None) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    from federation.extensions import db

    return db.session.scalar(manageable_group_ids(viewer).limit(1)) is not None


# --- joining a member group ------------------------------------------------------


def is_operator_of(actor: User | None, group) -> bool:
    """Runs this very group (coordinators are not counted)."""
    if actor is None or not actor.is_authenticated:
        return False
    return any(op.user_id == actor.id for op in group.operators)


def join_approver_ids(group) -> set[int]:
    """Who decides the group's join requests: the operators it named as
    approvers, or, while it named none, every operator of the group."""
    from sqlalchemy import select

    from federation.extensions import db
    from federation.models import JoinApprover

    operators = {op.user_id for op in group.operators}
    named = getattr(group, "loaded_named_approver_ids", None)  # read with the operators
    if named is None:
        named = set(db.session.scalars(select(JoinApprover.user_id).where(JoinApprover.group_id == group.id)))
    return (set(named) & operators) or operators


def can_decide_join_requests(actor: User | None, group) -> bool:
    """The group's approvers (operators of that group) see its queue, the
    answers (birth date included) and decide."""
    return is_verified(actor) and actor.id in join_approver_ids(group)


def can_see_join_request(actor: User | None, join_request) -> bool:
    if not is_verified(actor):
        return False
    return join_request.user_id == actor.id or can_decide_join_requests(actor, join_request.group)


def may_see_birth_date(actor: User | None, join_request) -> bool:
    """A join request's birth date: the group's approvers only."""
    return can_decide_join_requests(actor, join_request.group)


def can_ask_to_join(actor: User | None) -> bool:
    """Any verified account may ask (members too: a person may be an alumnus
    or alumna of several companies)."""
    return is_verified(actor)


def can_see_group_members(actor: User | None, group) -> bool:
    """The group's member page (self-introductions): its members, its
    operators and coordinators."""
    if not is_verified(actor):
        return False
    if is_coordinator(actor) or is_operator_of(actor, group):
        return True
    return is_alumnus_of(actor, group)


# --- the knowledge hub and the practice community (issue 16) ---------------------
# Practice membership is NOT membership of the federation: a practice member
# reads practice-visible articles and uses the beginners' consultation space,
# nothing else (no directory, assets or members-only events).


def is_practice_member(actor: User | None) -> bool:
    """In the practice community [実践コミュニティ] (and not left it). One
    query per person and request at most (kept in `g`, as for is_member)."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    loaded = getattr(actor, "loaded_in_practice", None)  # read with the login session
    if loaded is not None:
        return loaded
    cache = _practice_cache()
    if cache is not None and actor.id in cache:
        return cache[actor.id]
    from sqlalchemy import select

    from federation.extensions import db
    from federation.models import PracticeMembership

    answer = (
        db.session.scalar(
            select(PracticeMembership.id).where(
                PracticeMembership.user_id == actor.id, PracticeMembership.left_at.is_(None)
            )
        )
        is not None
    )
    if cache is not None:
        cache[actor.id] = answer
    return answer


def _practice_cache() -> dict | None:
    from flask import g, has_request_context

    if not has_request_context():
        return None
    return g.setdefault("_is_practice_member", {})


def forget_practice_membership(user: User) -> None:
    """Someone joined or left the practice community: ask the database again."""
    user.loaded_in_practice = None
    cache = _practice_cache()
    if cache is not None:
        cache.pop(user.id, None)


def is_federation_operator(actor: User | None) -> bool:
    """A person who runs a member group (or a coordinator or admin)."""
    return is_member(actor) and actor.has_role(Role.operator)


def knowledge_audiences(actor: User | None) -> set[str]:
    """THE audience rule of the knowledge hub: the audience values of
    articles ("public", "practice", "members") and consultations
    ("c:federation", "c:practice") this viewer may see. Pages, the API and
    the search index all use it."""
    if is_federation_operator(actor):
        # Everything below, with no need to ask about the practice community.
        return {"public", "practice", "members", "c:federation", "c:practice"}
    audiences = {"public"}
    if is_practice_member(actor):
        audiences |= {"practice", "c:practice"}
    if is_member(actor) and not is_practice_member(actor):
        audiences |= {"practice", "members"}
    return audiences


def can_write_article(actor: User | None) -> bool:
    """Operators write knowledge articles (coordinators too)."""
    return is_federation_operator(actor)


def can_edit_article(actor: User | None, article) -> bool:
    """The author (also a practice member whose consultation became the
    article) and coordinators edit an article and restore its versions."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    return is_coordinator(actor) or article.author_id == actor.id


def can_curate_textbook(actor: User | None) -> bool:
    return is_coordinator(actor)


def consultation_space_for(actor: User | None) -> str | None:
    """Where the actor may post a consultation: operators in the federation's
    space, practice members in the beginners' space; None: nowhere."""
    if is_federation_operator(actor):
        return "federation"
    if is_practice_member(actor):
        return "practice"
    return None


def can_reply_consultation(actor: User | None, consultation) -> bool:
    """Federation operators answer (in both spaces); the asker follows up."""
    if actor is None or not actor.is_authenticated:
        return False
    return is_federation_operator(actor) or consultation.asker_id == actor.id


def can_solve_consultation(actor: User | None, consultation) -> bool:
    return actor is not None and actor.is_authenticated and consultation.asker_id == actor.id


def can_accept_consultation_session(actor: User | None, session) -> bool:
    """Only the helper who was asked accepts a 1:1 session."""
    return actor is not None and actor.is_authenticated and session.helper_id == actor.id


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
