"""A realistic demo federation. Every company and person here is fictional."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from federation.extensions import db
from federation.models import (
    AlumniGroup,
    AssetKind,
    ChannelType,
    CompanyHope,
    ContentType,
    GovernanceType,
    GroupMemberCount,
    GroupNeed,
    NeedPair,
    Platform,
    RevenueModel,
    Role,
    SharedAsset,
    utcnow,
)
from federation.models.base import TOKYO
from federation.services import accounts, groups

G = GovernanceType

# slug, name_ja, name_en, kana, company, founded, governance, maturity, members, public, description
GROUPS = [
    (
        "toko-consulting",
        "東光コンサルティング アルムナイ",
        "Toko Consulting Alumni",
        "とうこうこんさるてぃんぐ",
        "東光コンサルティング株式会社",
        date(2016, 4, 1),
        G.company_hosted,
        4,
        2100,
        True,
        "戦略・業務コンサルタントの卒業生ネットワーク。分科会が自走し、年2回の大型交流会を開催。",
    ),
    (
        "mirai-data",
        "未来データシステムズ OB・OG会",
        "Mirai Data Systems Alumni",
        "みらいでーたしすてむず",
        "未来データシステムズ株式会社",
        date(2018, 10, 1),
        G.delegated,
        3,
        1450,
        True,
        "SIer・クラウド事業の卒業生が集う会。出戻り採用と協業案件の紹介が活発です。",
    ),
    (
        "taiyo-shoji",
        "大洋商事 アルムナイネットワーク",
        "Taiyo Shoji Alumni Network",
        "たいようしょうじ",
        "大洋商事株式会社",
        date(2019, 6, 1),
        G.company_backed,
        3,
        1800,
        False,
        "総合商社の卒業生による、事業投資・スタートアップ支援の相互紹介コミュニティ。",
    ),
    (
        "sangyo-shinko",
        "産業振興庁 卒業生の会",
        "Industrial Promotion Agency Alumni",
        "さんぎょうしんこうちょう",
        "産業振興庁",
        date(2020, 1, 15),
        G.company_backed,
        2,
        620,
        False,
        "官公庁の卒業生が、民間・起業・行政の橋渡し役として知見を共有します。",
    ),
    (
        "sakura-dept",
        "さくら百貨店 卒業生コミュニティ",
        "Sakura Department Store Alumni",
        "さくらひゃっかてん",
        "株式会社さくら百貨店",
        date(2021, 3, 1),
        G.delegated,
        2,
        980,
        True,
        "小売・接客の現場を知る卒業生が、新規事業やブランドづくりで協業しています。",
    ),
    (
        "aoba-bank",
        "青葉銀行 アルムナイ",
        "Aoba Bank Alumni",
        "あおばぎんこう",
        "株式会社青葉銀行",
        date(2017, 9, 1),
        G.company_hosted,
        5,
        3200,
        True,
        "金融出身者による出資・資金調達の相談会と、地域企業とのマッチングが好評です。",
    ),
    (
        "hokuto-pharma",
        "北斗製薬 OB・OGネットワーク",
        "Hokuto Pharmaceutical Alumni",
        "ほくとせいやく",
        "北斗製薬株式会社",
        date(2020, 7, 1),
        G.company_backed,
        3,
        1100,
        False,
        "研究・開発・MR出身者が、ヘルスケア領域の起業と人材交流を支えあう会。",
    ),
    (
        "shinonome-motors",
        "東雲モーターズ アルムナイ",
        "Shinonome Motors Alumni",
        "しののめもーたーず",
        "東雲モーターズ株式会社",
        date(2022, 2, 1),
        G.delegated,
        2,
        1350,
        False,
        "モビリティ産業の卒業生が、サプライヤー・スタートアップとの共創を進めています。",
    ),
    (
        "kofu-ad",
        "光風広告 卒業生ネットワーク",
        "Kofu Advertising Alumni",
        "こうふうこうこく",
        "光風広告株式会社",
        date(2015, 11, 1),
        G.company_backed,
        4,
        2500,
        True,
        "広告・クリエイティブ出身者による、PR・コンテンツ制作の相互支援ネットワーク。",
    ),
    (
        "shirasagi-denki",
        "白鷺電機 アルムナイクラブ",
        "Shirasagi Electric Alumni Club",
        "しらさぎでんき",
        "白鷺電機株式会社",
        date(2018, 4, 1),
        G.company_hosted,
        3,
        2800,
        False,
        "電機メーカーの卒業生が、ものづくり・技術顧問・登壇で後進を支えています。",
    ),
    (
        "suiran-hd",
        "翠嵐ホールディングス アルムナイ",
        "Suiran Holdings Alumni",
        "すいらんほーるでぃんぐす",
        "翠嵐ホールディングス株式会社（グループ各社を含む）",
        date(2023, 5, 1),
        G.delegated,
        1,
        540,
        False,
        "グループ横断の卒業生コミュニティ。立ち上げ2年目、運営チームを拡大中です。",
    ),
    (
        "ginga-games",
        "銀河ゲームス 卒業生の会",
        "Ginga Games Alumni",
        "ぎんがげーむす",
        "株式会社銀河ゲームス",
        date(2019, 12, 1),
        G.company_backed,
        3,
        760,
        True,
        "ゲーム・エンタメ業界の卒業生による、起業家と共同創業者のマッチングの場。",
    ),
]

# family, given, family kana, given kana (two operators per group)
OPERATOR_NAMES = [
    ("佐藤", "美咲", "さとう", "みさき"),
    ("鈴木", "健太", "すずき", "けんた"),
    ("高橋", "陽菜", "たかはし", "ひな"),
    ("田中", "翔", "たなか", "しょう"),
    ("伊藤", "結衣", "いとう", "ゆい"),
    ("渡辺", "大輔", "わたなべ", "だいすけ"),
    ("山本", "葵", "やまもと", "あおい"),
    ("中村", "拓海", "なかむら", "たくみ"),
    ("小林", "さくら", "こばやし", "さくら"),
    ("加藤", "蓮", "かとう", "れん"),
    ("吉田", "優奈", "よしだ", "ゆうな"),
    ("山田", "健一", "やまだ", "けんいち"),
    ("佐々木", "彩", "ささき", "あや"),
    ("山口", "直樹", "やまぐち", "なおき"),
    ("松本", "真央", "まつもと", "まお"),
    ("井上", "亮", "いのうえ", "りょう"),
    ("木村", "七海", "きむら", "ななみ"),
    ("林", "隼人", "はやし", "はやと"),
    ("清水", "楓", "しみず", "かえで"),
    ("山崎", "悠斗", "やまざき", "ゆうと"),
    ("森", "千尋", "もり", "ちひろ"),
    ("池田", "航", "いけだ", "わたる"),
    ("橋本", "萌", "はしもと", "もえ"),
    ("阿部", "慎也", "あべ", "しんや"),
]

DEMO_DOMAIN = "demo.federation.example.jp"

NEEDS = [
    NeedPair.networking,
    NeedPair.job_hiring,
    NeedPair.learning_speaking,
    NeedPair.sales_procurement,
    NeedPair.investment_fundraising,
    NeedPair.entrepreneur_cofounder,
    NeedPair.startup_supporter,
    NeedPair.pr,
]
REVENUES = list(RevenueModel)
EVENINGS = [{"weekday": d, "start": "18:00", "end": "21:30"} for d in range(5)]
SATURDAY = [{"weekday": 5, "start": "10:00", "end": "17:00"}]


def _demo_profiles_and_assets() -> None:
    """Survey profiles, dated member counts and a few assets of each kind."""
    rows = db.session.scalars(select(AlumniGroup).order_by(AlumniGroup.id)).all()
    for i, group in enumerate(rows):
        group.founder_name = OPERATOR_NAMES[(2 * i) % len(OPERATOR_NAMES)][0] + " 一郎"
        group.representative_name = " ".join(OPERATOR_NAMES[(2 * i) % len(OPERATOR_NAMES)][:2])
        group.eligibility_rule = "社員または契約社員として1年以上在籍した方（現役社員を除く）"
        group.revenue_model = REVENUES[i % len(REVENUES)]
        group.liaison_department = ("人事部 アルムナイ担当", "広報部", "経営企画部")[i % 3]
        group.platforms = [
            p.value for p in (Platform.facebook, Platform.zoom, Platform.peatix, Platform.slack)[: 2 + i % 3]
        ]
        group.company_hopes = [
            h.value
            for h in (CompanyHope.rehiring, CompanyHope.co_creation, CompanyHope.pr_brand)[: 1 + i % 3]
        ]
        for need in {NEEDS[i % 8], NEEDS[(i + 3) % 8], NeedPair.networking}:
            group.needs.append(GroupNeed(need=need))
        for years_ago, share in ((2, 0.6), (1, 0.8), (0, 1.0)):
            group.member_counts.append(
                GroupMemberCount(
                    counted_on=date(2025 - years_ago, 4, 1), members=int(group.registered_members * share)
                )
            )
    a, b, c, d = rows[0], rows[5], rows[8], rows[9]
    db.session.add_all(
        [
            SharedAsset(
                group=a,
                kind=AssetKind.venue,
                title="本社 大会議室（丸の内）",
                area="東京都千代田区",
                address="丸の内二丁目（架空）",
                capacity=120,
                equipment="プロジェクター2台、ワイヤレスマイク4本、配信用カメラ",
                house_rules="飲食は軽食まで。21:30 完全退館。",
                availability=EVENINGS,
            ),
            SharedAsset(
                group=b,
                kind=AssetKind.venue,
                title="青葉ホール（大手町）",
                area="東京都千代田区",
                address="大手町一丁目（架空）",
                capacity=200,
                equipment="演台、音響設備、同時通訳ブース",
                availability=EVENINGS + SATURDAY,
            ),
            SharedAsset(
                group=c,
                kind=AssetKind.pr_channel,
                title="卒業生向けメールマガジン",
                channel_type=ChannelType.newsletter,
                reach=2300,
                audience="広告業界の卒業生",
                lead_time_days=14,
            ),
            SharedAsset(
                group=c,
                kind=AssetKind.content,
                title="セミナーのグラレコ制作",
                content_type=ContentType.graphic_recording,
                turnaround_days=5,
            ),
            SharedAsset(
                group=a,
                kind=AssetKind.content,
                title="登壇動画の編集と公開",
                content_type=ContentType.video,
                turnaround_days=10,
            ),
            SharedAsset(
                group=d,
                kind=AssetKind.speaker,
                title="ものづくり現場のDX",
                speaker_name="白石 誠",
                speaker_name_kana="しらいし まこと",
                speaker_title="元 生産技術本部長（架空）",
                topics="DX 製造業 技術顧問",
                languages="日本語",
                consent_confirmed_at=utcnow(),
            ),
            SharedAsset(
                group=b,
                kind=AssetKind.speaker,
                title="スタートアップの資金調達入門",
                speaker_name="青木 玲奈",
                speaker_name_kana="あおき れいな",
                speaker_title="ベンチャーキャピタリスト（架空）",
                topics="資金調達 出資",
                languages="日本語 English",
                consent_confirmed_at=utcnow(),
            ),
        ]
    )


def demo_logins() -> list[tuple[str, str]]:
    """The demo's sign-ins by role (the same on every run, loaded or not)."""
    return [
        ("admin", f"admin@{DEMO_DOMAIN}"),
        ("coordinator", f"coordinator@{DEMO_DOMAIN}"),
        ("operator", f"{GROUPS[0][0]}-1@{DEMO_DOMAIN}"),
        ("operator (2nd group)", f"{GROUPS[1][0]}-1@{DEMO_DOMAIN}"),
        ("reviewer", f"reviewer@{DEMO_DOMAIN}"),
        ("member", f"member@{DEMO_DOMAIN}"),
        ("verified non-member", f"newcomer@{DEMO_DOMAIN}"),
        ("practice community", f"practice@{DEMO_DOMAIN}"),
        ("applicant", f"applicant-1@{DEMO_DOMAIN}"),
    ]


