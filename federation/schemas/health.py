"""Schemas of the federation-health API (pure: no queries, no `g`)."""

from __future__ import annotations

from marshmallow import validate

from federation.models import OutcomeKind, limits
from federation.schemas import fields
from federation.schemas.base import ApiSchema, Day, Str

# The report's sections (services.health.report.SECTIONS; schemas import no services).
IMPACT_SECTIONS = ("members", "events", "joint", "introductions", "assets", "highlights")


class SnapshotSchema(ApiSchema):
    month = fields.Date()
    computed_at = fields.DateTime()
    members = fields.Integer()
    events_held = fields.Integer()
    attended = fields.Integer()
    indicators = fields.Dict()
    flags = fields.List(fields.Dict())


class PartnerSchema(ApiSchema):
    """A group to co-host with (services.health.snapshots.complementary_groups)."""

    group = fields.Function(lambda p: p["group"].slug)
    name_ja = fields.Function(lambda p: p["group"].name_ja)
    name_en = fields.Function(lambda p: p["group"].name_en)
    shared_needs = fields.Integer()
    venue = fields.Boolean(metadata={"description": "it lends a venue"})


class SuggestedReadingSchema(ApiSchema):
    title = fields.String()
    url = fields.String()


class FlagSchema(ApiSchema):
    code = fields.String()
    pattern = fields.String()
    rule = fields.String()
    why = fields.String()
    next_step = fields.String()
    numbers = fields.Dict()
    partners = fields.List(fields.Nested(PartnerSchema))
    articles = fields.List(fields.Nested(SuggestedReadingSchema))


class GroupHealthSchema(ApiSchema):
    group = fields.Function(lambda d: d["group"].slug)
    snapshots = fields.List(fields.Nested(SnapshotSchema))
    # The flags fired in the latest month, with the pattern's partners and
    # reading (the groups are objects: a bare Dict would not dump them).
    flags = fields.List(fields.Nested(FlagSchema))


class FederationRowSchema(ApiSchema):
    group = fields.String()
    governance_type = fields.String()
    maturity_level = fields.Integer()
    snapshot = fields.Nested(SnapshotSchema, allow_none=True)


class FederationHealthSchema(ApiSchema):
    month = fields.Date(allow_none=True)
    computed_at = fields.DateTime(allow_none=True)
    groups = fields.List(fields.Nested(FederationRowSchema))


class ImpactReportSchema(ApiSchema):
    group = fields.String()
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    sections = fields.List(fields.String())
    values = fields.Dict()
    joint = fields.List(fields.Dict())
    highlights = fields.String()


class OutcomeInSchema(ApiSchema):
    outcome = Str(required=True, validate=validate.OneOf([k.value for k in OutcomeKind]))
    named = fields.Boolean(load_default=False)
    note = Str(load_default="", validate=validate.Length(max=limits.OUTCOME_NOTE))


class OutcomeSchema(ApiSchema):
    introduction_id = fields.Integer()
    outcome = fields.Function(lambda o: o.outcome.value if o.outcome else None)
    named = fields.Boolean()
    note = fields.String()
    answered_at = fields.DateTime(allow_none=True)


class ImpactReportQuerySchema(ApiSchema):
    start = Day(data_key="from", load_default=None)
    end = Day(data_key="to", load_default=None)
    section = fields.List(Str(validate=validate.OneOf(IMPACT_SECTIONS)), load_default=list)
