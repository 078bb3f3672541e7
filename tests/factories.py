"""Builders of realistic test data. Each returns committed records."""
from __future__ import annotations

import itertools
from datetime import date

from federation.extensions import db
from federation.models import AlumniGroup, GovernanceType, Role, User
from federation.services import accounts, groups

PASSWORD = "correct horse battery"

_FAMILY = [("山田", "やまだ"), ("佐藤", "さとう"), ("鈴木", "すずき"), ("高橋", "たかはし"),
           ("田中", "たなか"), ("伊藤", "いとう"), ("渡辺", "わたなべ"), ("中村", "なかむら")]
_GIVEN = [("花子", "はなこ"), ("太郎", "たろう"), ("美咲", "みさき"), ("健太", "けんた"),
          ("陽菜", "ひな"), ("翔", "しょう")]


class Factory:
    def __init__(self, app):
        self.app = app
        self.seq = itertools.count(1)

    def user(self, email: str | None = None, role: Role = Role.member, verified: bool = True,
             locale: str = "ja", password: str = PASSWORD, **names) -> User:
        n = next(self.seq)
        family, family_kana = _FAMILY[n % len(_FAMILY)]
        given, given_kana = _GIVEN[n % len(_GIVEN)]
        user = accounts.register_user(
            email=email or f"person{n}@alumni.example.jp", password=password,
            family_name=names.get("family_name", family),
            given_name=names.get("given_name", given),
            family_name_kana=names.get("family_name_kana", family_kana),
            given_name_kana=names.get("given_name_kana", given_kana),
            locale=locale, role=role, verified=verified,
        )
        db.session.commit()
        return user

    def group(self, slug: str | None = None, operators: tuple[User, ...] = (), **fields) -> AlumniGroup:
        n = next(self.seq)
        group = AlumniGroup(
            slug=slug or f"group-{n}",
            name_ja=fields.pop("name_ja", f"テスト商事{n} アルムナイ"),
            name_en=fields.pop("name_en", f"Test Trading {n} Alumni"),
            name_kana=fields.pop("name_kana", f"てすとしょうじ{n}"),
            company_name=fields.pop("company_name", f"テスト商事{n}株式会社"),
            founded_on=fields.pop("founded_on", date(2019, 4, 1)),
            governance_type=fields.pop("governance_type", GovernanceType.company_backed),
            maturity_level=fields.pop("maturity_level", 3),
            registered_members=fields.pop("registered_members", 800),
            **fields,
        )
        db.session.add(group)
        for operator in operators:
            groups.add_operator(group, operator)
        db.session.commit()
        return group

    # --- who is a member (issue 12) --------------------------------------------

    def member(self, group: AlumniGroup | None = None, **kwargs) -> User:
        """A member of the federation: a verified account with an accepted
        membership of `group` (by default one shared, non-public home group)."""
        from federation.models import GroupMembership, utcnow

        user = self.user(**kwargs)
        group = group or self.home_group()
        db.session.add(GroupMembership(group_id=group.id, user_id=user.id, verified_at=utcnow()))
        db.session.commit()
        return user

    def home_group(self) -> AlumniGroup:
        if getattr(self, "_home_group", None) is None:
            self._home_group = self.group(slug="home-alumni", name_kana="んほーむ")
        return self._home_group

    def join_request(self, group: AlumniGroup, user: User | None = None, **answers):
        """A pending request to join `group`, answering the default questions."""
        from federation.services import membership

        user = user or self.user()
        values = {"full_name": user.display_name, "birth_date": "1985-04-01",
                  "company_left": "営業部 2019年3月退職", "current_job": "事業開発"}
        values.update(answers)
        row = membership.ask_to_join(user, group, values)
        db.session.commit()
        return row

    # --- registry and shared assets (issue 4) -----------------------------------

    ALL_WEEK = [{"weekday": d, "start": "09:00", "end": "21:00"} for d in range(7)]

    def asset(self, group: AlumniGroup, kind: str = "venue", **fields):
        from federation.models import AssetKind, AssetStatus, SharedAsset, utcnow

        n = next(self.seq)
        kind = AssetKind(kind)
        defaults = {
            AssetKind.venue: dict(title=f"本社セミナールーム{n}", area="東京都千代田区",
                                  address="丸の内1-1-1", capacity=80,
                                  availability=list(self.ALL_WEEK), blocked_dates=[]),
            AssetKind.pr_channel: dict(title=f"公式メールマガジン{n}", channel_type="newsletter",
                                       reach=1500, audience="卒業生"),
            AssetKind.content: dict(title=f"グラレコ制作{n}", content_type="graphic_recording",
                                    turnaround_days=7),
            AssetKind.speaker: dict(title=f"新規事業の立ち上げ{n}", speaker_name="星野 光",
                                    speaker_name_kana="ほしの ひかる", topics="新規事業 DX",
                                    languages="日本語 English",
                                    consent_confirmed_at=utcnow()),
        }[kind]
        values = {**defaults, **fields}
        for key in ("channel_type", "content_type"):
            if isinstance(values.get(key), str):
                from federation.models import ChannelType, ContentType
                values[key] = (ChannelType if key == "channel_type" else ContentType)(values[key])
        asset = SharedAsset(group=group, kind=kind, status=values.pop("status", AssetStatus.active),
                            **values)
        db.session.add(asset)
        db.session.commit()
        return asset

    def asset_request(self, asset, requester_group: AlumniGroup, by: User, starts_at=None,
                      ends_at=None, status: str = "pending", message: str = "使わせてください"):
        from federation.models import AssetRequest, RequestStatus

        row = AssetRequest(asset=asset, requester_group=requester_group, requested_by=by,
                           starts_at=starts_at, ends_at=ends_at, message=message,
                           status=RequestStatus(status))
        db.session.add(row)
        db.session.commit()
        return row
    # --- operator applications (issue 3) ---------------------------------------

    @staticmethod
    def evidence(**overrides) -> dict:
        """Evidence that passes all five criteria with the default settings."""
        from datetime import timedelta

        today = date.today()
        data = {
            "group_id": None,
            "name_ja": "東光コンサルティング アルムナイ", "name_en": "Toko Consulting Alumni",
            "name_kana": "とうこうこんさるてぃんぐ", "company_name": "東光コンサルティング株式会社",
            "founded_on": date(2018, 4, 1), "platforms": "Facebook group, Slack",
            "registered_members": 1200, "members_counted_on": today - timedelta(days=30),
            "events_last_12_months": 8,
            "event_examples": [{"title": "新春交流会", "held_on": today - timedelta(days=60),
                                "attendance": 80}],
            "governance_type": "delegated", "liaison_department": "人事部 アルムナイ担当",
            "liaison_email": "", "membership_scope": "company", "admits_outsiders": False,
            "audience": "working", "purpose": "co_creation",
            "operating_since": today - timedelta(days=700), "involvement": "monthly",
            "role_description": "企画と広報を担当しています。",
        }
        data.update(overrides)
        return data

    def application(self, applicant: User | None = None, **overrides):
        from federation.services import applications

        applicant = applicant or self.user()
        with self.app.test_request_context():
            application = applications.submit_application(applicant,
                                                          self.evidence(**overrides))
            db.session.commit()
        return application

    # --- co-creation directory (issue 6) ----------------------------------------

    def alumnus(self, group: AlumniGroup, user: User | None = None, **profile) -> User:
        """A verified alumnus/alumna of the group with a directory profile."""
        from federation.models import GroupMembership, utcnow
        from federation.services import directory

        user = user or self.user()
        db.session.add(GroupMembership(group_id=group.id, user_id=user.id, verified_at=utcnow()))
        db.session.flush()
        with self.app.test_request_context():
            directory.update_profile(user, profile)
        db.session.commit()
        return user

    @staticmethod
    def shared(**levels) -> dict:
        """Visibility with every field shared to the federation, and consent."""
        from federation.services.directory import VISIBILITY_FIELDS

        return {"visibility": {f: levels.get(f, "federation") for f in VISIBILITY_FIELDS},
                "consent": True}
    # --- joint events (issue 5) -------------------------------------------------

    def event(self, lead, *, cohosts=(), status: str = "published", capacity: int = 50,
              audience: str = "members", days: int = 10, by: User | None = None,
              quotas: dict | None = None, **fields):
        """A joint event led by `lead`, co-hosted (confirmed) by `cohosts`."""
        from datetime import datetime, timedelta, timezone

        from federation.models import (EventAudience, EventFormat, EventHost, EventStatus,
                                       HostStatus, JointEvent)

        n = next(self.seq)
        start = fields.pop("starts_at", None) or (
            datetime.now(timezone.utc) + timedelta(days=days)).replace(microsecond=0)
        event = JointEvent(
            lead_group=lead, created_by=by, status=EventStatus(status),
            title_ja=fields.pop("title_ja", f"合同交流会{n}"),
            title_en=fields.pop("title_en", f"Joint meetup {n}"),
            description_ja=fields.pop("description_ja", "**業界を越えた**交流会です。"),
            format=EventFormat(fields.pop("format", "hybrid")), starts_at=start,
            ends_at=fields.pop("ends_at", None) or start + timedelta(hours=2),
            online_url=fields.pop("online_url", "https://meet.example.jp/secret-room"),
            place=fields.pop("place", "丸の内ホール 3F"), capacity=capacity,
            audience=EventAudience(audience), tags=fields.pop("tags", ["networking"]),
            sequence=0, **fields)
        quotas = quotas or {}
        for group in (lead, *cohosts):
            event.hosts.append(EventHost(group=group, status=HostStatus.confirmed,
                                         seat_quota=quotas.get(group.slug)))
        db.session.add(event)
        db.session.commit()
        return event

    def registration(self, event, user: User, status: str = "confirmed", group=None,
                     listed: bool = False, checked_in: bool = False):
        from federation.models import EventRegistration, RegistrationStatus, utcnow

        row = EventRegistration(event=event, user=user, status=RegistrationStatus(status),
                                group=group, listed=listed, queued_at=utcnow(),
                                checked_in_at=utcnow() if checked_in else None)
        db.session.add(row)
        db.session.commit()
        return row
    # --- the annual conference (issue 7) ----------------------------------------

    def edition(self, year: int = 2031, *, phase: str = "proposals", capacity: int = 100,
                by: User | None = None, **fields):
        """An edition whose windows put it in `phase` now: proposals, review,
        decided (review over, registration open) or past (the archive)."""
        from datetime import datetime, timedelta, timezone

        from federation.models import ConferenceEdition
        from federation.services.conferences import DEFAULT_CATEGORIES

        now = datetime.now(timezone.utc).replace(microsecond=0)
        day = timedelta(days=1)
        offsets = {  # (proposals open, review open) relative to now, in days
            "proposals": (-1, 5), "review": (-10, -1), "decided": (-20, -10),
            "past": (-400, -390)}[phase]
        p_open = now + offsets[0] * day
        r_open = now + offsets[1] * day
        r_close = r_open + 4 * day if phase != "review" else now + 4 * day
        p_close = min(p_open + 5 * day, r_open + 2 * day) if phase != "proposals" \
            else now + 4 * day
        first = (r_close + 30 * day).astimezone(timezone(timedelta(hours=9))).date()
        edition = ConferenceEdition(
            year=year, theme_ja=fields.pop("theme_ja", "アルムナイがつなぐ次の一歩"),
            theme_en=fields.pop("theme_en", "Alumni: the next step together"),
            starts_on=fields.pop("starts_on", first), ends_on=fields.pop("ends_on", first),
            place=fields.pop("place", "丸の内ホール"),
            rooms=fields.pop("rooms", ["Hall A", "Room B"]),
            tracks=fields.pop("tracks", ["キャリア", "共創"]),
            score_categories=fields.pop("score_categories", [dict(c) for c in DEFAULT_CATEGORIES]),
            proposals_open_at=p_open, proposals_close_at=p_close,
            review_open_at=r_open, review_close_at=r_close,
            registration_open_at=fields.pop("registration_open_at", now - day),
            registration_close_at=fields.pop("registration_close_at", now + 20 * day),
            capacity=capacity, nomination_quota=fields.pop("nomination_quota", 1),
            blind_review=fields.pop("blind_review", True), sequence=0,
            created_by_id=by.id if by else None, **fields)
        db.session.add(edition)
        db.session.commit()
        return edition

    def proposal(self, edition, submitter: User, *, status: str = "submitted", speakers=(),
                 title: str | None = None, **fields):
        from federation.models import (Proposal, ProposalFormat, ProposalSpeaker,
                                       ProposalStatus)

        n = next(self.seq)
        proposal = Proposal(edition=edition, submitter=submitter, title=title or f"登壇案{n}",
                            abstract=fields.pop("abstract", "アルムナイ活動の実践知を共有します。"),
                            format=ProposalFormat(fields.pop("format", "talk")),
                            length_minutes=fields.pop("length_minutes", 30),
                            language=fields.pop("language", "ja"),
                            track=fields.pop("track", "キャリア"),
                            status=ProposalStatus(status), **fields)
        for speaker in speakers or (submitter,):
            if isinstance(speaker, User):
                proposal.speakers.append(ProposalSpeaker(user=speaker))
            else:
                proposal.speakers.append(ProposalSpeaker(asset=speaker))
        db.session.add(proposal)
        db.session.commit()
        return proposal
