"""One status rule: each person's status is the same on every page, export and e-mail.

People in every state (never started, started, passed here, imported, expired, renewing,
renewed, moved, left) are read from Min utbildning, Mina intyg, Mina uppgifter (page and
download), the chef's team page, the samordnare page, the deltagarlista (CSV and XLSX) and
the reminder run (the chef's digest and who gets which personal message).
"""

import csv
import io
import json
import re
from contextlib import contextmanager
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from tests.factories import course, make_enrollment, make_unit, make_user, pass_module
from vbe_learn.core.extensions import db
from vbe_learn.exports import services as export_services
from vbe_learn.learning.services.completion import new_certificate_code
from vbe_learn.learning.status import (
    COMPLETED,
    NOT_STARTED,
    RENEWAL_DUE,
    STARTED,
    StatusRule,
    person_status,
    validity_years,
)
from vbe_learn.models import (
    Completion,
    Course,
    CourseVersion,
    Deadline,
    Enrollment,
    ExportFile,
    Placement,
    RoleAssignment,
    User,
)
from vbe_learn.models.org import COORDINATOR
from vbe_learn.models.types import city_today

TODAY = city_today()
LONG_AGO = TODAY - timedelta(days=400)
EXPIRED_ON = TODAY.replace(year=TODAY.year - 4) - timedelta(days=10)
MOVED_ON = TODAY - timedelta(days=200)

# who → the status the rule gives (None: has left, is listed nowhere)
EXPECTED = {
    "never": NOT_STARTED,
    "started": STARTED,
    "passed": COMPLETED,
    "imported": COMPLETED,
    "expired": RENEWAL_DUE,
    "imported_expired": RENEWAL_DUE,
    "renewing": RENEWAL_DUE,
    "renewed": COMPLETED,
    "moved": COMPLETED,
    "left": None,
}
RENEWAL_SUBJECT = "Dags att förnya din utbildning om våldsbejakande extremism"
LATE_SUBJECT = "Utbildningen om våldsbejakande extremism är försenad"
# The status as a tag (status_tag in _macros.html), after "Status:" or in a <dt>Status</dt>.
STATUS = re.compile(r'Status(?::\s*|</dt><dd[^>]*>)<span class="ds-tag"[^>]*>([^<]+)</span>')


def complete(user, on: date, imported: bool = False, enrollment=None) -> None:
    """A completion earned here (in `enrollment`) or imported from the earlier platform."""
    db.session.add(
        Completion(
            user_id=user.id,
            course_id=course().id,
            course_version_id=None if imported else course().current_version_id,
            enrollment_id=enrollment.id if enrollment is not None else None,
            completed_on=on,
            score_percent=None if imported else 90,
            source="imported" if imported else "earned",
            source_version="2022-1" if imported else None,
            certificate_code=new_certificate_code(),
        )
    )
    db.session.commit()


def enrol(user, cycle: int = 1):
    """An enrollment on the current version (a renewal is cycle 2)."""
    if cycle == 1:
        enrollment = make_enrollment(user)
    else:
        version = course().current_version
        enrollment = Enrollment(user_id=user.id, course_id=version.course_id,
                                course_version_id=version.id, cycle=cycle)  # fmt: skip
        db.session.add(enrollment)
    db.session.commit()
    return enrollment