def load_demo(password: str) -> list[tuple[str, str]]:
    """Create the demo federation; return (role, email) logins, or [] when it
    is loaded already. Idempotent."""
    if db.session.scalar(select(AlumniGroup.id).limit(1)) is not None:
        return []

    def person(email, family, given, fk, gk, role, locale="ja"):
        user = accounts.register_user(
            email=email,
            password=password,
            family_name=family,
            given_name=given,
            family_name_kana=fk,
            given_name_kana=gk,
            locale=locale,
            role=role,
            verified=True,
        )
        return user

    person(f"admin@{DEMO_DOMAIN}", "管理", "太郎", "かんり", "たろう", Role.admin)
    person(f"coordinator@{DEMO_DOMAIN}", "調整", "花子", "ちょうせい", "はなこ", Role.coordinator)

    names = iter(OPERATOR_NAMES)
    for index, (
        slug,
        name_ja,
        name_en,
        kana,
        company,
        founded,
        governance,
        maturity,
        members,
        public,
        description,
    ) in enumerate(GROUPS):
        group = AlumniGroup(
            slug=slug,
            name_ja=name_ja,
            name_en=name_en,
            name_kana=kana,
            company_name=company,
            founded_on=founded,
            governance_type=governance,
            maturity_level=maturity,
            registered_members=members,
            is_public=public,
            description=description,
        )
        db.session.add(group)
        for n in range(2):
            family, given, fk, gk = next(names)
            email = f"{slug}-{n + 1}@{DEMO_DOMAIN}"
            user = person(
                email,
                family,
                given,
                fk,
                gk,
                Role.operator,
                locale="en" if index % 5 == 4 and n == 1 else "ja",
            )
            groups.add_operator(group, user)
    _demo_profiles_and_assets()
    member = person(f"member@{DEMO_DOMAIN}", "会員", "一郎", "かいいん", "いちろう", Role.member)
    _demo_membership(member, person)
    _demo_applications(person)
    _demo_directory(person)
    _demo_events()
    reviewer = person(f"reviewer@{DEMO_DOMAIN}", "審査", "由美", "しんさ", "ゆみ", Role.member)
    _demo_conference(reviewer)
    _demo_knowledge(person)
    db.session.flush()
    _demo_health()
    return demo_logins()


