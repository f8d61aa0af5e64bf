"""Mina uppgifter (a person's own data) and gallring (pseudonymising people who left)."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import String, Text, func, or_, select, true

from vbe_learn.core.extensions import db
from vbe_learn.exports.participants import ParticipantFilters
from vbe_learn.exports.summary import summary_rows
from vbe_learn.followup.rates import rates
from vbe_learn.learning.services.completion import new_certificate_code
from vbe_learn.models import (
    AuditEvent,
    Completion,
    ExportFile,
    ExportLog,
    Placement,
    ReminderMessage,
    RoleAssignment,
    User,
)
from vbe_learn.models.org import CENTRAL_COORDINATOR, COORDINATOR
from vbe_learn.privacy.personal_data import SOURCES, personal_data_json

from ..export_rows import deltagarlista_csv
from ..factories import PASSWORD, course, make_unit, make_user, pass_module


def complete(user: User, on: date) -> Completion:
    completion = Completion(
        user_id=user.id,
        course_id=course().id,
        completed_on=on,
        source="imported",
        source_version="2019",
        certificate_code=new_certificate_code(),
    )
    db.session.add(completion)
    db.session.commit()
    return completion


@pytest.fixture
def two_learners(client, auth):
    """Anna (logged in at the end) and Bertil, in one enhet, each with a passed module."""
    unit = make_unit("Farsta stadsdelsförvaltning", "Enhet Mina")
    anna = make_user(
        email="anna.mina@test.stockholm.se", first_name="Anna", last_name="Uppgiftsdotter",
        employee_number="M1001", unit=unit,
    )  # fmt: skip
    bertil = make_user(
        email="bertil.annan@test.stockholm.se", first_name="Bertil", last_name="Annansson",
        employee_number="M1002", unit=unit, manager=anna,
    )  # fmt: skip
    auth.login(bertil.email)
    pass_module(client, 1)
    auth.logout()
    auth.login(anna.email)
    pass_module(client, 1)
    db.session.add(
        RoleAssignment(
            user_id=anna.id,
            role=COORDINATOR,
            administration_id=unit.department.administration_id,
        )
    )
    db.session.add(
        ExportLog(actor_id=anna.id, kind="participants", format="csv", filters="{}", row_count=2)
    )
    asked_at = datetime(2026, 11, 30, 12, tzinfo=UTC)
    db.session.add(
        ExportFile(requested_by_id=anna.id, kind="participants", format="xlsx",
                   filters='{"scope": "reach"}', status="done", data=b"not shown", row_count=2,
                   created_at=asked_at, expires_at=asked_at + timedelta(days=7))
    )  # fmt: skip
    for person in (anna, bertil):
        db.session.add(
            ReminderMessage(user_id=person.id, kind="invitation", period_key="2026-11-01",
                            recipient=person.email)
        )  # fmt: skip
    db.session.add(AuditEvent(actor_id=None, action="role.granted", target=f"user:{anna.id}"))
    db.session.add(AuditEvent(actor_id=None, action="role.granted", target=f"user:{bertil.id}"))
    db.session.commit()
    return anna, bertil, complete(anna, date(2019, 5, 2)), complete(bertil, date(2019, 5, 3))


def test_the_download_holds_everything_about_me_and_nothing_about_others(client, two_learners):
    anna, bertil, my_completion, their_completion = two_learners
    response = client.get("/mina-uppgifter/hamta")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    text = response.get_data(as_text=True)
    data = json.loads(text)
    assert set(data) >= {source.key for source in SOURCES}
    (profile,) = data["profil"]
    assert (profile["förnamn"], profile["efternamn"]) == ("Anna", "Uppgiftsdotter")
    assert profile["anställningsnummer"] == "M1001"
    assert profile["enhet"] == "Enhet Mina" and profile["har_lösenord"] is True
    assert "password" not in text and anna.password_hash not in text
    assert data["placeringar"][0]["enhet"] == "Enhet Mina"
    assert data["roller"] == [{"roll": "Samordnare", "förvaltning": "Farsta stadsdelsförvaltning"}]
    assert len(data["kursdeltaganden"]) == 1
    assert len(data["lästa_sidor"]) >= 1
    (attempt,) = data["kunskapskontroller"]
    assert attempt["godkänt"] is True and attempt["resultat_procent"] == 100
    assert attempt["svar"] and all(answer["valda_svar"] for answer in attempt["svar"])
    assert all(answer["rätt"] for answer in attempt["svar"])
    codes = [item["intygskod"] for item in data["genomförda_kurser"]]
    assert my_completion.certificate_code in codes
    assert their_completion.certificate_code not in text
    assert data["exporter"][0]["rader"] == 2
    (asked,) = data["exportfiler"]  # what was asked for, not the file (others' data)
    assert (asked["format"], asked["status"], asked["rader"]) == ("xlsx", "done", 2)
    assert "not shown" not in text
    assert [(m["slag"], m["mottagare"]) for m in data["e_post"]] == [("invitation", anna.email)]
    (event,) = data["händelser"]
    assert event["gällde_dig"] is True and event["gjord_av_dig"] is False
    for other in ("Bertil", "Annansson", "M1002", bertil.email):
        assert other not in text


def test_the_page_counts_each_kind_and_is_not_cached(client, two_learners):
    response = client.get("/mina-uppgifter")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Kunskapskontroller med svar" in page and "Hämta mina uppgifter" in page
    assert "/mina-uppgifter/hamta" in page


def test_mina_uppgifter_needs_a_login(client):
    for path in ("/mina-uppgifter", "/mina-uppgifter/hamta"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/logga-in" in response.location


# Gallring ---------------------------------------------------------------------------------

TODAY = date(2026, 11, 24)
EARLIER = [date(2021, 12, 31), date(2022, 6, 30), date(2023, 6, 30)]


@pytest.fixture
def leavers():
    """Lisa left on 2023-01-01 (long ago), Rolf on 2026-06-01 (recently), Sara stays."""
    unit = make_unit("Gallringsförvaltningen", "Enhet G")
    lisa = make_user(
        email="lisa.lamnade@test.stockholm.se", first_name="Lisa", last_name="Lämnadesson",
        employee_number="G7001", unit=unit, placed=False, active=False,
    )  # fmt: skip
    rolf = make_user(
        email="rolf.nyss@test.stockholm.se", first_name="Rolf", last_name="Nyssgången",
        employee_number="G7002", unit=unit, placed=False, active=False,
    )  # fmt: skip
    sara = make_user(first_name="Sara", last_name="Stannarkvar", unit=unit, placed=False)
    for person, start, end in (
        (lisa, date(2020, 1, 1), date(2022, 3, 1)),
        (lisa, date(2022, 3, 1), date(2023, 1, 1)),
        (rolf, date(2020, 1, 1), date(2026, 6, 1)),
        (sara, date(2020, 1, 1), None),
    ):
        db.session.add(
            Placement(
                user_id=person.id,
                unit_id=unit.id,
                close_to_residents=False,
                valid_from=start,
                valid_to=end,
            )  # fmt: skip
        )
    db.session.commit()
    complete(lisa, date(2021, 6, 1))
    complete(sara, date(2022, 2, 1))
    return lisa, rolf, sara


def figures_on_earlier_dates() -> tuple:
    years = course().current_version.validity_years
    by_unit = [
        (r.day, r.key, r.name, r.headcount, r.completed) for r in rates(EARLIER, "unit", years)
    ]
    summaries = [summary_rows(day, years) for day in EARLIER]
    return by_unit, summaries


def identity_in_database(*needles: str) -> list[str]:
    """Every text column of every table that still holds one of these strings."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        for column in columns:
            condition = or_(*(column.contains(needle) for needle in needles))
            count = db.session.scalar(select(func.count()).select_from(table).where(condition))
            if count:
                found.append(f"{table.name}.{column.name}")
    return sorted(found)


