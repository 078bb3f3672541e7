"""The joint-event board: planning, publishing, registration, host tools and
calendar files."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from federation import listcache
from federation.csvfiles import csv_response
from federation.extensions import db
from federation.forms.base import ConfirmForm, choices, flash_errors, submit
from federation.forms.events import (
    AssetChoiceForm,
    CheckInForm,
    EventForm,
    InviteForm,
    MailForm,
    RegisterForm,
    ReturnForm,
    SettingForm,
)
from federation.guards import parse_id
from federation.i18n import current_locale
from federation.ical import ics_response
from federation.labels import EVENT_FORMAT_LABELS, NEED_LABELS
from federation.links import external_url
from federation.models import (
    AlumniGroup,
    AssetKind,
    AssetStatus,
    EventFormat,
    EventStatus,
    HostStatus,
    NeedPair,
    ReadKind,
    RegistrationStatus,
    SharedAsset,
)
from federation.pagination import page_args
from federation.permissions import (
    can_approve_event,
    can_manage_event,
    can_manage_group,
    can_see_online_link,
    is_coordinator,
    is_member,
)
from federation.services import events as service
from federation.services import groups as group_service
from federation.services import reads
from federation.services.events import calendars

bp = Blueprint("events", __name__)


def _filters() -> dict:
    args = request.args
    return {
        "when": args.get("when", "upcoming") if args.get("when") in ("past", "all") else "upcoming",
        "group": args.get("group", "")[:64],
        "format": args.get("format", "") if args.get("format") in EventFormat.__members__ else "",
        "month": args.get("month", "")[:7],
        "tag": args.get("tag", "") if args.get("tag") in NeedPair.__members__ else "",
        "q": args.get("q", "")[:100],
    }


@bp.route("/")
def list():
    filters = _filters()
    page, per_page = page_args(request.args)

    coordinator = is_coordinator(current_user)

    def build() -> tuple[str, str]:
        pagination = service.board_page(current_user, page, per_page, **filters)
        board = render_template(
            "events/_board.html",
            pagination=pagination,
            filters=filters,
            url_args={k: v for k, v in filters.items() if v and not (k == "when" and v == "upcoming")},
            seats=service.seat_counts(pagination.items),
            card_key=service.card_key,
            formats=EVENT_FORMAT_LABELS,
            needs=NEED_LABELS,
            groups=group_service.group_options(current_user) if is_member(current_user) else [],
        )
        # The publishing setting is read with the board, from the same versions.
        return board, ("1" if service.publish_without_approval() else "0") if coordinator else ""

    body, publishing = listcache.page_parts(service.BOARD_LIST, service.board_scope(current_user), build)
    return render_template(
        "events/list.html",
        body=body,
        publishing=(publishing == "1") if coordinator else None,
        setting_form=SettingForm,
        can_create=coordinator
        or bool(is_member(current_user) and group_service.groups_operated_by(current_user)),
    )


@bp.route("/settings", methods=["POST"])
@login_required
def settings():
    form = SettingForm()
    done, _r = submit(
        form, lambda: service.set_publish_without_approval(current_user, bool(form.enabled.data))
    )
    if done:
        flash(_("The setting is saved."), "success")
    return redirect(url_for("events.list"))


def _my_groups():
    return group_service.groups_operated_by(current_user)


def _lead_choices():
    """Groups the user may lead an event for: their own; coordinators, who
    plan joint events for the federation, any group."""
    if is_coordinator(current_user):
        return db.session.scalars(group_service.visible_groups_query(current_user).limit(1000)).all()
    return _my_groups()


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    mine = _lead_choices()
    if not mine:
        abort(403)
    form = EventForm()
    slug = request.values.get("group") or mine[0].slug
    group = next((g for g in mine if g.slug == slug), None)
    if group is None:
        abort(403)
    done, event = submit(form, lambda: service.create_event(current_user, group, form.service_data()))
    if done:
        flash(_("The event is saved as a draft. Invite co-hosts, then propose it."), "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=None, groups=mine, group=group)


def _load(event_id: int):
    return service.get_event(current_user, event_id)


def _manage(event_id: int):
    event = _load(event_id)
    if not can_manage_event(current_user, event):
        abort(403)
    return event


@bp.route("/<int:event_id>")
def detail(event_id: int, return_form=None):
    event = _load(event_id)
    manage = can_manage_event(current_user, event)
    actions = service.event_actions(current_user, event)
    mine = service.my_registration(current_user, event)
    invite = venue_form = speaker_form = None
    if "invite" in actions:
        invite = _invite_form(event)
    if "edit" in actions:
        venue_form, speaker_form = _asset_forms(event)
    answerable = [
        h for h in event.hosts if h.status == HostStatus.invited and can_manage_group(current_user, h.group)
    ]
    attendees = service.visible_attendees(current_user, event) if not manage else []
    reads.record_reads(current_user, ReadKind.attendee_list, event.id, [r.user_id for r in attendees])
    return render_template(
        "events/detail.html",
        event=event,
        manage=manage,
        mine=mine,
        my_actions=service.registration_actions(event, mine),
        waiting=service.waitlist_reason(event, mine),
        title=event.title_for(current_locale()),
        description=service.render_markdown(event.description_for(current_locale())),
        seats_left=service.seats_left(event),
        venue=service.venue_of(event),
        place=service.place_text(event),
        speakers=service.speakers_of(event),
        show_link=can_see_online_link(current_user, event),
        attendees=attendees,
        stats=service.event_stats(current_user, event) if manage else None,
        actions=actions,
        answerable=answerable,
        registration_open=service.registration_open(event),
        action=ConfirmForm(),
        register_form=RegisterForm(),
        invite=invite,
        venue_form=venue_form,
        return_form=return_form or (ReturnForm() if "return" in actions else None),
        speaker_form=speaker_form,
        my_host_groups=[
            h.group
            for h in event.hosts
            if h.status == HostStatus.confirmed and can_manage_group(current_user, h.group)
        ],
    )


def _invite_form(event):
    form = InviteForm()
    taken = {h.group_id for h in event.hosts}
    form.group.choices = choices(
        (g.slug, g.name_for(current_locale()))
        for g in db.session.scalars(group_service.visible_groups_query(current_user))
        if g.id not in taken
    )
    return form


def _asset_forms(event):
    """The venue and speaker choices of other groups' active assets: up to 200
    of each kind, by title, in one query of the shown columns."""
    from sqlalchemy import func, select

    host_ids = {h.group_id for h in event.hosts}
    kinds = (AssetKind.venue, AssetKind.speaker)
    ranked = (
        select(
            SharedAsset.id,
            SharedAsset.kind,
            SharedAsset.title,
            SharedAsset.speaker_name,
            func.row_number()
            .over(partition_by=SharedAsset.kind, order_by=(SharedAsset.title, SharedAsset.id))
            .label("n"),
        )
        .where(
            SharedAsset.kind.in_(kinds),
            SharedAsset.status == AssetStatus.active,
            SharedAsset.group_id.not_in(host_ids),
        )
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.id, ranked.c.kind, ranked.c.title, ranked.c.speaker_name)
        .where(ranked.c.n <= 200)
        .order_by(ranked.c.title, ranked.c.id)
    ).all()
    forms = []
    for kind in kinds:
        form = AssetChoiceForm(prefix=kind.value)
        form.asset.choices = choices(
            (r.id, r.speaker_name + " — " + r.title if kind == AssetKind.speaker else r.title)
            for r in rows
            if r.kind == kind
        )
        forms.append(form)
    return forms[0], forms[1]


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = _manage(event_id)
    form = EventForm(obj=event)
    if request.method == "GET":
        form.fill(event)
    done, _r = submit(form, lambda: service.update_event(current_user, event, form.service_data()))
    if done:
        flash(_("The event is saved."), "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=event, groups=[], group=event.lead_group)


@bp.route("/<int:event_id>/invite", methods=["POST"])
@login_required
def invite(event_id: int):
    event = _manage(event_id)
    form = _invite_form(event)
    target = None

    def action():
        nonlocal target
        target = db.session.scalar(db.select(AlumniGroup).where(AlumniGroup.slug == form.group.data))
        if target is None:
            abort(404)
        return service.invite_host(current_user, event, target, form.seat_quota.data)

    done, _r = submit(form, action)
    if done:
        flash(_("The co-host is invited."), "success")
    else:
        flash_errors(form)
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/<int:event_id>/hosts/<slug>/<answer>", methods=["POST"])
@login_required
def answer_host(event_id: int, slug: str, answer: str):
    if answer not in ("confirm", "decline"):
        abort(404)
    event = _load(event_id)
    form = ConfirmForm()
    done, _r = submit(
        form, lambda: service.confirm_host(current_user, event, slug, accept=answer == "confirm")
    )
    if done:
        flash(_("Your answer is saved."), "success")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/<int:event_id>/state/<action>", methods=["POST"])
@login_required
def change_state(event_id: int, action: str):
    if action not in ("propose", "publish", "cancel", "complete"):
        abort(404)
    event = _load(event_id)
    form = ConfirmForm()
    done, _r = submit(form, lambda: service.transition(current_user, event, action))
    if done:
        flash(_("The event's state is changed."), "success")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/<int:event_id>/cancel")
@login_required
def confirm_cancel(event_id: int):
    """The step before cancelling an event: who will be told, what stops."""
    event = _manage(event_id)
    registrants = len(service.registrations_of(event)) if event.status == EventStatus.published else 0
    consequences = [_("The event is marked as cancelled on the board and in calendars.")]
    if registrants:
        consequences.append(
            _("All %(n)d registrants (waitlist included) are told by mail and in their inbox.", n=registrants)
        )
    if service.venue_of(event) is not None:
        consequences.append(_("The venue booking stays; tell its owner if you no longer need it."))
    return render_template(
        "confirm.html",
        heading=_("Cancel “%(title)s”?", title=event.title_for(current_locale())),
        consequences=consequences,
        button=_("Cancel the event"),
        action_url=url_for("events.change_state", event_id=event.id, action="cancel"),
        back_url=url_for("events.detail", event_id=event.id),
    )


@bp.route("/<int:event_id>/unregister")
@login_required
def confirm_unregister(event_id: int):
    event = _load(event_id)
    mine = service.my_registration(current_user, event)
    if mine is None or mine.status == RegistrationStatus.cancelled:
        return redirect(url_for("events.detail", event_id=event.id))
    consequences = [
        _("Your seat goes to the next person on the waitlist, who is told at once.")
        if mine.status == RegistrationStatus.confirmed
        else _("You leave the waitlist.")
    ]
    consequences.append(_("If you register again and the event is full, you join the end of the waitlist."))
    return render_template(
        "confirm.html",
        heading=_("Cancel your registration for “%(title)s”?", title=event.title_for(current_locale())),
        consequences=consequences,
        button=_("Cancel my registration"),
        action_url=url_for("events.unregister", event_id=event.id),
        back_url=url_for("events.detail", event_id=event.id),
    )


@bp.route("/<int:event_id>/return", methods=["POST"])
@login_required
def return_to_hosts(event_id: int):
    event = _load(event_id)
    if not can_approve_event(current_user):
        abort(403)  # coordinators only, before the reason is read
    form = ReturnForm()
    done, _r = submit(form, lambda: service.return_event(current_user, event, form.reason.data))
    if done:
        flash(_("The event is returned to its hosts with your reason."), "success")
        return redirect(url_for("events.detail", event_id=event.id))
    if g.get("form_conflict"):
        # Someone decided it meanwhile: back to the event, which says why.
        return redirect(url_for("events.detail", event_id=event.id))
    # The reason comes back as typed, with the message next to it.
    return detail(event_id, return_form=form), 422


@bp.route("/<int:event_id>/venue", methods=["POST"])
@login_required
def venue(event_id: int):
    return _ask_asset(event_id, AssetKind.venue)


@bp.route("/<int:event_id>/speakers", methods=["POST"])
@login_required
def speakers(event_id: int):
    return _ask_asset(event_id, AssetKind.speaker)


def _ask_asset(event_id: int, kind: AssetKind):
    event = _manage(event_id)
    venue_form, speaker_form = _asset_forms(event)
    form = venue_form if kind == AssetKind.venue else speaker_form

    def action():
        asset = db.session.get(SharedAsset, form.asset.data)
        if asset is None:
            abort(404)
        if kind == AssetKind.venue:
            return service.request_venue(current_user, event, asset, form.message.data or "")
        return service.request_speaker(current_user, event, asset, form.message.data or "")

    done, _r = submit(form, action)
    if done:
        flash(_("The request is sent to the asset's group."), "success")
    else:
        flash_errors(form)
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/<int:event_id>/register", methods=["POST"])
@login_required
def register(event_id: int):
    event = _load(event_id)
    form = RegisterForm()
    done, result = submit(form, lambda: service.register(current_user, event, listed=bool(form.listed.data)))
    if done:
        registration, _created = result
        why = service.waitlist_reason(event, registration)
        if registration.status == RegistrationStatus.confirmed:
            flash(_("You are registered. See you there!"), "success")
        elif why and why["full"] == "quota":
            flash(
                _(
                    "The seats reserved for %(group)s are taken: you are number %(position)d on "
                    "the waitlist. %(n)d seats remain for members of other groups.",
                    group=why["group"].name_for(current_locale()),
                    position=why["position"],
                    n=why["seats_left"],
                ),
                "info",
            )
        else:
            flash(
                _(
                    "The event is full: you are number %(position)d on the waitlist.",
                    position=why["position"] if why else 0,
                ),
                "info",
            )
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/<int:event_id>/unregister", methods=["POST"])
@login_required
def unregister(event_id: int):
    event = _load(event_id)
    form = ConfirmForm()
    mine = service.my_registration(current_user, event)
    if mine is None or mine.status == RegistrationStatus.cancelled:
        # A second click, or a page left open: say so instead of a bare 404.
        flash(_("You have no registration to cancel for this event."), "info")
        return redirect(url_for("events.detail", event_id=event.id))
    done, _r = submit(form, lambda: service.cancel_registration(current_user, event))
    if done:
        flash(_("Your registration is cancelled."), "success")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/<int:event_id>/attendees")
@login_required
def attendees(event_id: int):
    event = _manage(event_id)
    registrations = service.registrations_of(event)
    reads.record_reads(current_user, ReadKind.attendee_list, event.id, [r.user_id for r in registrations])
    return render_template(
        "events/attendees.html",
        event=event,
        title=event.title_for(current_locale()),
        registrations=registrations,
        check_in=CheckInForm(),
        mail_form=MailForm(),
        my_host_groups=[
            h.group
            for h in event.hosts
            if h.status == HostStatus.confirmed and can_manage_group(current_user, h.group)
        ],
    )


@bp.route("/<int:event_id>/check-in", methods=["POST"])
@login_required
def check_in(event_id: int):
    event = _manage(event_id)
    form = CheckInForm()
    registration_id = parse_id(form.registration.data or "") or 0
    done, _r = submit(
        form, lambda: service.check_in(current_user, event, registration_id, present=form.present.data != "0")
    )
    if done:
        flash(_("Checked in."), "success")
    return redirect(url_for("events.attendees", event_id=event.id))


@bp.route("/<int:event_id>/mail", methods=["POST"])
@login_required
def mail(event_id: int):
    event = _manage(event_id)
    form = MailForm()
    done, count = submit(
        form, lambda: service.mail_registrants(current_user, event, form.subject.data, form.body.data)
    )
    if done:
        flash(_("The message is sent to %(n)d registrants.", n=count), "success")
        return redirect(url_for("events.attendees", event_id=event.id))
    return render_template(
        "events/attendees.html",
        event=event,
        title=event.title_for(current_locale()),
        registrations=service.registrations_of(event),
        check_in=CheckInForm(),
        mail_form=form,
        my_host_groups=[],
    )


@bp.route("/<int:event_id>/attendees.csv")
@login_required
def export(event_id: int):
    event = _load(event_id)
    group = db.session.scalar(db.select(AlumniGroup).where(AlumniGroup.slug == request.args.get("group", "")))
    if group is None:
        abort(404)
    body = service.export_attendees_csv(current_user, event, group)
    return csv_response(body, f"event-{event.id}-{group.slug}.csv")


@bp.route("/<int:event_id>.ics")
def ics(event_id: int):
    event = _load(event_id)
    return ics_response(calendars.event_ics(current_user, event, current_locale()), f"event-{event.id}.ics")


@bp.route("/calendar", methods=["GET", "POST"])
@login_required
def calendar():
    form = ConfirmForm()
    done, _r = submit(form, lambda: calendars.reset_feed_secret(current_user))
    if done:
        flash(_("A new address is made; the old one no longer works."), "success")
        return redirect(url_for("events.calendar"))
    feed = external_url("calendar.feed", secret=calendars.feed_secret(current_user))
    return render_template("events/calendar.html", feed=feed, form=form, groups=_my_groups())