def _demo_membership(member, person) -> None:
    """The demo member belongs to a group (the membership rule); a verified
    newcomer belongs to none yet, and two alumni wait in a group's join queue."""
    from datetime import timedelta

    from federation.models import GroupMembership, JoinRequest, JoinSettings

    toko = db.session.scalar(select(AlumniGroup).where(AlumniGroup.slug == "toko-consulting"))
    db.session.add(
        GroupMembership(
            group_id=toko.id,
            user_id=member.id,
            year_left=2018,
            source="invitation",
            self_introduction="2018年まで戦略コンサルタント。今は事業会社で新規事業を担当しています。",
        )
    )
    db.session.add(
        JoinSettings(
            group_id=toko.id,
            is_open=True,
            questions=[
                {"key": k, "required": True}
                for k in ("full_name", "birth_date", "company_left", "current_job")
            ],
            founding_statement_url="https://toko-alumni.example.jp/statement",
            approve_template="",
            decline_template="",
        )
    )
    person(f"newcomer@{DEMO_DOMAIN}", "新井", "実", "あらい", "みのる", Role.member)
    for n, ((family, given, fk, gk), left, job) in enumerate(
        (
            (("上田", "智子", "うえだ", "ともこ"), "戦略部門 2016年3月退職", "事業会社 経営企画"),
            (("西村", "健", "にしむら", "けん"), "業務改革部門 2020年9月退職", "IT スタートアップ COO"),
        ),
        start=1,
    ):
        asker = person(f"join-{n}@{DEMO_DOMAIN}", family, given, fk, gk, Role.member)
        db.session.add(
            JoinRequest(
                group_id=toko.id,
                user_id=asker.id,
                answers={"full_name": f"{family} {given}", "company_left": left, "current_job": job},
                birth_date=date(1980 + n * 3, 4, 1),
                decision_message="",
                created_at=utcnow() - timedelta(days=n),
            )
        )
    db.session.flush()


