"""Label tables are resolved once per language and process (issue 19): a
cached table must never answer in another language than the viewer's."""

from flask_babel import force_locale

from federation.labels import GOVERNANCE_LABELS, in_language
from federation.models import GovernanceType


def test_each_language_gets_its_own_resolved_table(app):
    with app.test_request_context():
        with force_locale("ja"):
            ja = in_language(GOVERNANCE_LABELS)[GovernanceType.company_hosted]
        with force_locale("en"):
            en = in_language(GOVERNANCE_LABELS)[GovernanceType.company_hosted]
        with force_locale("ja"):
            again = in_language(GOVERNANCE_LABELS)[GovernanceType.company_hosted]
    assert (ja, en, again) == ("会社主催型", "Company-hosted", "会社主催型")


def test_pages_in_both_languages_show_their_own_labels(client, make, login):
    """Served one after the other from the same process, a Japanese and an
    English member each see the registry's governance labels in their own
    language."""
    make.group(name_ja="東光商事OB会", governance_type=GovernanceType.company_hosted)
    japanese = make.user(locale="ja")
    make.alumnus(make.group(), japanese)
    english = make.user(locale="en")
    make.alumnus(make.group(), english)
    seen = {}
    for person in (japanese, english, japanese):
        login(person)
        seen.setdefault(person.locale, []).append(client.get("/groups/").get_data(as_text=True))
        client.post("/auth/logout")
    assert all("会社主催型" in page and "Company-hosted" not in page for page in seen["ja"])
    assert "Company-hosted" in seen["en"][0] and "会社主催型" not in seen["en"][0]


def test_templates_follow_a_forced_language_within_one_request(app):
    """The templates' catalogue is kept for the request: a mail rendered for
    a person of the other language (force_locale) is in their language, and
    the page after it in the page's own."""
    from flask import render_template_string

    text = "{{ _('Member groups') }}"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        page = render_template_string(text)
        with force_locale("ja"):
            mail = render_template_string(text)
        after = render_template_string(text)
    assert (page, mail, after) == ("Member groups", "参加グループ", "Member groups")
