"""The co-creation directory: search, profiles, matches, introductions, and
operators bringing their alumni in."""

from __future__ import annotations

import builtins  # this module has a view named `list`

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from federation.csvfiles import header_of
from federation.errors import Invalid
from federation.extensions import db, limiter
from federation.forms.base import ConfirmForm, submit
from federation.forms.directory import (
    AcceptInvitationForm,
    ConfirmImportForm,
    ImportForm,
    IntroductionForm,
    InviteForm,
    JoinForm,
    ProfileForm,
    ReportForm,
)
from federation.i18n import current_locale
from federation.labels import (
    IMPORT_FIELD_LABELS,
    PROFILE_FIELD_LABELS,
    PROFILE_VISIBILITY_LABELS,
    SIDE_LABELS,
    in_language,
)
from federation.models import NeedPair, ReadKind, Side
from federation.pagination import page_args
from federation.permissions import can_invite_alumni, can_see_abuse_reports, is_member
from federation.ratelimits import per_person, setting
from federation.services import accounts, directory, groups, introductions, reads

bp = Blueprint("directory", __name__)


def _only_post() -> bool:
    return request.method != "POST"


def _filters() -> dict:
    args = request.args
    return {
        "q": args.get("q", "")[:100],
        "need": args.get("need", ""),
        "side": args.get("side", ""),
        "group": args.get("group", "")[:64],
        "industry": args.get("industry", "")[:60],
        "sort": args.get("sort") if args.get("sort") in directory.SORTS else "kana",
    }


@bp.context_processor
def labels():
    return {
        "visibility_labels": in_language(PROFILE_VISIBILITY_LABELS),
        "field_labels": in_language(PROFILE_FIELD_LABELS),
        "side_labels": in_language(SIDE_LABELS),
    }


@bp.route("/")
@login_required
@limiter.limit(setting("RATELIMIT_DIRECTORY_SEARCH"), key_func=per_person)
def list():
    filters = _filters()
    page, per_page = page_args(request.args)
    short_query = directory.too_short(filters["q"])
    searched = {**filters, "q": ""} if short_query else filters
    pagination = directory.search(current_user, page, per_page, **searched)
    views = directory.views_of(current_user, pagination.items)
    url_args = {k: v for k, v in filters.items() if v}
    return render_template(
        "directory/list.html",
        pagination=pagination,
        views=views,
        filters=filters,
        url_args=url_args,
        need_pairs=NeedPair,
        sides=Side,
        short_query=short_query,
        groups=groups.group_options(current_user),
    )


@bp.route("/<int:profile_id>")
def detail(profile_id: int):
    view = directory.get_profile(current_user, profile_id)
    reads.record_reads(current_user, ReadKind.directory_profile, view.profile.id, [view.profile.user_id])
    form = IntroductionForm() if is_member(current_user) and view.relation != "self" else None
    return render_template("directory/detail.html", view=view, form=form)


@bp.route("/<int:profile_id>/introduce", methods=["POST"])
@login_required
@limiter.limit(setting("RATELIMIT_INTRODUCTION"), key_func=per_person)
def introduce(profile_id: int):
    view = directory.get_profile(current_user, profile_id)
    form = IntroductionForm()
    done, _r = submit(
        form, lambda: introductions.request_introduction(current_user, profile_id, form.message.data)
    )
    if done:
        flash(_("Your request is sent. Contact details are shared if they accept."), "success")
        return redirect(url_for("directory.detail", profile_id=profile_id))
    return render_template("directory/detail.html", view=view, form=form), 422


@bp.route("/me", methods=["GET", "POST"])
@login_required
def edit():
    profile = directory.get_own_profile(current_user)
    form = ProfileForm(obj=profile)
    if request.method == "GET":
        form.industries.data = ", ".join(profile.industries or [])
        form.consent.data = profile.consented_at is not None
        for name in PROFILE_FIELD_LABELS:
            getattr(form, "visibility_" + name).data = directory.level_of(profile, name)
        for need in profile.needs:
            key = f"{need.side.value}_{need.need.value}"
            getattr(form, key + "_on").data = True
            getattr(form, key).data = need.detail
    done, _r = submit(form, lambda: directory.update_profile(current_user, form.service_data()))
    if done:
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("directory.detail", profile_id=profile.id))
    return render_template(
        "directory/edit.html",
        form=form,
        profile=profile,
        need_pairs=NeedPair,
        sides=Side,
        consent_version=directory.CONSENT_VERSION,
    )


@bp.route("/matches")
@login_required
@limiter.limit(setting("RATELIMIT_DIRECTORY_SEARCH"), key_func=per_person)
def matches():
    page, per_page = page_args(request.args)
    items, total = directory.list_matches(current_user, page, per_page)
    return render_template("directory/matches.html", matches=items, total=total, page=page, per_page=per_page)


@bp.route("/introductions", endpoint="introductions")
@login_required
def introductions_page():
    incoming = db.session.scalars(introductions.inbox(current_user).limit(100)).all()
    outgoing = db.session.scalars(introductions.outbox(current_user).limit(100)).all()
    return render_template(
        "directory/introductions.html", incoming=incoming, outgoing=outgoing, form=ConfirmForm()
    )