def _demo_health() -> None:
    """Twelve months of health snapshots, so the dashboards show the demo's data."""
    from federation.services.health.snapshots import backfill

    backfill()


def _demo_applications(person) -> None:
    """A few applications waiting in the coordinators' queue: one that passes
    every criterion, one borderline, one a second operator of a member group."""
    from datetime import timedelta

    from federation.models import User, utcnow
    from federation.services import applications

    today = utcnow().date()
    base = {
        "group_id": None,
        "founded_on": date(2019, 4, 1),
        "platforms": "Facebook group, Slack",
        "members_counted_on": today - timedelta(days=20),
        "governance_type": "delegated",
        "liaison_department": "人事部 アルムナイ担当",
        "liaison_email": "",
        "membership_scope": "company",
        "admits_outsiders": False,
        "audience": "working",
        "purpose": "co_creation",
        "operating_since": today - timedelta(days=600),
        "involvement": "monthly",
        "role_description": "イベント企画と会員対応を担当しています。",
        "event_examples": [{"title": "年次交流会", "held_on": today - timedelta(days=45), "attendance": 120}],
    }
    cases = [
        (
            "applicant-1",
            ("石川", "恵", "いしかわ", "めぐみ"),
            {
                "name_ja": "朝日エネルギー アルムナイ",
                "name_en": "Asahi Energy Alumni",
                "name_kana": "あさひえねるぎー",
                "company_name": "朝日エネルギー株式会社",
                "registered_members": 900,
                "events_last_12_months": 6,
            },
        ),
        (
            "applicant-2",
            ("前田", "俊", "まえだ", "しゅん"),
            {
                "name_ja": "若葉ソフトウェア OB会",
                "name_en": "Wakaba Software Alumni",
                "name_kana": "わかばそふとうぇあ",
                "company_name": "若葉ソフトウェア株式会社",
                "registered_members": 140,
                "events_last_12_months": 2,
                "governance_type": "independent",
                "liaison_department": "",
                "audience": "mixed",
            },
        ),
    ]
    for key, (family, given, fk, gk), fields in cases:
        user = person(f"{key}@{DEMO_DOMAIN}", family, given, fk, gk, Role.member)
        applications.submit_application(user, {**base, **fields})
    # One decided case, so that the precedent log has something to show.

    decided = person(f"applicant-4@{DEMO_DOMAIN}", "松本", "健", "まつもと", "けん", Role.member)
    case = applications.submit_application(
        decided,
        {
            **base,
            "name_ja": "光陽大学 社会人講座 修了生の会",
            "name_en": "Koyo University Extension Alumni",
            "name_kana": "こうようだいがく",
            "company_name": "光陽大学",
            "registered_members": 300,
            "events_last_12_months": 5,
            "membership_scope": "school",
        },
    )
    coordinator = db.session.scalar(select(User).where(User.email == f"coordinator@{DEMO_DOMAIN}"))
    applications.decide(
        coordinator,
        case,
        "reject",
        "今回は見送ります。企業・官公庁の卒業生の団体が対象です。",
        note="学校の修了生の会は企業アルムナイの基準2に当たらない（先例）",
    )
    existing = db.session.scalar(select(AlumniGroup).where(AlumniGroup.slug == "aoba-bank"))
    third = person(f"applicant-3@{DEMO_DOMAIN}", "藤田", "舞", "ふじた", "まい", Role.member)
    applications.submit_application(
        third,
        {
            **base,
            "group_id": existing.id,
            "registered_members": existing.registered_members,
            "events_last_12_months": 10,
        },
    )


# name, kana, organisation, title, industry, skills, bio, home group, needs
DIRECTORY_PEOPLE = [
    (
        ("岡田", "真由", "おかだ", "まゆ"),
        "株式会社ミライ投資",
        "パートナー",
        "金融",
        "投資 事業開発 M&A",
        "元銀行員。シード期のスタートアップへの投資と事業開発を支援しています。",
        "aoba-bank",
        [
            ("investment_fundraising", "offer", "シード〜シリーズAへの出資を検討できます"),
            ("networking", "ask", "製造業の新規事業担当の方とつながりたい"),
        ],
    ),
    (
        ("長谷川", "翼", "はせがわ", "つばさ"),
        "ネクストモビリティ株式会社",
        "代表取締役",
        "製造",
        "新規事業 EV ハードウェア",
        "自動車メーカー出身。EV 向け部品のスタートアップを起業しました。",
        "shinonome-motors",
        [
            ("investment_fundraising", "ask", "シリーズAの資金調達を準備中です"),
            ("entrepreneur_cofounder", "ask", "CTO 候補の共同創業者を探しています"),
        ],
    ),
    (
        ("村上", "彩香", "むらかみ", "あやか"),
        "フリーランス",
        "人事コンサルタント",
        "コンサルティング",
        "人事 採用 組織開発",
        "コンサルティング会社で人事制度設計を担当。現在は独立して採用支援をしています。",
        "toko-consulting",
        [
            ("job_hiring", "offer", "スタートアップの採用設計を支援できます"),
            ("learning_speaking", "offer", "人事制度をテーマに登壇できます"),
        ],
    ),
    (
        ("近藤", "大樹", "こんどう", "だいき"),
        "株式会社データブリッジ",
        "CTO",
        "IT",
        "データ分析 DX クラウド",
        "SIer 出身のエンジニア。製造業の DX を支えるプロダクトを開発しています。",
        "mirai-data",
        [
            ("entrepreneur_cofounder", "offer", "技術面での共同創業を検討できます"),
            ("sales_procurement", "ask", "製造業への販路を探しています"),
        ],
    ),
    (
        ("坂本", "菜々子", "さかもと", "ななこ"),
        "さくらリテールラボ",
        "ブランドマネージャー",
        "小売",
        "ブランディング PR 店舗開発",
        "百貨店で売場づくりを担当。現在は地方ブランドの立ち上げを支援中。",
        "sakura-dept",
        [
            ("pr", "offer", "地方ブランドの PR を手伝えます"),
            ("sales_procurement", "offer", "百貨店・小売への販路をご紹介できます"),
        ],
    ),
]


