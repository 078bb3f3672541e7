"""Generate a realistic synthetic federation fast, with bulk inserts.

Each capability adds a generator to GENERATORS; each takes the connection, the
scale and what earlier generators made, and returns what later ones need.
"""
from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import insert, select

from federation.models import AlumniGroup, ApiToken, GovernanceType, GroupOperator, Role, User
from federation.security import hash_secret
from federation.models.group import group_search_text
from federation.text import collation_key, kana_sort_key

BATCH = 5000
BENCH_PASSWORD = "bench-password-1"
BENCH_TOKEN = "fed_benchmark-token-not-secret"
BENCH_EMAIL = "bench@bench.example.jp"

FAMILY = [("佐藤", "さとう"), ("鈴木", "すずき"), ("高橋", "たかはし"), ("田中", "たなか"),
          ("伊藤", "いとう"), ("渡辺", "わたなべ"), ("山本", "やまもと"), ("中村", "なかむら"),
          ("小林", "こばやし"), ("加藤", "かとう"), ("吉田", "よしだ"), ("山田", "やまだ"),
          ("佐々木", "ささき"), ("山口", "やまぐち"), ("松本", "まつもと"), ("井上", "いのうえ"),
          ("木村", "きむら"), ("林", "はやし"), ("清水", "しみず"), ("森", "もり")]
GIVEN = [("美咲", "みさき"), ("健太", "けんた"), ("陽菜", "ひな"), ("翔", "しょう"),
         ("結衣", "ゆい"), ("大輔", "だいすけ"), ("葵", "あおい"), ("拓海", "たくみ"),
         ("さくら", "さくら"), ("蓮", "れん"), ("優奈", "ゆうな"), ("健一", "けんいち")]
COMPANY_STEMS = ["東光", "未来", "大洋", "青葉", "北斗", "東雲", "光風", "白鷺", "翠嵐", "銀河",
                 "朝日", "若葉", "桜花", "富岳", "瑞雲", "紅葉", "天城", "千鳥", "浜風", "雷鳥"]
COMPANY_KINDS = [("商事", "しょうじ", "Trading"), ("銀行", "ぎんこう", "Bank"),
                 ("製薬", "せいやく", "Pharma"), ("電機", "でんき", "Electric"),
                 ("コンサルティング", "こんさるてぃんぐ", "Consulting"),
                 ("システムズ", "しすてむず", "Systems"), ("百貨店", "ひゃっかてん", "Stores"),
                 ("広告", "こうこく", "Advertising"), ("モーターズ", "もーたーず", "Motors")]


def _batches(rows, size=BATCH):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def bulk(conn, table, rows) -> None:
    for chunk in _batches(rows):
        conn.execute(insert(table), chunk)


