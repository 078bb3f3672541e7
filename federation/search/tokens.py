"""The tokenizer: how documents and queries are cut into tokens."""

from __future__ import annotations

import re

from federation.text import search_key

_CJK_RUN = re.compile(r"[\u3041-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆]+")
_WORD = re.compile(r"[a-z0-9][a-z0-9+#.\-]*[a-z0-9+#]|[a-z0-9]")


def search_text(text: str) -> str:
    """NFKC, lower-case, katakana as hiragana: how documents and queries compare
    (the one normalisation, `text.search_key`)."""
    return search_key(text)


def text_tokens(text: str) -> set[str]:
    """Every overlapping 2-character window of CJK runs (a lone character is
    kept whole) and every Latin word."""
    doc = search_text(text)
    tokens: set[str] = set()
    for run in _CJK_RUN.findall(doc):
        if len(run) == 1:
            tokens.add(run)
        tokens.update(run[i : i + 2] for i in range(len(run) - 1))
    tokens.update(word[:64] for word in _WORD.findall(doc))
    return tokens


def too_short(q: str) -> bool:
    """A one-character word cannot be searched (the index holds pairs of
    characters and whole Latin words): a page can say so instead of showing
    an empty list."""
    return len(search_text(q).replace(" ", "").replace("\u3000", "")) == 1
