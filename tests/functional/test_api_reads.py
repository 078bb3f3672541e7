"""Reads of personal data through the API are recorded as on the pages (the
APPI leak report must see every way a record was read)."""
from sqlalchemy import select

from federation.extensions import db
from federation.models import DirectoryProfile, PersonalDataRead, ReadKind, Role


def _reads():
    return [(r.reader_id, r.subject_id, r.kind) for r in
            db.session.scalars(select(PersonalDataRead).order_by(PersonalDataRead.id))]


def test_api_profile_and_application_reads_are_recorded(client, make, token_for):
    group = make.group(slug="a")
    aya = make.alumnus(group, make.user(email="aya@example.jp"), **make.shared())
    reader = make.alumnus(group, make.user(email="reader@example.jp"))
    profile_id = db.session.scalar(select(DirectoryProfile.id)
                                   .where(DirectoryProfile.user_id == aya.id))
    assert client.get(f"/api/v1/directory/{profile_id}",
                      headers=token_for(reader)).status_code == 200
    assert _reads() == [(reader.id, aya.id, ReadKind.directory_profile)]

    coordinator = make.user(role=Role.coordinator, email="coord@example.jp")
    application = make.application()
    assert client.get(f"/api/v1/applications/{application.id}",
                      headers=token_for(coordinator)).status_code == 200
    assert _reads()[-1] == (coordinator.id, application.applicant_id, ReadKind.application)
