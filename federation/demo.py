"""A realistic demo federation. Every company and person here is fictional."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from federation.extensions import db
from federation.models import AlumniGroup, GovernanceType, Role
from federation.services import accounts, groups

G = GovernanceType

# slug, name_ja, name_en, kana, company, founded, governance, maturity, members, public, description
GROUPS = [
    ("toko-consulting", "東光コンサルティング アルムナイ", "Toko Consulting Alumni", "とうこうこんさるてぃんぐ",
     "東光コンサルティング株式会社", date(2016, 4, 1), G.company_hosted, 4, 2100, True,
     "戦略・業務コンサルタントの卒業生ネットワーク。分科会が自走し、年2回の大型交流会を開催。"),
    ("mirai-data", "未来データシステムズ OB・OG会", "Mirai Data Systems Alumni", "みらいでーたしすてむず",
     "未来データシステムズ株式会社", date(2018, 10, 1), G.delegated, 3, 1450, True,
     "SIer・クラウド事業の卒業生が集う会。出戻り採用と協業案件の紹介が活発です。"),
    ("taiyo-shoji", "大洋商事 アルムナイネットワーク", "Taiyo Shoji Alumni Network", "たいようしょうじ",
     "大洋商事株式会社", date(2019, 6, 1), G.company_backed, 3, 1800, False,
     "総合商社の卒業生による、事業投資・スタートアップ支援の相互紹介コミュニティ。"),
    ("sangyo-shinko", "産業振興庁 卒業生の会", "Industrial Promotion Agency Alumni", "さんぎょうしんこうちょう",
     "産業振興庁", date(2020, 1, 15), G.company_backed, 2, 620, False,
     "官公庁の卒業生が、民間・起業・行政の橋渡し役として知見を共有します。"),
    ("sakura-dept", "さくら百貨店 卒業生コミュニティ", "Sakura Department Store Alumni", "さくらひゃっかてん",
     "株式会社さくら百貨店", date(2021, 3, 1), G.delegated, 2, 980, True,
     "小売・接客の現場を知る卒業生が、新規事業やブランドづくりで協業しています。"),
    ("aoba-bank", "青葉銀行 アルムナイ", "Aoba Bank Alumni", "あおばぎんこう",
     "株式会社青葉銀行", date(2017, 9, 1), G.company_hosted, 5, 3200, True,
     "金融出身者による出資・資金調達の相談会と、地域企業とのマッチングが好評です。"),
    ("hokuto-pharma", "北斗製薬 OB・OGネットワーク", "Hokuto Pharmaceutical Alumni", "ほくとせいやく",
     "北斗製薬株式会社", date(2020, 7, 1), G.company_backed, 3, 1100, False,
     "研究・開発・MR出身者が、ヘルスケア領域の起業と人材交流を支えあう会。"),
    ("shinonome-motors", "東雲モーターズ アルムナイ", "Shinonome Motors Alumni", "しののめもーたーず",
     "東雲モーターズ株式会社", date(2022, 2, 1), G.delegated, 2, 1350, False,
     "モビリティ産業の卒業生が、サプライヤー・スタートアップとの共創を進めています。"),
    ("kofu-ad", "光風広告 卒業生ネットワーク", "Kofu Advertising Alumni", "こうふうこうこく",
     "光風広告株式会社", date(2015, 11, 1), G.company_backed, 4, 2500, True,
     "広告・クリエイティブ出身者による、PR・コンテンツ制作の相互支援ネットワーク。"),
    ("shirasagi-denki", "白鷺電機 アルムナイクラブ", "Shirasagi Electric Alumni Club", "しらさぎでんき",
     "白鷺電機株式会社", date(2018, 4, 1), G.company_hosted, 3, 2800, False,
     "電機メーカーの卒業生が、ものづくり・技術顧問・登壇で後進を支えています。"),
    ("suiran-hd", "翠嵐ホールディングス アルムナイ", "Suiran Holdings Alumni", "すいらんほーるでぃんぐす",
     "翠嵐ホールディングス株式会社（グループ各社を含む）", date(2023, 5, 1), G.delegated, 1, 540, False,
     "グループ横断の卒業生コミュニティ。立ち上げ2年目、運営チームを拡大中です。"),
    ("ginga-games", "銀河ゲームス 卒業生の会", "Ginga Games Alumni", "ぎんがげーむす",
     "株式会社銀河ゲームス", date(2019, 12, 1), G.company_backed, 3, 760, True,
     "ゲーム・エンタメ業界の卒業生による、起業家と共同創業者のマッチングの場。"),
]

# family, given, family kana, given kana (two operators per group)
OPERATOR_NAMES = [
    ("佐藤", "美咲", "さとう", "みさき"), ("鈴木", "健太", "すずき", "けんた"),
    ("高橋", "陽菜", "たかはし", "ひな"), ("田中", "翔", "たなか", "しょう"),
    ("伊藤", "結衣", "いとう", "ゆい"), ("渡辺", "大輔", "わたなべ", "だいすけ"),
    ("山本", "葵", "やまもと", "あおい"), ("中村", "拓海", "なかむら", "たくみ"),
    ("小林", "さくら", "こばやし", "さくら"), ("加藤", "蓮", "かとう", "れん"),
    ("吉田", "優奈", "よしだ", "ゆうな"), ("山田", "健一", "やまだ", "けんいち"),
    ("佐々木", "彩", "ささき", "あや"), ("山口", "直樹", "やまぐち", "なおき"),
    ("松本", "真央", "まつもと", "まお"), ("井上", "亮", "いのうえ", "りょう"),
    ("木村", "七海", "きむら", "ななみ"), ("林", "隼人", "はやし", "はやと"),
    ("清水", "楓", "しみず", "かえで"), ("山崎", "悠斗", "やまざき", "ゆうと"),
    ("森", "千尋", "もり", "ちひろ"), ("池田", "航", "いけだ", "わたる"),
    ("橋本", "萌", "はしもと", "もえ"), ("阿部", "慎也", "あべ", "しんや"),
]

DEMO_DOMAIN = "demo.federation.example.jp"


def load_demo(password: str) -> list[tuple[str, str]]:
    """Create the demo federation; return (role, email) logins. Idempotent."""
    if db.session.scalar(select(AlumniGroup.id).limit(1)) is not None:
        return []
    logins: list[tuple[str, str]] = []

    def person(email, family, given, fk, gk, role, locale="ja"):
        user = accounts.register_user(
            email=email, password=password, family_name=family, given_name=given,
            family_name_kana=fk, given_name_kana=gk, locale=locale, role=role, verified=True,
        )
        return user

    person(f"admin@{DEMO_DOMAIN}", "管理", "太郎", "かんり", "たろう", Role.admin)
    logins.append(("admin", f"admin@{DEMO_DOMAIN}"))
    person(f"coordinator@{DEMO_DOMAIN}", "調整", "花子", "ちょうせい", "はなこ", Role.coordinator)
    logins.append(("coordinator", f"coordinator@{DEMO_DOMAIN}"))

    names = iter(OPERATOR_NAMES)
    for index, (slug, name_ja, name_en, kana, company, founded, governance, maturity,
                members, public, description) in enumerate(GROUPS):
        group = AlumniGroup(
            slug=slug, name_ja=name_ja, name_en=name_en, name_kana=kana, company_name=company,
            founded_on=founded, governance_type=governance, maturity_level=maturity,
            registered_members=members, is_public=public, description=description,
        )
        db.session.add(group)
        for n in range(2):
            family, given, fk, gk = next(names)
            email = f"{slug}-{n + 1}@{DEMO_DOMAIN}"
            user = person(email, family, given, fk, gk, Role.operator,
                          locale="en" if index % 5 == 4 and n == 1 else "ja")
            groups.add_operator(group, user)
            if index == 0 and n == 0:
                logins.append(("operator", email))
    person(f"member@{DEMO_DOMAIN}", "会員", "一郎", "かいいん", "いちろう", Role.member)
    logins.append(("member", f"member@{DEMO_DOMAIN}"))
    db.session.flush()
    return logins