@bp.route("/introductions/<int:introduction_id>/<any(accept, decline, block):action>", methods=["POST"])
@login_required
def decide(introduction_id: int, action: str):
    introduction = introductions.get_introduction(current_user, introduction_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        getattr(introductions, action)(current_user, introduction)
        flash(
            {
                "accept": _("Accepted: you both receive each other's contact details by mail."),
                "decline": _("Declined."),
                "block": _("Blocked: this person's requests will be refused."),
            }[action],
            "success",
        )
    return redirect(url_for("directory.introductions"))


@bp.route("/introductions/<int:introduction_id>/report", methods=["GET", "POST"])
@login_required
def report(introduction_id: int):
    introduction = introductions.get_introduction(current_user, introduction_id)
    if introduction.recipient_id != current_user.id:
        abort(403)
    form = ReportForm()
    done, _r = submit(form, lambda: introductions.report(current_user, introduction, form.reason.data))
    if done:
        flash(_("Thank you. The coordinators will look into it."), "success")
        return redirect(url_for("directory.introductions"))
    return render_template("directory/report.html", form=form, introduction=introduction)


@bp.route("/reports")
@login_required
def reports():
    if not can_see_abuse_reports(current_user):
        abort(403)
    rows = db.session.scalars(introductions.abuse_reports(current_user).limit(200)).all()
    return render_template("directory/reports.html", reports=rows)


@bp.route("/groups/<slug>/invite", methods=["GET", "POST"])
@login_required
def invite(slug: str):
    group = groups.get_group(current_user, slug)
    if not can_invite_alumni(current_user, group):
        abort(403)
    form = InviteForm(prefix="invite")
    import_form = ImportForm(prefix="import")
    done, _r = submit(
        form,
        lambda: directory.invite(
            current_user,
            group,
            {
                "email": form.email.data,
                "family_name": form.family_name.data,
                "given_name": form.given_name.data,
                "family_name_kana": form.family_name_kana.data,
                "given_name_kana": form.given_name_kana.data,
                "year_left": form.year_left.data,
                "organisation": form.organisation.data,
            },
        ),
    )
    if done:
        flash(_("The invitation is sent."), "success")
        return redirect(url_for("directory.invite", slug=slug))
    return render_template("directory/invite.html", group=group, form=form, import_form=import_form)


def _uploaded_text(form: ImportForm) -> str:
    from federation.services.alumni_import import upload_to_csv

    upload = form.file.data
    if upload:
        return upload_to_csv(upload.filename or "", upload.read())
    return form.content.data or ""


def _posted_mapping(columns: int) -> builtins.list[str] | None:
    if "map-0" not in request.form:
        return None
    return [request.form.get(f"map-{i}", "") for i in range(min(columns, 60))]


def _preview_page(group, import_form, text: str, mapping: builtins.list[str] | None):
    preview = directory.preview_import(current_user, group, text, mapping)
    db.session.rollback()
    confirm = ConfirmImportForm(prefix="confirm", content=text)
    return render_template(
        "directory/import_preview.html",
        group=group,
        preview=preview,
        rows=preview.rows,
        form=confirm,
        import_form=import_form,
        fields=IMPORT_FIELD_LABELS,
        content=text,
    ), 422 if preview.missing else 200


@bp.route("/groups/<slug>/import", methods=["POST"])
@login_required
def import_preview(slug: str):
    """Upload -> the preview with the column mapping; changing the mapping
    posts here again with the file's content."""
    group = groups.get_group(current_user, slug)
    if not can_invite_alumni(current_user, group):
        abort(403)
    import_form = ImportForm(prefix="import")
    if import_form.validate_on_submit():
        try:
            text = _uploaded_text(import_form)
            header = header_of(text)
            return _preview_page(group, import_form, text, _posted_mapping(len(header)))
        except Invalid as error:
            db.session.rollback()
            import_form.show_errors(error)
    return render_template(
        "directory/invite.html", group=group, form=InviteForm(prefix="invite"), import_form=import_form
    ), 422


@bp.route("/groups/<slug>/import/confirm", methods=["POST"])
@login_required
def import_confirm(slug: str):
    group = groups.get_group(current_user, slug)
    if not can_invite_alumni(current_user, group):
        abort(403)
    form = ConfirmImportForm(prefix="confirm")
    text = form.content.data or ""
    header = header_of(text)
    mapping = _posted_mapping(len(header))
    done, counts = submit(form, lambda: directory.import_alumni(current_user, group, text, mapping))
    if done:
        flash(
            _(
                "%(invited)d invited; %(skipped)d rows skipped.",
                invited=counts["invited"],
                skipped=counts["error"] + counts["duplicate"],
            ),
            "success",
        )
    else:
        flash(_("Nothing was imported: the file could not be read."), "error")
    return redirect(url_for("directory.invite", slug=slug))


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    try:
        invitation = directory.invitation_for(token)
    except Invalid as error:
        return render_template("directory/join.html", error=error.message, invitation=None), 400
    if current_user.is_authenticated:
        form = AcceptInvitationForm()
        done, _r = submit(form, lambda: directory.accept_invitation(token, current_user))
        if done:
            flash(_("You are now listed as alumni of %(group)s.", group=invitation.group.name_ja), "success")
            return redirect(url_for("directory.edit"))
        return render_template("directory/join.html", invitation=invitation, form=form, error=None)
    existing = accounts.find_user_by_email(invitation.email)
    form = JoinForm(obj=invitation)
    done, user = (
        (False, None)
        if existing
        else submit(
            form,
            lambda: directory.join_with_new_account(
                token,
                password=form.password.data,
                locale=current_locale(),
                family_name=form.family_name.data,
                given_name=form.given_name.data,
                family_name_kana=form.family_name_kana.data,
                given_name_kana=form.given_name_kana.data,
            ),
        )
    )
    if done:
        accounts.start_login_session(user, request.user_agent.string)
        login_user(user)
        flash(_("Welcome! Fill in your profile, offers and asks."), "success")
        return redirect(url_for("directory.edit"))
    return render_template(
        "directory/join.html", invitation=invitation, form=form, existing=existing is not None, error=None
    )