@pytest.fixture
def people(client, auth):
    unit = make_unit("Statusförvaltningen", "Statusenheten")
    elsewhere = make_unit("Andra förvaltningen", "Andra enheten")
    chef = make_user("chef@status.se", unit, first_name="Chef", last_name="Chefsson",
                     employed_from=LONG_AGO)  # fmt: skip
    complete(chef, TODAY - timedelta(days=50), imported=True)
    samordnare = make_user("samordnare@status.se")
    db.session.add(
        RoleAssignment(
            user_id=samordnare.id,
            role=COORDINATOR,
            administration_id=unit.department.administration_id,
        )
    )
    found = {}
    for who in EXPECTED:
        found[who] = make_user(
            f"{who}@status.se", unit, first_name=who.capitalize(), last_name="Statusdotter",
            manager=chef, employed_from=LONG_AGO, placed=who != "moved",
        )  # fmt: skip
    p = found
    enrol(p["started"])
    auth.login(p["passed"].email)  # passed here, as a learner does it
    for position in range(1, len(course().current_version.modules) + 1):
        pass_module(client, position)
    auth.logout()
    complete(p["imported"], TODAY - timedelta(days=100), imported=True)
    complete(p["expired"], EXPIRED_ON, enrollment=enrol(p["expired"]))
    complete(p["imported_expired"], EXPIRED_ON - timedelta(days=300), imported=True)
    complete(p["renewing"], EXPIRED_ON, enrollment=enrol(p["renewing"]))
    enrol(p["renewing"], cycle=2)
    complete(p["renewed"], EXPIRED_ON, enrollment=enrol(p["renewed"]))
    complete(p["renewed"], TODAY - timedelta(days=20), enrollment=enrol(p["renewed"], cycle=2))
    # Moved: completed in another förvaltning under another chef, then moved here.
    db.session.add_all(
        [
            Placement(user_id=p["moved"].id, unit_id=elsewhere.id, close_to_residents=False,
                      valid_from=date(2020, 1, 1), valid_to=MOVED_ON),
            Placement(user_id=p["moved"].id, unit_id=unit.id, close_to_residents=False,
                      valid_from=MOVED_ON),
        ]
    )  # fmt: skip
    complete(p["moved"], MOVED_ON - timedelta(days=100), enrollment=enrol(p["moved"]))
    # Left: completed, then left the city (inactive, placement ended).
    complete(p["left"], TODAY - timedelta(days=60), enrollment=enrol(p["left"]))
    db.session.get(User, p["left"].id).active = False  # (requests ended the first session)
    placement = db.session.query(Placement).filter_by(user_id=p["left"].id).one()
    placement.valid_to = TODAY - timedelta(days=30)
    db.session.add(Deadline(administration_id=None, due_on=TODAY - timedelta(days=10)))
    db.session.commit()
    return {"chef": chef, "samordnare": samordnare, "unit": unit, **found}


def _page(client, auth, email: str, path: str) -> str:
    assert auth.login(email).status_code == 302
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    auth.logout()
    return response.get_data(as_text=True)


def _own_pages(client, auth, person) -> dict[str, str]:
    """The person's status on their own pages."""
    found = {}
    found["Min utbildning"] = STATUS.findall(_page(client, auth, person.email, "/min-utbildning"))
    found["Mina intyg"] = STATUS.findall(_page(client, auth, person.email, "/intyg"))
    mine = _page(client, auth, person.email, "/mina-uppgifter")
    found["Mina uppgifter"] = re.findall(
        r'Din status i utbildningen: <span class="ds-tag"[^>]*>([^<]+)<', mine
    )
    download = json.loads(_page(client, auth, person.email, "/mina-uppgifter/hamta"))
    found["Mina uppgifter (fil)"] = [row["status"] for row in download["utbildningsstatus"]]
    return found


def _by_person(html: str, pattern: str) -> dict[int, str]:
    return {int(person_id): status for person_id, status in re.findall(pattern, html)}


@pytest.fixture
def exports_read_the_test_transaction(monkeypatch):
    """A download reads its rows on a snapshot connection of its own, which cannot see this
    test's rolled-back transaction: here it reads on the test's connection instead."""

    @contextmanager
    def on_the_test_connection():
        yield db.session.connection()

    monkeypatch.setattr(export_services, "read_snapshot", on_the_test_connection)


def _export(client, auth, email: str, file_format: str) -> dict[str, str]:
    """{e-post: status} from the deltagarlista."""
    assert auth.login(email).status_code == 302
    asked = client.post(f"/uppfoljning/export/deltagarlista.{file_format}", data={})
    assert asked.status_code == 302  # made by the job at once (immediate in the tests)
    made = db.session.scalars(select(ExportFile).order_by(ExportFile.id.desc())).first()
    with client.post(f"/mina-exporter/{made.id}") as response:
        body = response.get_data()
    auth.logout()
    assert response.status_code == 200
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))[1:]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    return {row[3]: row[8] for row in rows}