def _demo_directory(person) -> None:
    """Alumni with directory profiles, offers and asks that match each other."""
    from federation.models import GroupMembership
    from federation.services import directory

    for n, ((family, given, fk, gk), org, title, industry, skills, bio, slug, needs) in enumerate(
        DIRECTORY_PEOPLE, start=1
    ):
        user = person(f"alumni-{n}@{DEMO_DOMAIN}", family, given, fk, gk, Role.member)
        group = db.session.scalar(select(AlumniGroup).where(AlumniGroup.slug == slug))
        db.session.add(GroupMembership(group_id=group.id, user_id=user.id, year_left=2015 + n))
        db.session.flush()
        directory.update_profile(
            user,
            {
                "organisation": org,
                "title": title,
                "industries": [industry],
                "skills": skills,
                "bio": bio,
                "consent": True,
                "visibility": dict.fromkeys(directory.VISIBILITY_FIELDS, "federation"),
                "needs": [{"need": need, "side": side, "detail": detail} for need, side, detail in needs],
            },
        )


def _demo_events() -> None:
    """An upcoming co-hosted event with registrations, one proposed, one past."""
    from datetime import datetime, time, timedelta

    from federation.models import (
        EventAudience,
        EventFormat,
        EventHost,
        EventRegistration,
        EventStatus,
        HostStatus,
        JointEvent,
        RegistrationStatus,
        User,
        utcnow,
    )

    today = utcnow().astimezone(TOKYO).date()

    def at(days: int, hour: int) -> datetime:
        return datetime.combine(today + timedelta(days=days), time(hour), TOKYO)

    def group(slug):
        return db.session.scalar(select(AlumniGroup).where(AlumniGroup.slug == slug))

    specs = [
        (
            "toko-consulting",
            ["aoba-bank", "mirai-data"],
            EventStatus.published,
            21,
            "業界を越えた新規事業ピッチ＆交流会",
            "Cross-industry new-business pitch night",
            "3社のアルムナイが合同で開催する、新規事業のピッチと交流の夕べです。\n\n"
            "- 登壇: 卒業生起業家 3名\n- 懇親会あり（軽食付き）",
            EventFormat.hybrid,
            60,
            ["startup_supporter", "networking"],
        ),
        (
            "kofu-ad",
            ["sakura-dept"],
            EventStatus.proposed,
            35,
            "アルムナイ広報の始め方 勉強会",
            "Getting started with alumni PR",
            "広報・PR の実務を共有する運営者向けの勉強会です。",
            EventFormat.online,
            100,
            ["pr"],
        ),
        (
            "aoba-bank",
            ["hokuto-pharma"],
            EventStatus.completed,
            -30,
            "ヘルスケア×金融 キャリア交流会",
            "Healthcare x finance career meetup",
            "ヘルスケアと金融の卒業生がキャリアを語り合いました。",
            EventFormat.in_person,
            40,
            ["job_hiring", "networking"],
        ),
    ]
    from federation.models import GroupOperator

    people = list(
        db.session.scalars(select(User).where(User.email.like(f"%@{DEMO_DOMAIN}")).order_by(User.id))
    )
    home_group = dict(db.session.execute(select(GroupOperator.user_id, GroupOperator.group_id)).all())
    for lead, cohosts, status, days, title_ja, title_en, description, fmt, capacity, tags in specs:
        event = JointEvent(
            lead_group=group(lead),
            status=status,
            title_ja=title_ja,
            title_en=title_en,
            description_ja=description,
            format=fmt,
            starts_at=at(days, 19),
            ends_at=at(days, 21),
            place="" if fmt == EventFormat.online else "東京都千代田区 丸の内",
            online_url="" if fmt == EventFormat.in_person else "https://meet.example.jp/demo",
            capacity=capacity,
            audience=EventAudience.members,
            tags=tags,
            sequence=0,
        )
        for slug in [lead, *cohosts]:
            event.hosts.append(EventHost(group=group(slug), status=HostStatus.confirmed))
        db.session.add(event)
        if status in (EventStatus.published, EventStatus.completed):
            for n, user in enumerate(people[2:14]):
                db.session.add(
                    EventRegistration(
                        event=event,
                        user_id=user.id,
                        group_id=home_group.get(user.id),
                        status=RegistrationStatus.confirmed,
                        listed=n % 2 == 0,
                        queued_at=utcnow(),
                        checked_in_at=event.starts_at if status == EventStatus.completed and n % 4 else None,
                    )
                )
    db.session.flush()


