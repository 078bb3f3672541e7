"""Generate a realistic synthetic federation fast, with bulk inserts.

Each capability adds a generator to GENERATORS; each takes the connection, the
scale and what earlier generators made, and returns what later ones need.
"""
from __future__ import annotations

import json
import random
import time
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from itertools import chain, islice

from sqlalchemy import func, insert, select, text

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
          ("木村", "きむら"), ("林", "はやし"), ("清水", "しみず"), ("森", "もり"),
          ("斎藤", "さいとう"), ("阿部", "あべ"), ("池田", "いけだ"), ("橋本", "はしもと"),
          ("山崎", "やまざき"), ("石川", "いしかわ"), ("前田", "まえだ"), ("藤田", "ふじた"),
          ("小川", "おがわ"), ("岡田", "おかだ"), ("後藤", "ごとう"), ("長谷川", "はせがわ"),
          ("村上", "むらかみ"), ("近藤", "こんどう"), ("坂本", "さかもと"), ("遠藤", "えんどう"),
          ("青木", "あおき"), ("藤井", "ふじい"), ("西村", "にしむら"), ("福田", "ふくだ")]
GIVEN = [("美咲", "みさき"), ("健太", "けんた"), ("陽菜", "ひな"), ("翔", "しょう"),
         ("結衣", "ゆい"), ("大輔", "だいすけ"), ("葵", "あおい"), ("拓海", "たくみ"),
         ("さくら", "さくら"), ("蓮", "れん"), ("優奈", "ゆうな"), ("健一", "けんいち"),
         ("直樹", "なおき"), ("彩", "あや"), ("誠", "まこと"), ("真由美", "まゆみ"),
         ("亮", "りょう"), ("恵", "めぐみ"), ("浩二", "こうじ"), ("由紀", "ゆき"),
         ("隆", "たかし"), ("愛", "あい"), ("悠斗", "ゆうと"), ("花子", "はなこ"),
         ("大樹", "だいき"), ("七海", "ななみ"), ("和也", "かずや"), ("千尋", "ちひろ")]
COMPANY_STEMS = ["東光", "未来", "大洋", "青葉", "北斗", "東雲", "光風", "白鷺", "翠嵐", "銀河",
                 "朝日", "若葉", "桜花", "富岳", "瑞雲", "紅葉", "天城", "千鳥", "浜風", "雷鳥"]
COMPANY_KINDS = [("商事", "しょうじ", "Trading"), ("銀行", "ぎんこう", "Bank"),
                 ("製薬", "せいやく", "Pharma"), ("電機", "でんき", "Electric"),
                 ("コンサルティング", "こんさるてぃんぐ", "Consulting"),
                 ("システムズ", "しすてむず", "Systems"), ("百貨店", "ひゃっかてん", "Stores"),
                 ("広告", "こうこく", "Advertising"), ("モーターズ", "もーたーず", "Motors")]


