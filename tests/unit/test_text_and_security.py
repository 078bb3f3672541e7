import pytest

from federation.config import normalise_database_url
from federation.security import hash_secret, is_safe_redirect
from federation.text import collation_key, is_kana, kana_sort_key, normalise, to_hiragana


def test_katakana_and_hiragana_sort_alike():
    assert kana_sort_key("ヤマダ", "ハナコ") == kana_sort_key("やまだ", "はなこ") \
        == collation_key("ﾔﾏﾀﾞ", "ﾊﾅｺ")
    assert sorted(["わたなべ", "アベ", "さとう"], key=kana_sort_key) == ["アベ", "さとう", "わたなべ"]


def test_half_width_katakana_is_folded():
    assert normalise("ﾔﾏﾀﾞ") == "ヤマダ"
    assert to_hiragana(normalise("ﾔﾏﾀﾞ")) == "やまだ"


@pytest.mark.parametrize("text,ok", [
    ("やまだ", True), ("ヤマダ", True), ("ゆうこ ー", True), ("山田", False), ("yamada", False),
])
def test_kana_only(text, ok):
    assert is_kana(text) is ok


@pytest.mark.parametrize("target,ok", [
    ("/account/", True), ("/groups?page=2", True),
    ("//evil.example.com/", False), ("https://evil.example.com/", False),
    # Only paths: an absolute URL, even to this host, is not followed.
    ("http://localhost/account/", False), ("/\\evil.example.com", False),
    ("javascript:alert(1)", False), ("", False), (None, False),
])
def test_only_same_origin_redirects(target, ok):
    assert is_safe_redirect(target, "http://localhost/") is ok


def test_secrets_are_hashed_one_way():
    digest = hash_secret("fed_abc")
    assert len(digest) == 64 and "fed_abc" not in digest
    assert hash_secret("fed_abc") == digest != hash_secret("fed_abd")


def test_database_url_spellings_use_psycopg3():
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"
