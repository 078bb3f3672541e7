"""Japanese text helpers: kana readings, search keys and sort keys.

Two keys are derived from what people type, and only keys are ever folded:
what the user typed is stored as typed.

- `search_key`: the one normalisation every search compares with (directory,
  registry, assets): NFKC (full-width Latin and half-width katakana), lower
  case, katakana as hiragana. アオゾラ, ｱｵｿﾞﾗ and あおぞら are the same key.
- `collation_key`: あいうえお order by ICU's Japanese collation (dakuten and
  handakuten, small kana, the long-vowel mark; katakana and hiragana equal
  at the first level), stored as a hex string so that SQLite and PostgreSQL
  sort the rows identically by index, whatever the database's own collation.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import icu

_KATAKANA_START, _KATAKANA_END = ord("ァ"), ord("ヶ")
_KANA_RE = re.compile(r"^[\u3041-\u3096\u30a1-\u30fa\u30fc\u30fb\u309d\u309e\u30fd\u30fe \u3000]*$")
_KANJI_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆]")

# The widest stored sort key (the columns are String(170)); a longer ICU key is
# cut, which keeps the order of the cut prefixes (ties fall back to the id).
SORT_KEY_LENGTH = 170
# Rows with a reading sort first, in あいうえお order; rows without one after
# them, by their name; rows with neither last.
_WITH_READING, _WITHOUT_READING, _NOTHING = "1", "2", "3"

_collator = icu.Collator.createInstance(icu.Locale("ja"))


def normalise(text: str) -> str:
    """NFKC folds full-width Latin and half-width katakana; trims spaces.
    For keys and comparisons (search, sort, parsing), not for what is stored
    and shown: that is `as_typed`."""
    return unicodedata.normalize("NFKC", text or "").strip()


def as_typed(text: str) -> str:
    """What a person typed, as they typed it ("（日本橋）" stays full-width):
    only the surrounding spaces are trimmed. Search keys fold it separately."""
    return (text or "").strip()


def to_hiragana(text: str) -> str:
    return "".join(chr(ord(ch) - 0x60) if _KATAKANA_START <= ord(ch) <= _KATAKANA_END else ch for ch in text)


def is_kana(text: str) -> bool:
    return bool(_KANA_RE.match(normalise(text)))


def has_kanji(text: str) -> bool:
    """A name with kanji needs a reading; kana or Latin names read themselves."""
    return bool(_KANJI_RE.search(normalise(text)))


def default_name_order(family_name: str, given_name: str) -> str:
    """Family first for a name in Japanese script, given first for one in
    Latin letters (John Smith)."""
    text = normalise(f"{family_name}{given_name}")
    western = bool(text) and all(ord(ch) < 0x2E80 for ch in text)
    return "given_first" if western else "family_first"


def search_key(text: str | None) -> str:
    """The one normalisation for search documents and queries."""
    return to_hiragana(normalise(text or "").lower())


@lru_cache(maxsize=4096)
def _icu_key(text: str) -> str:
    return bytes(_collator.getSortKey(text)).rstrip(b"\x00").hex()


def collation_key(*readings: str | None, fallback: str | None = "") -> str:
    """The stored sort key for あいうえお order: the readings (family then
    given, or a group's kana) by the Japanese collation; without a reading the
    row goes after every row that has one, ordered by `fallback` (its name)."""
    reading = " ".join(r for r in (normalise(r or "") for r in readings) if r)
    if reading:
        return (_WITH_READING + _icu_key(reading))[:SORT_KEY_LENGTH]
    name = normalise(fallback or "")
    if name:
        return (_WITHOUT_READING + _icu_key(name))[:SORT_KEY_LENGTH]
    return _NOTHING


def _reading(reading: str | None, name: str | None) -> str:
    """The reading given, or the name itself when it is written in kana."""
    return reading or (name if name and is_kana(name) else "")


def person_sort_key(person) -> str:
    """One key for anyone with family/given names and readings (users; the
    directory profiles copy their user's)."""
    return collation_key(
        _reading(person.family_name_kana, person.family_name),
        _reading(person.given_name_kana, person.given_name),
        fallback=f"{person.family_name} {person.given_name}",
    )


def group_sort_key(group) -> str:
    return collation_key(_reading(group.name_kana, group.name_ja), fallback=group.name_ja)


def kana_sort_key(*readings: str) -> str:
    """Kept for callers that pass readings only; same key as collation_key."""
    return collation_key(*readings)


def has_control_characters(text: str) -> bool:
    """CR, LF, tabs, NUL and other control or format characters (Unicode
    categories Cc, Cf, Zl, Zp): never part of a name, and a way to forge
    lines in mails, CSV exports and logs."""
    return any(unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} for ch in text or "")