def test_pseudonymise_replaces_identity_and_keeps_earlier_figures(runner, client, auth, leavers):
    lisa, rolf, sara = leavers
    lisa_code = db.session.scalar(
        select(Completion.certificate_code).where(Completion.user_id == lisa.id)
    )
    central = make_user(email="central.gallring@test.stockholm.se")
    db.session.add(RoleAssignment(user_id=central.id, role=CENTRAL_COORDINATOR))
    db.session.commit()
    before = figures_on_earlier_dates()
    assert "Lämnadesson" in client.get(f"/intyg/{lisa_code}").get_data(as_text=True)
    old_identity = ("Lämnadesson", "lisa.lamnade", "G7001")
    assert identity_in_database(*old_identity) == [
        "users.email",
        "users.employee_number",
        "users.last_name",
    ]

    # What the e-mail log and the audit log kept about her while she worked here.
    long_ago = datetime(2022, 6, 1, tzinfo=UTC)
    digest = json.dumps({"members": [{"name": "Lisa Lämnadesson"}]}, ensure_ascii=False)
    db.session.add_all([
        ReminderMessage(user_id=lisa.id, kind="invitation", period_key="2022-06-01",
                        recipient="lisa.lamnade@test.stockholm.se", planned_at=long_ago),
        ReminderMessage(user_id=central.id, kind="digest", period_key="2022-W22",
                        recipient=central.email, payload=digest, planned_at=long_ago),
        AuditEvent(actor_id=None, action="role.granted", target=f"user:{lisa.id}",
                   details={"role": "samordnare", "email": "lisa.lamnade@test.stockholm.se"}),
    ])  # fmt: skip
    db.session.commit()

    result = runner.invoke(args=["gdpr", "pseudonymise", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert f"person {lisa.id}: slutade 2023-01-01" in result.output
    assert "1 personer pseudonymiserade; 2 gamla e-postloggrader raderade." in result.output
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.target == f"user:{lisa.id}"))
    assert event.details == {"role": "samordnare", "email": f"gallrad.{lisa.id}@gallrad.invalid"}

    assert figures_on_earlier_dates() == before
    assert identity_in_database(*old_identity) == []
    lisa, rolf, sara = (db.session.get(User, person.id) for person in leavers)
    assert (lisa.full_name, lisa.employee_number, lisa.password_hash) == (
        f"Gallrad {lisa.id}",
        None,
        None,
    )
    assert lisa.email.endswith("@gallrad.invalid") and lisa.pseudonymised_at is not None
    assert (rolf.last_name, rolf.employee_number, rolf.pseudonymised_at) == (
        "Nyssgången",
        "G7002",
        None,
    )
    assert sara.last_name == "Stannarkvar" and sara.pseudonymised_at is None
    assert (
        db.session.scalar(select(func.count(Completion.id)).where(Completion.user_id == lisa.id))
        == 1
    )
    assert f"Gallrad {lisa.id}" in client.get(f"/intyg/{lisa_code}").get_data(as_text=True)
    assert "Lämnadesson" not in personal_data_json(lisa, datetime.now(UTC))

    auth.login(central.email)
    person_page = client.get(f"/uppfoljning/person/{lisa.id}").get_data(as_text=True)
    assert f"Gallrad {lisa.id}" in person_page and "Lämnadesson" not in person_page
    assert client.post("/uppfoljning/export/deltagarlista.csv", data={}).status_code == 302
    exported = deltagarlista_csv(true(), ParticipantFilters())  # as the central samordnare's
    assert "Stannarkvar" in exported and "Lämnadesson" not in exported
    auth.logout()
    auth.login("lisa.lamnade@test.stockholm.se", PASSWORD)
    assert client.get("/min-utbildning").status_code == 302  # the old identity logs nobody in

    again = runner.invoke(args=["gdpr", "pseudonymise", "--today", TODAY.isoformat()])
    assert "0 personer pseudonymiserade;" in again.output