def _demo_conference(reviewer=None) -> None:
    """Last year's conference as an archive (with content links), an edition
    whose (blind) review is open now with proposals to review, and next year's
    edition with its call for proposals open. Fictional."""
    from datetime import datetime, time, timedelta, timezone

    from federation.models import (
        ConferenceEdition,
        ConferenceSession,
        Proposal,
        ProposalFormat,
        ProposalSpeaker,
        ProposalStatus,
        User,
    )
    from federation.services.conferences import DEFAULT_CATEGORIES

    now = datetime.now(timezone.utc).replace(microsecond=0)
    today = now.astimezone(TOKYO).date()
    speakers = list(
        db.session.scalars(
            select(User).where(User.email.like(f"%-1@{DEMO_DOMAIN}")).order_by(User.id).limit(3)
        )
    )
    past_day = date(today.year - 1, 11, 14)
    past_at = datetime.combine(past_day, time(0), TOKYO)
    past = ConferenceEdition(
        year=past_day.year,
        theme_ja="アルムナイが企業の外に価値をつくる",
        theme_en="Alumni creating value beyond the company",
        starts_on=past_day,
        ends_on=past_day,
        place="丸の内カンファレンスホール（架空）",
        rooms=["ホールA", "ルームB"],
        tracks=["キャリア", "共創"],
        score_categories=[dict(c) for c in DEFAULT_CATEGORIES],
        proposals_open_at=past_at - timedelta(days=150),
        proposals_close_at=past_at - timedelta(days=120),
        review_open_at=past_at - timedelta(days=119),
        review_close_at=past_at - timedelta(days=100),
        registration_open_at=past_at - timedelta(days=90),
        registration_close_at=past_at - timedelta(days=1),
        capacity=300,
        sequence=0,
    )
    db.session.add(past)
    talks = [
        ("出戻り社員が拓く新規事業", "キャリア", "ホールA", 10),
        ("三社合同アルムナイ交流会の作り方", "共創", "ルームB", 10),
        ("卒業生ネットワークと採用の未来", "キャリア", "ホールA", 11),
    ]
    for index, (title, track, room, hour) in enumerate(talks):
        proposal = Proposal(
            edition=past,
            submitter=speakers[index % len(speakers)] if speakers else None,
            title=title,
            abstract="運営者の実践を共有しました（デモ用の架空の講演です）。",
            format=ProposalFormat.talk,
            length_minutes=50,
            language="ja",
            track=track,
            status=ProposalStatus.accepted,
            confirmed_at=past_at - timedelta(days=90),
        )
        if speakers:
            proposal.speakers.append(ProposalSpeaker(user=speakers[index % len(speakers)]))
        db.session.add(proposal)
        start = datetime.combine(past_day, time(hour), TOKYO)
        db.session.add(
            ConferenceSession(
                edition=past,
                proposal=proposal,
                room=room,
                starts_at=start,
                ends_at=start + timedelta(minutes=50),
                sequence=0,
                video_url=f"https://video.example.jp/conference/{past_day.year}/{index + 1}",
                graphic_recording_url=f"https://gr.example.jp/{past_day.year}/{index + 1}"
                if index == 0
                else "",
            )
        )
    review_day = today + timedelta(days=45)
    reviewing = ConferenceEdition(
        year=review_day.year,
        theme_ja="卒業生と企業の共創を測る",
        theme_en="Measuring co-creation between alumni and companies",
        starts_on=review_day,
        ends_on=review_day,
        place="日本橋カンファレンスセンター（架空）",
        rooms=["ホールA", "ルームB"],
        tracks=["キャリア", "共創"],
        score_categories=[dict(c) for c in DEFAULT_CATEGORIES],
        proposals_open_at=now - timedelta(days=40),
        proposals_close_at=now - timedelta(days=3),
        review_open_at=now - timedelta(days=2),
        review_close_at=now + timedelta(days=12),
        registration_open_at=now + timedelta(days=13),
        registration_close_at=datetime.combine(review_day, time(0), TOKYO) - timedelta(days=1),
        capacity=200,
        nomination_quota=2,
        blind_review=True,
        sequence=0,
    )
    db.session.add(reviewing)
    members = (
        list(
            db.session.scalars(
                select(User).where(User.email.like(f"alumni-%@{DEMO_DOMAIN}")).order_by(User.id).limit(3)
            )
        )
        or speakers
    )
    for index, (title, track) in enumerate(
        [
            ("アルムナイ施策の効果をどう測るか", "共創"),
            ("出戻り採用を増やした三つの工夫", "キャリア"),
            ("他社アルムナイと始める地域プロジェクト", "共創"),
        ]
    ):
        submitter = members[index % len(members)] if members else None
        proposal = Proposal(
            edition=reviewing,
            submitter=submitter,
            title=title,
            abstract="運営の実践を共有します（デモ用の架空の提案です）。",
            format=ProposalFormat.talk,
            length_minutes=30,
            language="ja",
            track=track,
            status=ProposalStatus.submitted,
        )
        if submitter is not None:
            proposal.speakers.append(ProposalSpeaker(user=submitter))
        db.session.add(proposal)
    if reviewer is not None:
        from federation.models import ConferenceReviewer

        db.session.flush()
        db.session.add(ConferenceReviewer(edition_id=reviewing.id, user_id=reviewer.id, invited_at=now))
    next_day = date(max(today.year + 1, review_day.year + 1), 11, 13)
    db.session.add(
        ConferenceEdition(
            year=next_day.year,
            theme_ja="越境する卒業生、つながる企業",
            theme_en="Alumni across borders, companies connected",
            starts_on=next_day,
            ends_on=next_day,
            place="丸の内カンファレンスホール（架空）",
            rooms=["ホールA", "ルームB", "ワークショップ室"],
            tracks=["キャリア", "共創", "運営"],
            score_categories=[dict(c) for c in DEFAULT_CATEGORIES],
            proposals_open_at=now - timedelta(days=1),
            proposals_close_at=now + timedelta(days=60),
            review_open_at=now + timedelta(days=61),
            review_close_at=now + timedelta(days=90),
            registration_open_at=now,
            registration_close_at=datetime.combine(next_day, time(0), TOKYO) - timedelta(days=1),
            capacity=300,
            nomination_quota=2,
            sequence=0,
        )
    )