def _batches(rows, size=BATCH):
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def _copy_value(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    elif hasattr(value, "value") and not isinstance(value, (int, float, str)):
        value = value.value  # an enum
    elif isinstance(value, (datetime, date)):
        return value.isoformat()
    elif not isinstance(value, str):
        return str(value)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _python_defaults(table, given: set[str]) -> dict:
    """What SQLAlchemy's insert() would fill in for the columns a row leaves
    out (scalar Python-side defaults); COPY only knows the server's."""
    out = {}
    for column in table.columns:
        if column.name in given or column.server_default is not None or column.default is None:
            continue
        if column.primary_key and column.autoincrement in (True, "auto"):
            continue
        if column.default.is_scalar:
            out[column.name] = column.default.arg
        elif column.default.is_callable:
            try:
                out[column.name] = column.default.arg(None)
            except TypeError:
                out[column.name] = column.default.arg()
    return out


def bulk(conn, table, rows) -> int:
    """Insert rows (any iterable of dicts, streamed): with COPY on PostgreSQL,
    in batches of multi-row inserts elsewhere. Returns how many."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    rows = chain([first], rows)
    count = 0
    if conn.dialect.name != "postgresql":
        for chunk in _batches(rows):
            conn.execute(insert(table), chunk)
            count += len(chunk)
        return count
    defaults = _python_defaults(table, set(first))
    columns = list(first) + list(defaults)
    fixed_tail = [_copy_value(v) for v in defaults.values()]
    quoted = ", ".join(f'"{c}"' for c in columns)
    raw = conn.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        buffer: list[str] = []
        for r in rows:
            buffer.append("\t".join([*(_copy_value(r[c]) for c in first), *fixed_tail]))
            count += 1
            if len(buffer) >= 20000:
                copy.write("\n".join(buffer) + "\n")
                buffer.clear()
        if buffer:
            copy.write("\n".join(buffer) + "\n")
    return count


def copy_lines(conn, table: str, columns: str, lines) -> None:
    """COPY already formatted text lines (the hot path for token rows)."""
    raw = conn.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
        for chunk in _batches(lines, 50000):
            copy.write("".join(chunk))


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

    # Explicit ids (a fresh database): every later generator knows a
    # person's id without reading a million rows back.
    first_id = (conn.scalar(select(func.max(User.id))) or 0) + 1
    total = scale["profiles"]
    operators_count = scale["groups"] * 2

    def people():
        for n, person in enumerate(people_of(total, len(groups))):
            family, fk = FAMILY[person.family]
            given, gk = GIVEN[person.given]
            role = Role.operator if n < operators_count else Role.member
            yield {
                "id": first_id + n, "email": f"person{n}@bench.example.jp",
                "password_hash": password_hash, "family_name": family, "given_name": given,
                "family_name_kana": fk, "given_name_kana": gk, "sort_key": _name_key(fk, gk),
                "locale": "ja", "role": role.value, "email_verified_at": now, "created_at": now,
                "updated_at": now,
            }
        yield {
            "id": first_id + total, "email": BENCH_EMAIL, "password_hash": password_hash,
            "family_name": "計測", "given_name": "太郎", "family_name_kana": "けいそく",
            "given_name_kana": "たろう", "sort_key": _name_key("けいそく", "たろう"), "locale": "ja",
            "role": Role.coordinator.value, "email_verified_at": now, "created_at": now,
            "updated_at": now,
        }

    bulk(conn, User.__table__, people())
    reset_sequence(conn, User.__table__)
    user_ids = list(range(first_id, first_id + total + 1))
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
        "人事制度の設計とキャリア支援", "製造現場の改善とサプライチェーン", "地方創生と観光の仕事",
        "データ分析で意思決定を支えています", "医療と介護の事業開発", "教育とEdTechに関心があります",
        "法務とコンプライアンスの専門家です", "ブランド戦略とデザイン思考", "エネルギーと脱炭素の事業"]
SKILL_WORDS = ["投資", "財務", "人事", "採用", "新規事業", "企画", "営業", "マーケティング", "広報", "PR",
               "DX", "データ分析", "法務", "調達", "物流", "デザイン", "エンジニアリング", "経理",
               "IR", "M&A", "研修", "品質管理", "海外展開", "組織開発"]
INDUSTRIES = ["金融", "IT", "製造", "コンサルティング", "小売", "広告", "医療", "教育", "不動産",
              "エネルギー", "物流", "メディア"]
TITLES = ["マネージャー", "部長", "課長", "ディレクター", "代表取締役", "エンジニア", "アナリスト",
          "コンサルタント", "フリーランス", "事業開発担当"]
PEOPLE_CHUNK = 10_000


class Person(tuple):
    """What the generator decided for one person (indices into the lists
    above), reproducible per chunk so a million never sit in memory at once."""

    family = property(lambda self: self[0])
    given = property(lambda self: self[1])
    group = property(lambda self: self[2])
    second_group = property(lambda self: self[3])
    company = property(lambda self: self[4])
    title = property(lambda self: self[5])
    industries = property(lambda self: self[6])
    skills = property(lambda self: self[7])
    bio = property(lambda self: self[8])
    needs = property(lambda self: self[9])


def people_of(total: int, groups: int):
    """The people, decorrelated (name, group, company, industry, skills, bio
    and needs drawn independently), group sizes skewed like real alumni
    groups (a few large ones, a long tail). Deterministic."""
    weights = [1 / (rank + 1) ** 0.8 for rank in range(groups)]
    cumulative = []
    acc = 0.0
    for w in weights:
        acc += w
        cumulative.append(acc)
    group_order = list(range(groups))
    random.Random(3).shuffle(group_order)  # the biggest groups are not the first ids
    needs = len(list(_need_pairs()))
    for chunk, start in enumerate(range(0, total, PEOPLE_CHUNK)):
        rng = random.Random(1_000 + chunk)
        picks = rng.choices(group_order, cum_weights=cumulative, k=min(PEOPLE_CHUNK, total - start))
        for group in picks:
            second = rng.choice(group_order) if rng.random() < 0.15 else -1
            yield Person((
                rng.randrange(len(FAMILY)), rng.randrange(len(GIVEN)), group,
                second if second != group else -1,
                rng.randrange(len(COMPANY_STEMS) * len(COMPANY_KINDS)), rng.randrange(len(TITLES)),
                tuple(sorted(rng.sample(range(len(INDUSTRIES)), rng.choice((1, 1, 2))))),
                tuple(rng.sample(range(len(SKILL_WORDS)), rng.choice((2, 3, 3, 4)))),
                tuple(rng.sample(range(len(BIOS)), rng.choice((1, 2)))),
                tuple({(rng.randrange(needs), rng.randrange(2)) for _ in range(rng.choice((1, 2, 3)))}),
            ))


def _need_pairs():
    from federation.models import NeedPair

    return list(NeedPair)


@lru_cache(maxsize=4096)
def _name_key(family_kana: str, given_kana: str) -> str:
    return kana_sort_key(family_kana, given_kana)


@lru_cache(maxsize=None)
def _tokens(text_: str) -> frozenset[str]:
    from federation.search.tokens import text_tokens

    return frozenset(text_tokens(text_))


def reset_sequence(conn, table) -> None:
    """After rows with explicit ids: PostgreSQL's sequence must follow."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                          f"(SELECT coalesce(max(id), 1) FROM \"{table.name}\"))"))


def gen_directory(conn, scale: dict, made: dict) -> dict:
    """Directory profiles for the bench people: alumni memberships, Japanese
    bios and skills, offers or asks, and their search tokens (what
    services.directory.index.reindex would write: names, organisation, title,
    industries, skills, bio, the groups' names, the offers, the facets)."""
    from federation.models import AlumniGroup, DirectoryProfile, GroupMembership, ProfileNeed
    from federation.services.directory import CONSENT_VERSION, VISIBILITY_FIELDS, industry_key

    now = made["now"]
    group_ids, user_ids = made["group_ids"], made["user_ids"] + [made["bench_user_id"]]
    total = len(made["user_ids"])
    needs = _need_pairs()
    shared = {f: "federation" for f in VISIBILITY_FIELDS}
    group_names = {gid: (name, en, company) for gid, name, en, company in conn.execute(
        select(AlumniGroup.id, AlumniGroup.name_ja, AlumniGroup.name_en, AlumniGroup.company_name))}
    group_tokens = {gid: frozenset().union(*(_tokens(t) for t in names)) | {f"g:{gid}"}
                    for gid, names in group_names.items()}
    bench_person = Person((0, 0, 0, -1, 0, 0, (0,), (0, 1), (0,), ()))

    def everyone():
        yield from zip(user_ids, chain(people_of(total, len(group_ids)), [bench_person]))

    def groups_of(person):
        first = group_ids[person.group]
        return [first] if person.second_group < 0 else [first, group_ids[person.second_group]]

    bulk(conn, GroupMembership.__table__, (
        {"group_id": gid, "user_id": uid, "verified_at": now}
        for uid, person in everyone() for gid in groups_of(person)))
    first_profile = (conn.scalar(select(func.max(DirectoryProfile.id))) or 0) + 1

    def company(index: int) -> str:
        stem = COMPANY_STEMS[index % len(COMPANY_STEMS)]
        kind = COMPANY_KINDS[index // len(COMPANY_STEMS)][0]
        return f"{stem}{kind}"

    def profiles():
        for n, (uid, person) in enumerate(everyone()):
            fk, gk = FAMILY[person.family][1], GIVEN[person.given][1]
            yield {
                "id": first_profile + n, "user_id": uid, "organisation": company(person.company),
                "title": TITLES[person.title], "industries": [INDUSTRIES[i] for i in person.industries],
                "skills": " ".join(SKILL_WORDS[i] for i in person.skills),
                "bio": "。".join(BIOS[i] for i in person.bio), "visibility": shared,
                "consented_at": now, "consent_version": CONSENT_VERSION, "digest_opt_in": False,
                "sort_key": _name_key(fk, gk) if uid != made["bench_user_id"]
                else _name_key("けいそく", "たろう"), "search_document": "", "created_at": now,
                "updated_at": now}

    bulk(conn, DirectoryProfile.__table__, profiles())
    reset_sequence(conn, DirectoryProfile.__table__)

    def picked_needs(n, person):
        if n == total:  # the bench user: what the match list scenario expects
            return [(2, 1), (3, 0)]  # asks investment_fundraising, offers job_hiring
        return list(person.needs)

    def need_rows():
        for n, (_uid, person) in enumerate(everyone()):
            for need, side in picked_needs(n, person):
                side_name = ("offer", "ask")[side]
                yield {"profile_id": first_profile + n, "need": needs[need].value, "side": side_name,
                       "detail": f"{side_name} {needs[need].value}", "wide": True, "created_at": now}

    bulk(conn, ProfileNeed.__table__, need_rows())

    # Each profile's tokens are the union of a few components' tokens (its
    # names, company, title, industries, skills, bios, groups, needs): the
    # components' token sets are computed once here, and on PostgreSQL the
    # database expands them (the 69 tokens of each of a million profiles would
    # otherwise be formatted line by line in Python).
    component_ids: dict[tuple, int] = {}
    component_tokens: dict[int, frozenset[str]] = {}

    def tokens_of(key: tuple) -> frozenset[str]:
        kind, *arg = key
        if kind == "everyone":
            return frozenset({"p:"})
        if kind == "bench-name":
            return frozenset().union(*(_tokens(t) for t in ("計測", "太郎", "けいそく", "たろう")))
        if kind in ("family", "given"):
            return frozenset().union(*(_tokens(t) for t in (FAMILY if kind == "family" else GIVEN)[arg[0]]))
        if kind == "company":
            return _tokens(company(arg[0]))
        if kind == "title":
            return _tokens(TITLES[arg[0]])
        if kind == "industry":
            return _tokens(INDUSTRIES[arg[0]]) | {f"i:{industry_key(INDUSTRIES[arg[0]])}"}
        if kind == "skill":
            return _tokens(SKILL_WORDS[arg[0]])
        if kind == "bio":
            return _tokens(BIOS[arg[0]])
        if kind == "group":
            return group_tokens[arg[0]]
        need, side = arg
        value = needs[need].value
        return frozenset({f"n:{value}", f"{'oa'[side]}:{value}", f"{'oa'[side]}:"}) | _tokens(
            f"{('offer', 'ask')[side]} {value}")

    def component(key: tuple) -> int:
        if key not in component_ids:
            component_ids[key] = len(component_ids)
            component_tokens[component_ids[key]] = tokens_of(key)
        return component_ids[key]

    def components():
        for n, (uid, person) in enumerate(everyone()):
            names = ([("bench-name",)] if uid == made["bench_user_id"]
                     else [("family", person.family), ("given", person.given)])
            keys = [("everyone",), *names, ("company", person.company), ("title", person.title),
                    *(("industry", i) for i in person.industries), *(("skill", i) for i in person.skills),
                    *(("bio", i) for i in person.bio), *(("group", g) for g in groups_of(person)),
                    *(("need", need, side) for need, side in picked_needs(n, person))]
            yield first_profile + n, [component(key) for key in keys]

    if conn.dialect.name == "postgresql":
        expand_tokens(conn, components(), component_tokens)
    else:
        from federation.models import SearchToken

        bulk(conn, SearchToken.__table__, (
            {"profile_id": pid, "token": t, "wide": True}
            for pid, ids in components() for t in frozenset().union(*(component_tokens[i] for i in ids))))
    return {"profile_ids": list(range(first_profile, first_profile + min(1000, total)))}


def expand_tokens(conn, components, component_tokens: dict[int, frozenset[str]]) -> None:
    """PostgreSQL: COPY each profile's component ids (a small array) and the
    components' tokens (a few hundred rows; filled while the profiles stream,
    so written second), then let one INSERT … SELECT expand them into the
    token table, each profile's tokens deduplicated on their own."""
    conn.execute(text("CREATE TEMP TABLE bench_profile_component (profile_id int, components int[]) "
                      "ON COMMIT DROP"))
    copy_lines(conn, "bench_profile_component", "profile_id, components", (
        f"{pid}\t{{{','.join(map(str, ids))}}}\n" for pid, ids in components))
    conn.execute(text("CREATE TEMP TABLE bench_component_token (component int, token text) ON COMMIT DROP"))
    copy_lines(conn, "bench_component_token", "component, token", (
        f"{cid}\t{_copy_value(token)}\n" for cid, tokens in component_tokens.items() for token in tokens))
    conn.execute(text("CREATE INDEX ON bench_component_token (component)"))
    conn.execute(text("ANALYZE bench_profile_component"))
    conn.execute(text("ANALYZE bench_component_token"))
    conn.execute(text(
        "INSERT INTO directory_token (profile_id, token, wide) "
        "SELECT pc.profile_id, t.token, true FROM bench_profile_component pc "
        "CROSS JOIN LATERAL (SELECT DISTINCT ct.token FROM bench_component_token ct "
        "WHERE ct.component = ANY(pc.components)) t"))


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


KNOWLEDGE_TITLES = ["新規事業の立ち上げ方", "会員を集めるイベント設計", "運営チームの役割分担",
                    "スポンサー獲得の進め方", "広報とSNS運用", "会費と財務の管理", "オンライン交流会の運営",
                    "卒業生の活性化施策"]
KNOWLEDGE_BODIES = ["最初の三か月で運営メンバーを集め、定例会を月一回開きました。",
                    "参加者アンケートで次回のテーマを決め、リピート率が上がりました。",
                    "会社の広報部門と連携し、公式な後援を得ることができました。",
                    "新規事業の相談会を合同で開き、投資家も招きました。"]


def gen_knowledge(conn, scale: dict, made: dict) -> dict:
    """Knowledge-hub articles in every category and audience, indexed the way
    services.knowledge.index writes documents and tokens."""
    from federation.models import Article, KnowledgeCategory, KnowledgeDocument, KnowledgeToken
    from federation.services.knowledge.index import TITLE_WEIGHT

    now = made["now"]
    rng = made["rng"]
    categories = list(KnowledgeCategory)
    audiences = ["members", "practice", "public"]
    count = max(40, min(2_000, scale["profiles"] // 50))
    first = (conn.scalar(select(func.max(Article.id))) or 0) + 1
    articles = []
    for n in range(count):
        title = f"{KNOWLEDGE_TITLES[n % len(KNOWLEDGE_TITLES)]} {n}"
        body = "\n\n".join(rng.sample(KNOWLEDGE_BODIES, 2))
        articles.append({
            "id": first + n, "title_ja": title, "title_en": f"Article {n}", "body_ja": body,
            "body_en": "", "category": categories[n % len(categories)].value, "topic": "",
            "governance_types": [], "maturity_levels": [1 + n % 5], "visibility": audiences[n % 3],
            "author_id": made["bench_user_id"], "version": 1,
            "created_at": now - timedelta(days=n % 400), "updated_at": now - timedelta(days=n % 400)})
    bulk(conn, Article.__table__, articles)
    reset_sequence(conn, Article.__table__)
    first_doc = (conn.scalar(select(func.max(KnowledgeDocument.id))) or 0) + 1
    bulk(conn, KnowledgeDocument.__table__, ({
        "id": first_doc + n, "kind": "article", "ref_id": a["id"], "audience": a["visibility"],
        "updated_at": a["updated_at"]} for n, a in enumerate(articles)))
    reset_sequence(conn, KnowledgeDocument.__table__)

    def tokens():
        for n, a in enumerate(articles):
            weights = {t: 1 for t in _tokens(a["body_ja"])}
            weights.update({t: TITLE_WEIGHT for t in _tokens(a["title_ja"]) | _tokens(a["title_en"])})
            weights.update({f"c:{a['category']}": 0, f"m:{a['maturity_levels'][0]}": 0, "d:": 0,
                            "k:article": 0})
            for token, weight in weights.items():
                yield {"document_id": first_doc + n, "token": token, "audience": a["visibility"],
                       "weight": weight}

    bulk(conn, KnowledgeToken.__table__, tokens())
    return {}


def gen_notifications(conn, scale: dict, made: dict) -> dict:
    """Inbox notifications: a few for many people and 300 for the bench user
    (half of them read), so the inbox and the unread count read real rows."""
    from federation.models import Notification

    now = made["now"]
    people = made["user_ids"][: max(100, min(20_000, scale["profiles"] // 5))]

    def rows():
        for n, uid in enumerate([made["bench_user_id"]] * 300 + people * 3):
            yield {"user_id": uid, "kind": "event_reminder", "subject": f"合同交流会 第{n}回のお知らせ",
                   "body": "明日の合同交流会のご案内です。", "link": "/events/",
                   "mail_state": "digested" if n % 2 else "none",
                   "created_at": now - timedelta(minutes=n), "read_at": now if n % 2 else None}

    bulk(conn, Notification.__table__, rows())
    return {}


GENERATORS = [gen_people_and_groups, gen_directory, gen_events, gen_assets, gen_applications,
              gen_health, gen_knowledge, gen_notifications]


# The tables a large run fills; on PostgreSQL their secondary indexes are
# dropped before the load and built again after it (an index built once is
# several times faster than one kept up to date row by row).
LARGE_TABLES = ["user", "group_membership", "directory_profile", "directory_token", "profile_need",
                "event_registration"]


def _drop_secondary_indexes(conn) -> list[str]:
    """Drop the large tables' indexes that back no constraint; return their
    definitions to build them again."""
    rows = conn.execute(text(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
        "AND i.tablename = ANY(:tables) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conname = i.indexname)"), {"tables": LARGE_TABLES}).all()
    for name, _definition in rows:
        conn.execute(text(f'DROP INDEX "{name}"'))
    return [definition for _name, definition in rows]


def generate(engine, scale: dict, password_hash: str) -> tuple[dict, dict]:
    """Fill the database; return (what was made, seconds per generator).
    On PostgreSQL rows go in with COPY, foreign-key triggers off for the load
    (the generator's ids are consistent by construction), and the secondary
    indexes are built after it; then ANALYZE."""
    timings = {}
    made: dict = {}
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        indexes: list[str] = []
        if postgres:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
            conn.execute(text("SET LOCAL synchronous_commit = off"))
            indexes = _drop_secondary_indexes(conn)
        for generator in GENERATORS:
            started = time.perf_counter()
            if generator is gen_people_and_groups:
                made.update(generator(conn, scale, made, password_hash))
            else:
                made.update(generator(conn, scale, made) or {})
            timings[generator.__name__] = round(time.perf_counter() - started, 2)
        if postgres:
            started = time.perf_counter()
            for definition in indexes:
                conn.execute(text(definition))
            timings["indexes"] = round(time.perf_counter() - started, 2)
    if postgres:
        started = time.perf_counter()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # What autovacuum does on a live database: statistics, and the
            # visibility map that lets index-only scans skip the table.
            conn.execute(text("VACUUM ANALYZE"))
        timings["vacuum_analyze"] = round(time.perf_counter() - started, 2)
    made.pop("rng", None)
    return made, timings
