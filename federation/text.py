"""Japanese text helpers: kana readings and sort keys."""
from __future__ import annotations

import re
import unicodedata

_KATAKANA_START, _KATAKANA_END = ord("ァ"), ord("ヶ")
_KANA_RE = re.compile(r"^[\u3041-\u3096\u30a1-\u30fa\u30fc\u30fb\u309d\u309e\u30fd\u30fe \u3000]*$")


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
    return "".join(
        chr(ord(ch) - 0x60) if _KATAKANA_START <= ord(ch) <= _KATAKANA_END else ch
        for ch in text
    )


def is_kana(text: str) -> bool:
    return bool(_KANA_RE.match(normalise(text)))


def kana_sort_key(*readings: str) -> str:
    """Hiragana reading used for あいうえお order; katakana and hiragana sort alike."""
    return " ".join(to_hiragana(normalise(r)) for r in readings if r).strip()