# --- the knowledge hub (issue 16) ------------------------------------------------

DEMO_ARTICLES = [
    (
        "operations",
        "processes",
        "practice",
        ["company_hosted", "delegated", "company_backed"],
        [1, 2, 3],
        "参加承認のプロセス：質問項目と週2回の承認リズム",
        "Approving new members: the questions and a twice-weekly rhythm",
        "## なぜ承認制にするのか\n\n"
        "アルムナイコミュニティは「元社員であること」が信頼の土台です。参加申請を承認制にすることで、"
        "安心して情報や機会を共有できる場を保ちます。\n\n"
        "## 申請時の質問（3問）\n\n"
        "1. お名前（フルネーム）\n2. 在籍していた会社・部署と、退職した年\n"
        "3. 現在のお仕事（会社名・役割。差し支えない範囲で）\n\n"
        "## 承認のリズム\n\n"
        "- 承認担当は運営ボランティア2名。**毎週火曜と金曜**の夜に申請を確認します。\n"
        "- 2名とも在籍を確認できない場合は、人事のアルムナイ担当に照会します。\n"
        "- 申請から承認まで最長4日。申請者には「週2回確認しています」と事前に案内します。\n\n"
        "## 承認後\n\n"
        "承認したら、その日のうちに個別の歓迎メッセージ（テンプレートあり）を送り、"
        "自己紹介投稿をお願いします。",
    ),
    (
        "governance",
        "concept",
        "practice",
        [],
        [1, 2],
        "歓迎メッセージのテンプレート",
        "A welcome message template",
        "承認した方には、次のようなメッセージを個別にお送りしています。\n\n"
        "> ○○さん、アルムナイコミュニティへようこそ！運営の△△です。\n"
        "> まずは設立趣意書をご一読ください（リンク）。\n"
        "> よろしければ、自己紹介スレッドに「在籍時の部署・現在のお仕事・このコミュニティで"
        "やってみたいこと」を投稿していただけると嬉しいです。\n\n"
        "ポイント：**名前を入れて個別に送る**こと。一斉送信より自己紹介の投稿率が高くなります。",
    ),
    (
        "governance",
        "concept",
        "public",
        [],
        [1, 2, 3],
        "設立趣意書のつくり方",
        "Writing a founding statement",
        "設立趣意書は、コミュニティが「何のために、誰のために」あるのかを言葉にしたものです。\n\n"
        "## 盛り込む項目\n\n"
        "- 目的：元社員同士、そして会社との関係をどう豊かにしたいか\n"
        "- 対象：参加できる人（元社員・グループ会社出身者など）\n"
        "- 大切にすること：営業目的の勧誘をしない、個人情報を守る\n"
        "- 運営体制：運営メンバーと会社の窓口（アルムナイ担当部署）\n\n"
        "雛形を添付する場合は Word か PDF で共有すると、各社で書き換えやすくなります。",
    ),
    (
        "governance",
        "guidelines",
        "members",
        ["company_hosted", "delegated"],
        [2, 3, 4],
        "コミュニティガイドライン（行動規範）の例",
        "An example of community guidelines",
        "## 基本方針\n\n"
        "1. 相手への敬意：在籍時の肩書きに関係なく、対等に接します。\n"
        "2. 勧誘の禁止：許可のない営業・採用・投資の勧誘はご遠慮ください。\n"
        "3. 守秘：在籍企業の機密情報、他の参加者の個人情報を持ち出しません。\n"
        "4. 違反への対応：運営が注意し、繰り返す場合は退会をお願いすることがあります。\n\n"
        "ガイドラインは参加承認時に同意を得て、年1回見直します。",
    ),
    (
        "activation",
        "event_planning",
        "members",
        [],
        [2, 3, 4, 5],
        "合同イベント開催チェックリスト",
        "A checklist for joint events",
        "複数のアルムナイ団体で合同イベントを開くときの確認項目です。\n\n"
        "## 2か月前\n\n- 共催団体と目的・対象者・定員をすり合わせる\n- 会場（相互利用できる会場）を仮押さえ\n\n"
        "## 1か月前\n\n- 告知文を各団体の PR チャネルで共有\n- 登壇者の同意と資料の公開可否を確認\n\n"
        "## 1週間前\n\n- 参加者名簿の共有範囲を確認（個人情報）\n- 受付と当日の役割分担\n\n"
        "## 当日・事後\n\n- 出欠の記録\n- アンケートと成果（商談・採用・協業）の記録\n- コンテンツ化（動画・記事・グラレコ）",
    ),
    (
        "mindset",
        "",
        "practice",
        [],
        [1],
        "運営者が一人で抱え込まないために",
        "Not carrying it alone",
        "運営者が一人で考え続けると、いつか行き詰まります。それが続くと心が折れ、コミュニティも終わってしまいます。\n\n"
        "- 月に一度、他の団体の運営者と壁打ちする時間をとる\n- 運営メンバーを2人以上にする\n"
        "- 「やらないこと」を決める",
    ),
]