def test_each_persons_status_is_the_same_everywhere(
    client, auth, runner, smtp, people, exports_read_the_test_transaction
):
    chef, samordnare = people["chef"], people["samordnare"]
    team = _by_person(
        _page(client, auth, chef.email, "/uppfoljning/team?status=alla"),
        r'person/(\d+)">[^<]*</a></th>\s*<td[^>]*><span class="ds-tag"[^>]*>([^<]+)</span>',
    )
    administration_id = people["unit"].department.administration_id
    samordnare_html = _page(
        client, auth, samordnare.email, f"/uppfoljning/forvaltning/{administration_id}"
    )
    overdue = _by_person(  # the status is a tag (a span) in the last cell
        samordnare_html,
        r'person/(\d+)">[^<]*</a></td><td>[^<]*</td><td>[^<]*</td><td><span[^>]*>([^<]+)</span>',
    )
    exports = {kind: _export(client, auth, samordnare.email, kind) for kind in ("csv", "xlsx")}
    result = runner.invoke(args=["reminders", "send", "--date", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    digest = smtp.to(chef.email)[-1].text

    for who, expected in EXPECTED.items():
        person = people[who]
        if expected is None:  # left: on no list, in no e-mail
            assert person.id not in team and person.id not in overdue, who
            assert all(person.email not in rows for rows in exports.values()), who
            assert person.first_name not in digest and smtp.to(person.email) == [], who
            continue
        seen = {"chefens team": [team.get(person.id)]}
        seen |= {
            f"deltagarlista {kind}": [rows.get(person.email)] for kind, rows in exports.items()
        }
        seen |= _own_pages(client, auth, person)
        # The samordnare lists (with status) those without a valid completion.
        seen["samordnare"] = [overdue.get(person.id, COMPLETED)]
        assert (person.id in overdue) == (expected != COMPLETED), who
        # The reminder run: the chef's digest lists those not done, with their status; the
        # person gets a renewal message, a late reminder (the deadline has passed) or none.
        line = re.search(rf"- {person.first_name} Statusdotter \([^)]*\): ([^,\n]+)", digest)
        seen["veckobrev"] = [line.group(1) if line else COMPLETED]
        subjects = [message.message["Subject"] for message in smtp.to(person.email)]
        decided = {(RENEWAL_SUBJECT,): RENEWAL_DUE, (LATE_SUBJECT,): "not done", (): COMPLETED}
        seen["påminnelse"] = [decided.get(tuple(subjects), f"{subjects}")]
        wanted_reminder = {RENEWAL_DUE: RENEWAL_DUE, COMPLETED: COMPLETED}.get(expected, "not done")
        assert seen.pop("påminnelse") == [wanted_reminder], who
        assert seen == {place: [expected] for place in seen}, who

    # The samordnare's numbers count the same people as Genomförd (the left one is gone).
    completed = 1 + sum(1 for status in EXPECTED.values() if status == COMPLETED)  # + chef
    headcount = 1 + sum(1 for status in EXPECTED.values() if status is not None)
    assert f"<dt>Antal anställda</dt><dd>{headcount}</dd>" in samordnare_html
    assert f"<dt>Genomförda</dt><dd>{completed}</dd>" in samordnare_html


def test_the_python_rule_and_the_sql_rule_agree(people):
    """StatusRule.status (one person, Python) and status_sql (SQL) on many days."""

    years = validity_years("grundutbildning")
    ids = [people[who].id for who in EXPECTED]
    completions = {i: [] for i in ids}
    for completion in db.session.scalars(select(Completion).where(Completion.user_id.in_(ids))):
        completions[completion.user_id].append(completion)
    started = set(db.session.scalars(select(Enrollment.user_id).where(Enrollment.user_id.in_(ids))))
    days = [TODAY - timedelta(days=n) for n in (0, 30, 90, 199, 200, 365, 700, 1200, 1500, 2000)]

    def compare():
        for day in days:
            rule = StatusRule.on_day(day, years)
            statement = select(User.id, rule.status_sql(User.id)).where(User.id.in_(ids))
            in_sql = dict(db.session.execute(statement).all())
            in_python = {i: rule.status(completions[i], i in started) for i in ids}
            assert in_sql == in_python, day

    compare()
    # A newer version requiring renewal from 200 days ago: older completions stop counting.
    current = course().current_version
    db.session.add(
        CourseVersion(course_id=current.course_id, content_hash="f" * 64, title="Ny",
                      pass_mark=80, questions_per_check=5, validity_years=years,
                      renewal_required_on=TODAY - timedelta(days=200))
    )  # fmt: skip
    db.session.commit()
    compare()


def test_starting_another_course_is_not_starting_this_one(app):
    """A person's status in a course rests on their completions and enrollments in it only."""
    other = Course(slug="annan-kurs")
    db.session.add(other)
    db.session.flush()
    version = CourseVersion(
        course_id=other.id,
        content_hash="0" * 64,
        title="En annan kurs",
        pass_mark=80,
        questions_per_check=5,
        validity_years=3,
    )
    db.session.add(version)
    db.session.flush()
    person = make_user()
    db.session.add(Enrollment(user_id=person.id, course_id=other.id, course_version_id=version.id))
    db.session.flush()
    assert person_status(person.id, version.course, city_today()).status == STARTED
    assert person_status(person.id, course(), city_today()).status == NOT_STARTED
