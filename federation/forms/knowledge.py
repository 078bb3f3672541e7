"""Forms of the knowledge hub, the textbook, consultations and the practice community."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from federation.forms.base import BaseForm, choices, max_length, required
from federation.labels import ARTICLE_VISIBILITY_LABELS, CATEGORY_LABELS, GOVERNANCE_LABELS, TOPIC_LABELS
from federation.models import ArticleVisibility, GovernanceType, KnowledgeCategory, limits
from federation.services.knowledge.taxonomy import MATURITY_LEVELS


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def category_choices(blank: bool = False):
    pairs = [("", _l("Choose…"))] if blank else []
    return choices(pairs + [(c.value, CATEGORY_LABELS[c]) for c in KnowledgeCategory])


def topic_choices():
    pairs = [("", _l("No sub-topic"))]
    for category, topics in TOPIC_LABELS.items():
        for value, label in topics.items():
            # Lazy, so the label is joined in the reader's language, not at import.
            pairs.append((value, LazyString(lambda c=category, t=label: f"{CATEGORY_LABELS[c]} › {t}")))
    return choices(pairs)


class ArticleForm(BaseForm):
    title_ja = StringField(_l("Title (Japanese)"), validators=[Optional(), max_length(limits.TITLE)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), max_length(limits.TITLE)])
    body_ja = TextAreaField(
        _l("Text (Japanese)"),
        validators=[Optional(), max_length(limits.ARTICLE_BODY)],
        description=_l("Markdown: **bold**, lists, links."),
        render_kw={"rows": 14},
    )
    body_en = TextAreaField(
        _l("Text (English)"), validators=[Optional(), max_length(limits.ARTICLE_BODY)], render_kw={"rows": 8}
    )
    category = SelectField(_l("Category"), choices=category_choices(blank=True), validators=[required()])
    topic = SelectField(_l("Sub-topic"), choices=topic_choices(), validators=[Optional()])
    governance_types = MultiCheckboxField(
        _l("Suits these governance types"),
        choices=choices([(g.value, GOVERNANCE_LABELS[g]) for g in GovernanceType]),
    )
    maturity_levels = MultiCheckboxField(
        _l("Suits these maturity levels"), choices=choices([(str(m), str(m)) for m in MATURITY_LEVELS])
    )
    visibility = SelectField(
        _l("Who may read it"),
        choices=choices([(v.value, ARTICLE_VISIBILITY_LABELS[v]) for v in ArticleVisibility]),
        default="members",
    )
    note = StringField(
        _l("What changed (optional)"), validators=[Optional(), max_length(limits.VERSION_NOTE)]
    )
    submit = SubmitField(_l("Save"))

    def service_data(self) -> dict:
        return {
            name: field.data for name, field in self._fields.items() if name not in ("csrf_token", "submit")
        }


class AttachmentForm(BaseForm):
    file = FileField(
        _l("Template file"),
        description=_l("PDF, Word, Excel, PowerPoint, Markdown, text, PNG or JPEG; downloaded as a file."),
    )
    submit = SubmitField(_l("Attach"))


class ChapterForm(BaseForm):
    title_ja = StringField(_l("Chapter title (Japanese)"), validators=[required(), max_length(limits.TITLE)])
    title_en = StringField(_l("Chapter title (English)"), validators=[Optional(), max_length(limits.TITLE)])
    submit = SubmitField(_l("Save chapter"))


class ChapterArticleForm(BaseForm):
    article_id = IntegerField(_l("Article number"), validators=[required(), NumberRange(min=1)])
    submit = SubmitField(_l("Add to chapter"))


class ConsultationForm(BaseForm):
    title = StringField(_l("What is the problem?"), validators=[required(), max_length(limits.TITLE)])
    category = SelectField(_l("Category"), choices=category_choices(blank=True), validators=[required()])
    group = SelectField(_l("About which group"), choices=[], validate_choice=False)
    body = TextAreaField(
        _l("Details"),
        validators=[required(), max_length(limits.CONSULTATION_BODY)],
        description=_l(
            "What have you tried, and where are you stuck? Your "
            "group's governance type, maturity level and size are "
            "shown with the post."
        ),
        render_kw={"rows": 8},
    )
    submit = SubmitField(_l("Post consultation"))


class ReplyForm(BaseForm):
    body = TextAreaField(
        _l("Your reply"), validators=[required(), max_length(limits.CONSULTATION_BODY)], render_kw={"rows": 5}
    )
    submit = SubmitField(_l("Reply"))


class SolveForm(BaseForm):
    helpful = MultiCheckboxField(_l("Replies that helped"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Mark as solved"))


class ToArticleForm(BaseForm):
    consent = BooleanField(
        _l("I agree that this consultation and its helpful replies are published as a knowledge article")
    )
    submit = SubmitField(_l("Turn into an article"))


class TopicsForm(BaseForm):
    categories = MultiCheckboxField(_l("Topics I can help with"), choices=category_choices())
    digest_enabled = BooleanField(_l("Send me a daily digest of new consultations on these topics"))
    submit = SubmitField(_l("Save"))


class SessionForm(BaseForm):
    error_fields = {"times": "time_1"}
    helper_id = SelectField(_l("With"), choices=[], validate_choice=False)
    time_1 = StringField(
        _l("Proposed time 1"),
        validators=[required()],
        description=_l("Asia/Tokyo, for example 2026-04-01 19:00"),
        render_kw={"type": "datetime-local"},
    )
    time_2 = StringField(
        _l("Proposed time 2 (optional)"), validators=[Optional()], render_kw={"type": "datetime-local"}
    )
    time_3 = StringField(
        _l("Proposed time 3 (optional)"), validators=[Optional()], render_kw={"type": "datetime-local"}
    )
    submit = SubmitField(_l("Request a 1:1 session"))


class AcceptSessionForm(BaseForm):
    time = HiddenField()
    submit = SubmitField(_l("Accept this time"))


class ReportConsultationForm(BaseForm):
    reply_id = HiddenField()
    reason = TextAreaField(_l("What happened?"), validators=[required(), max_length(limits.SHORT_MESSAGE)])
    submit = SubmitField(_l("Report to the coordinators"))


class PracticeProfileForm(BaseForm):
    group_name = StringField(_l("Group name"), validators=[Optional(), max_length(limits.GROUP_NAME)])
    registered_members = IntegerField(_l("Registered members"), validators=[Optional(), NumberRange(min=0)])
    events_last_12_months = IntegerField(
        _l("Events in the last 12 months"), validators=[Optional(), NumberRange(min=0)]
    )
    submit = SubmitField(_l("Save"))