def _demo_knowledge(person) -> str:
    """Articles from the domain brief, a textbook, helpers, a practice member
    and consultations, in Japanese."""
    from federation.models import (
        Article,
        ArticleVersion,
        ArticleVisibility,
        Consultation,
        ConsultationReply,
        ConsultationSpace,
        ConsultationStatus,
        GroupOperator,
        KnowledgeCategory,
        KnowledgeHelper,
        PracticeMembership,
        TextbookChapter,
        TextbookEntry,
        User,
    )
    from federation.services.knowledge import index

    author = db.session.scalar(
        select(User).join(GroupOperator, GroupOperator.user_id == User.id).order_by(User.id).limit(1)
    )
    made = []
    for category, topic, visibility, governance, levels, title_ja, title_en, body in DEMO_ARTICLES:
        article = Article(
            title_ja=title_ja,
            title_en=title_en,
            body_ja=body,
            body_en="",
            category=KnowledgeCategory(category),
            topic=topic,
            governance_types=governance,
            maturity_levels=levels,
            visibility=ArticleVisibility(visibility),
            author_id=author.id,
            version=1,
        )
        db.session.add(article)
        db.session.flush()
        db.session.add(
            ArticleVersion(
                article_id=article.id,
                number=1,
                title_ja=title_ja,
                title_en=title_en,
                body_ja=body,
                body_en="",
                category=article.category,
                topic=topic,
                governance_types=governance,
                maturity_levels=levels,
                visibility=article.visibility,
                author_id=author.id,
                created_at=utcnow(),
            )
        )
        index.index_article(article)
        made.append(article)
    chapters = [
        ("はじめの一歩", "First steps", [5, 2, 0]),
        ("運営の型をつくる", "Building the way you run", [1, 3]),
        ("活性化と合同イベント", "Activation and joint events", [4]),
    ]
    for position, (title_ja, title_en, picks) in enumerate(chapters, start=1):
        chapter = TextbookChapter(position=position, title_ja=title_ja, title_en=title_en)
        db.session.add(chapter)
        for order, pick in enumerate(picks, start=1):
            chapter.entries.append(TextbookEntry(article_id=made[pick].id, position=order))
    operators = db.session.scalars(
        select(User).join(GroupOperator, GroupOperator.user_id == User.id).order_by(User.id).limit(4)
    ).all()
    for user, categories in zip(
        operators,
        (["operations", "governance"], ["activation"], ["promotion", "activation"], ["mindset"]),
        strict=False,
    ):
        db.session.add(KnowledgeHelper(user_id=user.id, categories=categories))
    beginner = person(f"practice@{DEMO_DOMAIN}", "練習", "みのり", "れんしゅう", "みのり", Role.member)
    db.session.add(
        PracticeMembership(
            user_id=beginner.id,
            group_name="若葉フーズ 卒業生の会（準備中）",
            company_name="若葉フーズ株式会社",
            governance_type=GovernanceType.independent,
            registered_members=35,
            events_last_12_months=1,
        )
    )
    asker = operators[1] if len(operators) > 1 else author
    group = db.session.scalar(
        select(AlumniGroup).join(GroupOperator).where(GroupOperator.user_id == asker.id).limit(1)
    )
    consultation = Consultation(
        asker_id=asker.id,
        group_id=group.id,
        space=ConsultationSpace.federation,
        category=KnowledgeCategory.activation,
        status=ConsultationStatus.open,
        title="2回目以降の参加者が減っています",
        context={
            "group": group.name_ja,
            "governance_type": group.governance_type.value,
            "maturity_level": group.maturity_level,
            "registered_members": group.registered_members,
        },
        body="初回の交流会には80人来たのですが、2回目は30人でした。リピートしてもらうために"
        "どんな工夫をしていますか？",
    )
    db.session.add(consultation)
    db.session.flush()
    db.session.add(
        ConsultationReply(
            consultation_id=consultation.id,
            author_id=operators[0].id,
            created_at=utcnow(),
            body="うちでは初回参加者に翌週お礼のメッセージを送り、分科会に誘っています。"
            "テーマ別の小さな集まりのほうがリピートしやすいです。",
        )
    )
    db.session.flush()
    db.session.refresh(consultation, ["replies"])
    index.index_consultation(consultation)
    practice_question = Consultation(
        asker_id=beginner.id,
        space=ConsultationSpace.practice,
        category=KnowledgeCategory.governance,
        status=ConsultationStatus.open,
        title="会社に公認してもらうには何から始めればよいですか",
        context={
            "group": "若葉フーズ 卒業生の会（準備中）",
            "governance_type": "independent",
            "maturity_level": 1,
            "registered_members": 35,
        },
        body="有志で35人集まりました。人事部に相談したいのですが、最初に何を準備すべきでしょうか。",
    )
    db.session.add(practice_question)
    db.session.flush()
    index.index_consultation(practice_question)
    return beginner.email
