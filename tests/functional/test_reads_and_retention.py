"""Issue 12: reads of personal data are recorded (and reported per reader for
the APPI), and closed records lose their personal fields after the periods."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from federation.extensions import db
from federation.models import (AlumniInvitation, ApplicationStatus, DirectoryProfile,
                               OperatorApplication, PersonalDataRead, ReadKind, Role, utcnow)


def _profile_id(user):
    return db.session.scalar(select(DirectoryProfile.id).where(DirectoryProfile.user_id == user.id))


def _reads():
    return [(r.reader_id, r.subject_id, r.kind) for r in
            db.session.scalars(select(PersonalDataRead).order_by(PersonalDataRead.id))]


def test_profile_attendee_list_and_application_reads_are_recorded(client, make, login):
    group = make.group(slug="a")
    aya = make.alumnus(group, make.user(email="aya@example.jp"), **make.shared())
    reader = make.alumnus(group, make.user(email="reader@example.jp"))
    login(reader)
    assert client.get(f"/directory/{_profile_id(aya)}").status_code == 200
    assert _reads() == [(reader.id, aya.id, ReadKind.directory_profile)]
    # Reading one's own profile is not a read of someone else's data.
    client.get(f"/directory/{_profile_id(reader)}")
    assert len(_reads()) == 1
    client.post("/auth/logout")

    operator = make.user(role=Role.operator, email="op@example.jp")
    host = make.group(slug="host", operators=(operator,))
    event = make.event(host)
    guests = [make.user(email=f"guest{n}@example.jp") for n in range(3)]
    for guest in guests:
        make.registration(event, guest, group=host)
    login(operator)
    assert client.get(f"/events/{event.id}/attendees").status_code == 200
    listed = {(r, s) for r, s, k in _reads() if k == ReadKind.attendee_list}
    assert listed == {(operator.id, g.id) for g in guests}
    client.post("/auth/logout")

    application = make.application()
    coordinator = make.user(role=Role.coordinator, email="coord@example.jp")
    login(coordinator)
    assert client.get(f"/applications/{application.id}").status_code == 200
    assert (coordinator.id, application.applicant_id, ReadKind.application) in _reads()


def test_cli_reports_whose_records_an_account_read_between_two_dates(runner, make, client, login):
    group = make.group(slug="a")
    aya = make.alumnus(group, make.user(email="aya@example.jp", family_name="綾部"), **make.shared())
    ben = make.alumnus(group, make.user(email="ben@example.jp", family_name="紅林"), **make.shared())
    reader = make.alumnus(group, make.user(email="reader@example.jp"))
    login(reader)
    client.get(f"/directory/{_profile_id(aya)}")
    client.get(f"/directory/{_profile_id(aya)}")
    client.get(f"/directory/{_profile_id(ben)}")
    # Ben's read was long ago: outside the period asked about.
    old = db.session.scalar(select(PersonalDataRead).where(PersonalDataRead.subject_id == ben.id))
    old.read_at = datetime(2020, 1, 5, tzinfo=timezone.utc)
    db.session.commit()
    today = utcnow().astimezone(timezone(timedelta(hours=9))).date()
    since, until = (today - timedelta(days=1)).isoformat(), (today + timedelta(days=1)).isoformat()
    result = runner.invoke(args=["privacy", "reads", "--account", "reader@example.jp",
                                 "--since", since, "--until", until])
    assert result.exit_code == 0, result.output
    assert "aya@example.jp" in result.output and "ben@example.jp" not in result.output
    assert "\t2\t" in result.output and "1 person(s)." in result.output
    result = runner.invoke(args=["privacy", "reads", "--account", "reader@example.jp",
                                 "--since", "2020-01-01", "--until", "2020-02-01", "--json"])
    assert '"email": "ben@example.jp"' in result.output and "aya@" not in result.output
    unknown = runner.invoke(args=["privacy", "reads", "--account", "nobody@example.jp",
                                  "--since", since, "--until", until])
    assert unknown.exit_code != 0


def test_retention_erases_closed_records_after_their_periods(app, make, runner):
    from federation.models import GroupEndorsement

    now = utcnow()
    old_rejected = make.application(liaison_email="hr-old@corp.example.jp")
    recent_rejected = make.application(liaison_email="hr-new@corp.example.jp")
    old_pending = make.application(liaison_email="hr-pending@corp.example.jp")
    for application, status, age in ((old_rejected, ApplicationStatus.rejected, 400),
                                     (recent_rejected, ApplicationStatus.rejected, 10),
                                     (old_pending, ApplicationStatus.pending, 400)):
        application.status = status
        application.decided_at = now - timedelta(days=age) if status != ApplicationStatus.pending else None
        application.submitted_at = now - timedelta(days=age)
    group = make.group(slug="a")
    expired = AlumniInvitation(group_id=group.id, email="gone@example.jp", family_name="山田",
                               given_name="花子", family_name_kana="やまだ", given_name_kana="はなこ",
                               organisation="東光商事", year_left=2019, token_hash="a" * 64,
                               expires_at=now - timedelta(days=60))
    expired_too = AlumniInvitation(group_id=group.id, email="gone2@example.jp", family_name="川田",
                                   given_name="一郎", token_hash="b" * 64,
                                   expires_at=now - timedelta(days=90))
    fresh = AlumniInvitation(group_id=group.id, email="soon@example.jp", family_name="森",
                             given_name="葵", token_hash="c" * 64, expires_at=now + timedelta(days=3))
    db.session.add_all([expired, expired_too, fresh])
    db.session.commit()

    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "closed_applications: 1 erased" in result.output
    assert "expired_invitations: 2 erased" in result.output
    db.session.expire_all()
    assert db.session.get(OperatorApplication, old_rejected.id).liaison_email == ""
    assert db.session.get(OperatorApplication, recent_rejected.id).liaison_email == "hr-new@corp.example.jp"
    assert db.session.get(OperatorApplication, old_pending.id).liaison_email == "hr-pending@corp.example.jp"
    assert all(e.liaison_email == "" for e in db.session.scalars(select(GroupEndorsement).where(
        GroupEndorsement.application_id == old_rejected.id)))
    gone = db.session.get(AlumniInvitation, expired.id)
    assert (gone.family_name, gone.organisation, gone.year_left) == ("", "", None)
    assert "gone@" not in gone.email
    assert db.session.get(AlumniInvitation, fresh.id).email == "soon@example.jp"
    # Run again: nothing left to do.
    again = runner.invoke(args=["privacy", "purge"])
    assert "closed_applications: 0 erased" in again.output and "expired_invitations: 0 erased" in again.output


def test_retention_periods_come_from_the_configuration(app, make):
    from federation.services.retention import RULES, purge_expired_personal_data

    application = make.application(liaison_email="hr@corp.example.jp")
    application.status = ApplicationStatus.rejected
    application.decided_at = utcnow() - timedelta(days=5)
    db.session.commit()
    assert purge_expired_personal_data()["closed_applications"] == 0
    app.config["RETENTION_CLOSED_APPLICATIONS"] = timedelta(days=1)
    assert purge_expired_personal_data()["closed_applications"] == 1
    # Table-driven: every rule names its setting, and the setting exists.
    assert all(rule.setting in app.config for rule in RULES)


def test_reads_inside_a_writing_request_join_its_transaction(app, make):
    """A POST holds SQLite's write lock: the record must not wait for it on a
    second connection (it would, for the whole busy timeout)."""
    import time

    from federation.extensions import writing
    from federation.services.reads import record_reads

    reader, subject = make.user(), make.user(email="subject@example.jp")
    with writing():
        subject.locale = "en"  # the session now writes
        db.session.flush()
        started = time.monotonic()
        assert record_reads(reader, ReadKind.application, 1, [subject.id]) == 1
        assert time.monotonic() - started < 5
        db.session.rollback()
    # Rolled back with the request's work.
    assert _reads() == []
    db.session.commit()
    assert record_reads(reader, ReadKind.application, 1, [subject.id, reader.id, None]) == 1
    db.session.commit()
    assert _reads() == [(reader.id, subject.id, ReadKind.application)]
