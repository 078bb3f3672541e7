"""Shared pieces of the API schemas: the field types every schema uses (so
input bounds are declared once), the error shape and the list envelope.

Schemas are pure: they read the object (or the view data a service built for
a whole page) and never `g`, a service or a query.
"""

from __future__ import annotations

import datetime as dt

from marshmallow import Schema, ValidationError, fields, validate

from federation.config import Config
from federation.models.base import TOKYO
from federation.models.limits import YEAR_MAX, YEAR_MIN

# The widest integer every database column holds (PostgreSQL int4); SQLite
# stores int8, so this bound keeps both from overflowing.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def _storable_text(value: str) -> None:
    """Text a database can store: no NUL (PostgreSQL refuses it) and no lone
    surrogate (not encodable as UTF-8)."""
    if "\x00" in value:
        raise ValidationError("Must not contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("Must be valid Unicode text.") from None


class Str(fields.String):
    """A string the database can store."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators.insert(0, _storable_text)


class Int(fields.Integer):
    """An integer within int4 (documented as minimum/maximum)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("strict", True)
        super().__init__(*args, **kwargs)
        self.validators.insert(0, validate.Range(INT_MIN, INT_MAX))


class QueryInt(Int):
    """An integer read from the query string, where every value is text."""

    def __init__(self, *args, **kwargs):
        kwargs["strict"] = False
        super().__init__(*args, **kwargs)


def _sane_year(value: dt.datetime | dt.date) -> None:
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise ValidationError(f"Must be between the years {YEAR_MIN} and {YEAR_MAX}.")


def in_japan_time(value: dt.datetime | None) -> dt.datetime | None:
    """The API's one offset convention: every datetime it answers is Japan
    time with its offset (2026-12-23T19:00:00+09:00). Stored values are UTC;
    a naive one (SQLite) is UTC too."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(TOKYO)


class DateTime(fields.DateTime):
    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(in_japan_time(value), attr, obj, **kwargs)


class AwareDateTime(fields.AwareDateTime):
    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(in_japan_time(value), attr, obj, **kwargs)


class Moment(AwareDateTime):
    """An ISO 8601 instant with its offset, within sane years."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", "iso")
        super().__init__(*args, **kwargs)
        self.validators.insert(0, _sane_year)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return super()._deserialize(value, attr, data, **kwargs)
        except (OverflowError, ValueError):
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE) from None


class Month(fields.String):
    """A calendar month as YYYY-MM, within sane years."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("metadata", {"example": "2030-04"})
        super().__init__(*args, **kwargs)
        self.validators.insert(0, _sane_month)


def _sane_month(value: str) -> None:
    validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error="Enter a month such as 2030-04.")(value)
    if not YEAR_MIN <= int(value[:4]) <= YEAR_MAX:
        raise ValidationError(f"Must be between the years {YEAR_MIN} and {YEAR_MAX}.")


class Day(fields.Date):
    """A calendar date within sane years."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators.insert(0, _sane_year)


class StoredDay(Day):
    """A date kept as ISO text in a JSON column: dumped as it is stored."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, str):
            return value
        return super()._serialize(value, attr, obj, **kwargs)


class Choice(fields.Enum):
    """An Enum by value, documented as its enum; values kept as text in JSON
    columns (tags, platforms) are dumped as stored."""

    def __init__(self, enum_cls, **kwargs):
        kwargs.setdefault("by_value", True)
        super().__init__(enum_cls, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, str) and not isinstance(value, self.enum):
            return value
        return super()._serialize(value, attr, obj, **kwargs)


def one_of(enum_cls) -> validate.OneOf:
    return validate.OneOf([member.value for member in enum_cls])


def enum_field(enum_cls, **kwargs) -> fields.Field:
    """A dump-only field giving an Enum's value, documented as that enum."""
    return Choice(enum_cls, dump_only=True, **kwargs)


class ApiSchema(Schema):
    class Meta:
        ordered = True


class ErrorBodySchema(ApiSchema):
    code = Str(required=True, metadata={"example": "validation_error"})
    message = Str(required=True)
    fields = fields.Dict(keys=Str(), values=fields.List(Str()), required=True)


class ErrorSchema(ApiSchema):
    error = fields.Nested(ErrorBodySchema, required=True)


class PageQuerySchema(ApiSchema):
    """?page=&per_page= of every list (per_page at most 100)."""

    page = QueryInt(load_default=1, validate=validate.Range(min=1))
    per_page = QueryInt(
        load_default=Config.API_DEFAULT_PER_PAGE, validate=validate.Range(1, Config.API_MAX_PER_PAGE)
    )


_PAGE_SCHEMAS: dict[tuple, type[Schema]] = {}


def page_schema(item_schema: type[Schema], **extra: fields.Field) -> type[Schema]:
    """The list envelope of api.md: items, page, per_page, total (and the
    documented extras, such as `total_capped`). One class per item schema, so
    the document names it once."""
    key = (item_schema, tuple(sorted(extra)))
    if key not in _PAGE_SCHEMAS:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _PAGE_SCHEMAS[key] = type(
            name,
            (ApiSchema,),
            {
                "items": fields.List(fields.Nested(item_schema), required=True),
                "page": fields.Integer(required=True),
                "per_page": fields.Integer(required=True),
                "total": fields.Integer(required=True),
                **extra,
            },
        )
    return _PAGE_SCHEMAS[key]