def test_dry_run_lists_and_changes_nothing(runner, app, leavers, monkeypatch):
    lisa, rolf, _ = leavers
    monkeypatch.setitem(app.config, "GDPR_RETENTION_DAYS", 100)
    result = runner.invoke(args=["gdpr", "pseudonymise", "--dry-run", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "Gallringstid: 100 dagar" in result.output
    assert f"person {lisa.id}" in result.output and f"person {rolf.id}" in result.output
    assert "2 personer skulle pseudonymiseras (inget ändrat)." in result.output
    lisa = db.session.get(User, lisa.id)
    assert lisa.last_name == "Lämnadesson" and lisa.pseudonymised_at is None


def test_someone_who_came_back_is_not_pseudonymised(runner, leavers):
    lisa, _, _ = leavers
    lisa.active = True
    db.session.add(
        Placement(
            user_id=lisa.id,
            unit_id=lisa.unit_id,
            close_to_residents=False,
            valid_from=date(2025, 1, 1),
            valid_to=None,
        )  # fmt: skip
    )
    db.session.commit()
    result = runner.invoke(args=["gdpr", "pseudonymise", "--today", TODAY.isoformat()])
    assert "0 personer pseudonymiserade;" in result.output


def test_everyone_logged_in_may_download_their_own_data_and_nobody_else():
    from flask_login import AnonymousUserMixin

    from vbe_learn.permissions import may_download_own_data

    assert may_download_own_data(make_user())
    assert not may_download_own_data(AnonymousUserMixin())