def gen_people_and_groups(conn, scale: dict, made: dict, password_hash: str) -> dict:
    rng = random.Random(42)
    now = datetime.now(timezone.utc)
    groups = []
    for n in range(scale["groups"]):
        stem = COMPANY_STEMS[n % len(COMPANY_STEMS)]
        kind, kind_kana, kind_en = COMPANY_KINDS[(n // len(COMPANY_STEMS)) % len(COMPANY_KINDS)]
        groups.append({
            "slug": f"bench-group-{n}", "name_ja": f"{stem}{kind}{n} アルムナイ",
            "name_en": f"{kind_en} {n} Alumni", "name_kana": f"ぐるーぷ{n:05d}",
            "company_name": f"{stem}{kind}{n}株式会社", "founded_on": date(2015 + n % 10, 1 + n % 12, 1),
            "governance_type": list(GovernanceType)[n % 4].value, "maturity_level": 1 + n % 5,
            "registered_members": rng.randint(200, 4000), "description": f"{stem}{kind}の卒業生ネットワーク",
            "is_public": n % 3 == 0, "created_at": now, "updated_at": now,
        })
        # Bulk inserts skip the model's listeners: derive the keys here.
        groups[-1]["sort_key"] = collation_key(groups[-1]["name_kana"])
        groups[-1]["search_text"] = group_search_text(groups[-1])
    bulk(conn, AlumniGroup.__table__, groups)
    group_ids = list(conn.scalars(select(AlumniGroup.id).order_by(AlumniGroup.id)))

    people = []
    for n in range(scale["profiles"]):
        family, fk = FAMILY[n % len(FAMILY)]
        given, gk = GIVEN[(n // len(FAMILY)) % len(GIVEN)]
        role = Role.operator if n < scale["groups"] * 2 else Role.member
        people.append({
            "email": f"person{n}@bench.example.jp", "password_hash": password_hash,
            "family_name": family, "given_name": given, "family_name_kana": fk,
            "given_name_kana": gk, "sort_key": kana_sort_key(fk, gk), "locale": "ja",
            "role": role.value, "email_verified_at": now, "created_at": now, "updated_at": now,
        })
    people.append({
        "email": BENCH_EMAIL, "password_hash": password_hash, "family_name": "計測",
        "given_name": "太郎", "family_name_kana": "けいそく", "given_name_kana": "たろう",
        "sort_key": kana_sort_key("けいそく", "たろう"), "locale": "ja", "role": Role.coordinator.value,
        "email_verified_at": now, "created_at": now, "updated_at": now,
    })
    bulk(conn, User.__table__, people)
    user_ids = list(conn.scalars(select(User.id).order_by(User.id)))
    bench_user_id = user_ids[-1]
    operators = [{"group_id": group_ids[i // 2], "user_id": user_ids[i], "created_at": now}
                 for i in range(min(len(group_ids) * 2, len(user_ids) - 1))]
    operators.append({"group_id": group_ids[0], "user_id": bench_user_id, "created_at": now})
    bulk(conn, GroupOperator.__table__, operators)
    conn.execute(insert(ApiToken.__table__), [{
        "user_id": bench_user_id, "name": "bench", "prefix": BENCH_TOKEN[:12],
        "token_hash": hash_secret(BENCH_TOKEN), "created_at": now,
    }])
    return {"group_ids": group_ids, "user_ids": user_ids[:-1], "bench_user_id": bench_user_id,
            "rng": rng, "now": now, "horizon": now + timedelta(days=180)}


BIOS = ["新規事業の立ち上げと投資の経験があります", "人事と採用を担当してきました",
        "スタートアップの支援をしています", "営業と調達の仕組みづくりが得意です",
        "DXと新規事業開発、海外展開", "広報とPRの経験を活かしたい", "財務と投資、M&Aの実務",
        "人事制度の設計とキャリア支援"]
SKILLS = ["投資 財務", "人事 採用", "新規事業 企画", "営業 マーケティング", "広報 PR", "DX データ分析"]
INDUSTRIES = ["金融", "IT", "製造", "コンサルティング", "小売", "広告"]


def gen_directory(conn, scale: dict, made: dict) -> dict:
    """Directory profiles for the bench people: alumni memberships, Japanese
    bios and skills, two offers or asks each, and their search tokens."""
    from federation.models import DirectoryProfile, GroupMembership, NeedPair, ProfileNeed, SearchToken
    from federation.services.directory import CONSENT_VERSION, VISIBILITY_FIELDS, industry_key, text_tokens

    rng, now = made["rng"], made["now"]
    group_ids, user_ids = made["group_ids"], made["user_ids"] + [made["bench_user_id"]]
    needs = list(NeedPair)
    shared = {f: "federation" for f in VISIBILITY_FIELDS}
    bulk(conn, GroupMembership.__table__, [
        {"group_id": group_ids[i % len(group_ids)], "user_id": uid, "verified_at": now}
        for i, uid in enumerate(user_ids)])
    sort_keys = dict(conn.execute(select(User.id, User.sort_key)).all())
    profiles = []
    for i, uid in enumerate(user_ids):
        profiles.append({
            "user_id": uid, "organisation": f"{COMPANY_STEMS[i % 20]}ホールディングス",
            "title": "マネージャー", "industries": [INDUSTRIES[i % 6]], "skills": SKILLS[i % 6],
            "bio": BIOS[i % len(BIOS)], "visibility": shared, "consented_at": now,
            "consent_version": CONSENT_VERSION, "digest_opt_in": False,
            "sort_key": sort_keys.get(uid, ""), "search_document": "", "created_at": now,
            "updated_at": now})
    bulk(conn, DirectoryProfile.__table__, profiles)
    profile_ids = list(conn.scalars(select(DirectoryProfile.id).order_by(DirectoryProfile.id)))
    need_rows, token_rows = [], []
    for i, pid in enumerate(profile_ids):
        picked = [(needs[(i + k * 3) % len(needs)], ("offer", "ask")[(i + k) % 2]) for k in range(2)]
        if pid == profile_ids[-1]:
            picked = [(NeedPair.investment_fundraising, "ask"), (NeedPair.job_hiring, "offer")]
        tokens = (text_tokens(BIOS[i % len(BIOS)]) | text_tokens(SKILLS[i % 6])
                  | text_tokens(profiles[i]["organisation"]) | {"p:", f"i:{industry_key(INDUSTRIES[i % 6])}",
                                                              f"g:{group_ids[i % len(group_ids)]}"})
        for need, side in picked:
            need_rows.append({"profile_id": pid, "need": need.value, "side": side,
                              "detail": f"{side} {need.value}", "wide": True, "created_at": now})
            tokens |= {f"n:{need.value}", f"{side[0]}:{need.value}", f"{side[0]}:"}
        token_rows.extend({"profile_id": pid, "token": t, "wide": True} for t in tokens)
        if len(token_rows) > 50000:
            bulk(conn, SearchToken.__table__, token_rows)
            token_rows = []
    bulk(conn, ProfileNeed.__table__, need_rows)
    bulk(conn, SearchToken.__table__, token_rows)
    rng.random()
    return {"profile_ids": profile_ids[:1000]}



def gen_events(conn, scale: dict, made: dict) -> dict:
    """Joint events (two hosts each), a third in the past, and registrations
    spread over them without duplicates."""
    from federation.models import EventHost, EventRegistration, JointEvent

    rng, now = made["rng"], made["now"]
    group_ids, user_ids = made["group_ids"], made["user_ids"]
    total = scale["events"]
    per_event = max(1, scale["registrations"] // total)
    rows = []
    for n in range(total):
        past = n % 3 == 0
        start = now + timedelta(days=(-1 if past else 1) * (1 + n % 170), hours=n % 9)
        rows.append({
            "lead_group_id": group_ids[n % len(group_ids)], "status": "completed" if past
            else "published", "title_ja": f"合同交流会 第{n}回", "title_en": f"Joint meetup #{n}",
            "description_ja": "業界を越えた**合同**交流会です。", "description_en": "",
            "format": ("in_person", "online", "hybrid")[n % 3], "starts_at": start,
            "ends_at": start + timedelta(hours=2), "place": "丸の内ホール",
            "online_url": "https://meet.example.jp/bench", "capacity": per_event * 2,
            "audience": "public" if n % 4 == 0 else "members",
            "tags": ["networking"] if n % 2 else ["learning_speaking"], "sequence": 0,
            "published_at": now, "created_at": now, "updated_at": now,
        })
    bulk(conn, JointEvent.__table__, rows)
    event_ids = list(conn.scalars(select(JointEvent.id).order_by(JointEvent.id)))
    hosts = []
    for n, event_id in enumerate(event_ids):
        lead = group_ids[n % len(group_ids)]
        co = group_ids[(n + 1) % len(group_ids)]
        hosts.append({"event_id": event_id, "group_id": lead, "status": "confirmed"})
        if co != lead:
            hosts.append({"event_id": event_id, "group_id": co, "status": "confirmed"})
    bulk(conn, EventHost.__table__, hosts)
    registrations = []
    for n, event_id in enumerate(event_ids):
        past = n % 3 == 0
        for user_id in rng.sample(user_ids, min(per_event, len(user_ids))):
            registrations.append({
                "event_id": event_id, "user_id": user_id, "status": "confirmed",
                "listed": user_id % 2 == 0, "created_at": now, "queued_at": now,
                "checked_in_at": now if past and user_id % 5 else None,
                "group_id": group_ids[user_id % len(group_ids)],
            })
    bulk(conn, EventRegistration.__table__, registrations)
    upcoming = [e for n, e in enumerate(event_ids) if n % 3]  # published, in the future
    return {"event_ids": upcoming}


ASSET_WORDS = [("大会議室", "丸の内"), ("セミナールーム", "渋谷"), ("イベントホール", "梅田"),
               ("会議室", "名古屋"), ("ラウンジ", "福岡")]


def gen_assets(conn, scale: dict, made: dict) -> dict:
    """Shared assets of every kind across the groups, and a booking (request)
    for each: venues get accepted slots that never overlap."""
    from federation.models import AssetKind, AssetRequest, SharedAsset
    from federation.models.asset import asset_search_text

    now = made["now"]
    group_ids = made["group_ids"]
    kinds = list(AssetKind)
    rows = []
    for n in range(scale["assets"]):
        kind = kinds[n % len(kinds)]
        word, area = ASSET_WORDS[n % len(ASSET_WORDS)]
        rows.append({
            "group_id": group_ids[n % len(group_ids)], "kind": kind.value, "status": "active",
            "title": {AssetKind.venue: f"{area}{word} {n}", AssetKind.pr_channel: f"会報メール {n}",
                      AssetKind.content: f"動画制作 {n}", AssetKind.speaker: f"新規事業の講演 {n}"}[kind],
            "description": "合同イベントに使えます", "area": area if kind == AssetKind.venue else "",
            "capacity": 20 + n % 200 if kind == AssetKind.venue else None,
            "topics": "新規事業 DX" if kind == AssetKind.speaker else "",
            "availability": [], "blocked_dates": [], "created_at": now, "updated_at": now,
        })
        rows[-1]["search_text"] = asset_search_text(rows[-1])
    bulk(conn, SharedAsset.__table__, rows)
    assets = conn.execute(select(SharedAsset.id, SharedAsset.group_id, SharedAsset.kind)
                          .order_by(SharedAsset.id)).all()
    requests = []
    for n, (asset_id, owner, kind) in enumerate(assets):
        requester = group_ids[(group_ids.index(owner) + 1) % len(group_ids)]
        start = now + timedelta(days=1 + n % 90, hours=n % 8) if kind == AssetKind.venue else None
        requests.append({
            "asset_id": asset_id, "requester_group_id": requester, "status":
            "accepted" if n % 2 else "pending", "message": "合同交流会で使わせてください",
            "starts_at": start, "ends_at": start + timedelta(hours=2) if start else None,
            "created_at": now, "updated_at": now})
    bulk(conn, AssetRequest.__table__, requests)
    return {"asset_ids": [a[0] for a in assets[:200]]}


def gen_applications(conn, scale: dict, made: dict) -> dict:
    """A few hundred operator applications in every state, for the queue."""
    from federation.models import ApplicationStatus, OperatorApplication

    now = made["now"]
    user_ids = made["user_ids"]
    statuses = list(ApplicationStatus)
    count = max(20, min(500, scale["groups"]))
    bulk(conn, OperatorApplication.__table__, [{
        "applicant_id": user_ids[(n * 37) % len(user_ids)], "status": statuses[n % 4].value,
        "submitted_at": now - timedelta(days=n % 60, hours=n), "name_ja": f"新設{n} アルムナイ",
        "company_name": f"新設{n}株式会社", "registered_members": 100 + n,
        "operating_since": date(2020, 1 + n % 12, 1), "involvement": "monthly",
        "assessment": [], "event_examples": [], "created_at": now, "updated_at": now,
    } for n in range(count)])
    return {}


def gen_health(conn, scale: dict, made: dict) -> dict:
    """Twelve monthly health snapshots per group (what the nightly job writes),
    with a few flags, so the dashboards read realistic rows."""
    from federation.models import HealthSnapshot
    from federation.services.health.indicators import TOKYO, empty_indicators, months_back

    rng, now = made["rng"], made["now"]
    months = months_back(now.astimezone(TOKYO).date(), 12)
    codes = ["signups", "operators_only", "repeat_drop", "wrong_audience", "no_outcome",
             "leader_dependence"]
    rows = []
    for group_id in made["group_ids"]:
        members = rng.randint(200, 4000)
        for month in months:
            members += rng.randint(-5, 40)
            events, attended = rng.randint(0, 6), rng.randint(0, 200)
            fired = [{"code": c, "numbers": {}} for c in codes if rng.random() < 0.08]
            rows.append({
                "group_id": group_id, "month": month, "computed_at": now, "members": members,
                "events_held": events, "attended": attended,
                "repeat_rate": rng.randint(0, 1000), "newcomer_share": rng.randint(0, 1000),
                "flag_count": len(fired), "flags": fired,
                "indicators": {**empty_indicators(), "members": members, "members_change": 10,
                               "events_held": events, "attended": attended},
            })
    bulk(conn, HealthSnapshot.__table__, rows)
    return {}


GENERATORS = [gen_people_and_groups, gen_directory, gen_events, gen_assets, gen_applications,
              gen_health]


def generate(engine, scale: dict, password_hash: str) -> tuple[dict, dict]:
    """Fill the database; return (what was made, seconds per generator)."""
    timings = {}
    made: dict = {}
    with engine.begin() as conn:
        for generator in GENERATORS:
            started = time.perf_counter()
            if generator is gen_people_and_groups:
                made.update(generator(conn, scale, made, password_hash))
            else:
                made.update(generator(conn, scale, made) or {})
            timings[generator.__name__] = round(time.perf_counter() - started, 2)
    made.pop("rng", None)
    return made, timings
