"""The directory's search index: each profile keeps a normalised search
document and a table of tokens (the shared tokenizer, federation.search:
every 2-character window of CJK runs, whole Latin words) plus facet tokens. A
token is `wide` when it comes from a field that people outside the person's
groups may see; others' searches only use wide tokens, so hidden fields never
leak through search hits."""

from __future__ import annotations

from sqlalchemy import delete

from federation.extensions import db
from federation.models import DirectoryProfile, SearchToken, User
from federation.search.tokens import search_text, text_tokens
from federation.services.directory.visibility import groups_of_user, is_wide


def industry_key(industry: str) -> str:
    return search_text(industry)[:60]


def reindex(profile: DirectoryProfile) -> None:
    """Rewrite the profile's search document and tokens (called by every
    service that changes what the profile shows)."""
    user = profile.user or db.session.get(User, profile.user_id)
    groups = groups_of_user(profile.user_id)
    parts: dict[str, list[str]] = {
        "name": [
            user.family_name,
            user.given_name,
            user.family_name_kana,
            user.given_name_kana,
            user.display_name,
            user.display_name_kana,
        ],
        "organisation": [profile.organisation, profile.title],
        "industries": list(profile.industries or []),
        "skills": [profile.skills],
        "bio": [profile.bio],
        "affiliations": [t for g in groups for t in (g.name_ja, g.name_en, g.company_name)],
        "offers": [n.detail for n in profile.needs],
    }
    tokens: dict[str, bool] = {}

    def add(token: str, wide: bool) -> None:
        tokens[token] = tokens.get(token, False) or wide

    for name, texts in parts.items():
        wide = is_wide(profile, name)
        for text in texts:
            for token in text_tokens(text):
                add(token, wide)
    add("p:", is_wide(profile, "name"))
    for group in groups:
        add(f"g:{group.id}", is_wide(profile, "affiliations"))
    for industry in profile.industries or []:
        add(f"i:{industry_key(industry)}", is_wide(profile, "industries"))
    offers_wide = is_wide(profile, "offers")
    for need in profile.needs:
        need.wide = offers_wide
        add(f"n:{need.need.value}", offers_wide)
        add(f"{need.side.value[0]}:{need.need.value}", offers_wide)
        add(f"{need.side.value[0]}:", offers_wide)
    profile.search_document = "\n".join(search_text(t) for texts in parts.values() for t in texts if t)
    db.session.execute(delete(SearchToken).where(SearchToken.profile_id == profile.id))
    if tokens:
        db.session.execute(
            SearchToken.__table__.insert(),
            [{"profile_id": profile.id, "token": token, "wide": wide} for token, wide in tokens.items()],
        )
    db.session.flush()
