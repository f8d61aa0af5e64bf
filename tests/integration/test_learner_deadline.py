"""Min utbildning shows the person's own Sista dag and the days left (or late), while not
Genomförd: the same deadline the reminders use (reminders/planning.py own_deadline)."""

import re
from datetime import timedelta

from tests.factories import course, make_unit, make_user
from vbe_learn.core.extensions import db
from vbe_learn.learning.services.completion import new_certificate_code
from vbe_learn.learning.status import expires_on, validity_years
from vbe_learn.models import Completion, Deadline
from vbe_learn.models.types import city_today
from vbe_learn.reminders.planning import Schedule, own_deadline, people_not_done

TODAY = city_today()
DAYS = 30  # TestConfig's NEW_EMPLOYEE_DAYS
SISTA_DAG = re.compile(
    r"<dt>Sista dag</dt><dd>(\d{4}-\d\d-\d\d) <span class=\"days-left\">\(([^)]*)\)"
)


def imported(user, completed_on) -> None:
    """A completion imported from the earlier platform."""
    db.session.add(
        Completion(user_id=user.id, course_id=course().id, completed_on=completed_on,
                   source="imported", source_version="2022-1",
                   certificate_code=new_certificate_code())
    )  # fmt: skip
    db.session.flush()


def dashboard(client, auth, user) -> str:
    assert auth.login(user.email).status_code == 302
    response = client.get("/min-utbildning")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def shown(html: str) -> tuple[str, str] | None:
    found = SISTA_DAG.search(html)
    return found.groups() if found else None


def late_tag(html: str) -> bool:
    return '<span class="ds-tag" data-color="danger">Försenad</span>' in html


def test_config_days_match(app):
    assert app.config["NEW_EMPLOYEE_DAYS"] == DAYS


def test_new_employee_sees_their_deadline_and_days_left(client, auth):
    unit = make_unit("Deadlineförvaltningen")
    user = make_user(unit=unit, employed_from=TODAY - timedelta(days=DAYS - 12))
    html = dashboard(client, auth, user)
    assert shown(html) == ((TODAY + timedelta(days=12)).isoformat(), "12 dagar kvar")
    assert not late_tag(html)


def test_the_later_of_the_administrations_deadline_and_the_new_employee_days(client, auth):
    unit = make_unit("Deadlineförvaltningen")
    db.session.add(Deadline(administration_id=None, due_on=TODAY + timedelta(days=90)))
    db.session.add(
        Deadline(administration_id=unit.department.administration_id, due_on=TODAY + timedelta(1))
    )
    user = make_user(unit=unit, employed_from=TODAY - timedelta(days=400))
    assert shown(dashboard(client, auth, user)) == (
        (TODAY + timedelta(days=1)).isoformat(),
        "1 dag kvar",
    )


def test_on_the_day_and_after_it(client, auth):
    unit = make_unit("Deadlineförvaltningen")
    on_the_day = make_user(unit=unit, employed_from=TODAY - timedelta(days=DAYS))
    late = make_user(unit=unit, employed_from=TODAY - timedelta(days=DAYS + 3))
    html = dashboard(client, auth, on_the_day)
    assert shown(html) == (TODAY.isoformat(), "Sista dag i dag") and not late_tag(html)
    auth.logout()
    html = dashboard(client, auth, late)
    assert shown(html) == ((TODAY - timedelta(days=3)).isoformat(), "3 dagar försenad")
    assert late_tag(html)


def test_nothing_when_genomford_or_without_any_deadline(client, auth):
    unit = make_unit("Deadlineförvaltningen")
    done = make_user(unit=unit, employed_from=TODAY - timedelta(days=DAYS + 3))
    imported(done, TODAY - timedelta(days=10))
    html = dashboard(client, auth, done)
    assert "Genomförd" in html and shown(html) is None and not late_tag(html)
    auth.logout()
    unknown = make_user(unit=unit)  # no Anställd från, no deadline set anywhere
    html = dashboard(client, auth, unknown)
    assert shown(html) is None and "Sista dag" not in html


def test_ska_fornyas_counts_from_the_day_the_completion_stopped_counting(client, auth):
    unit = make_unit("Deadlineförvaltningen")
    user = make_user(unit=unit, employed_from=TODAY.replace(year=TODAY.year - 10))
    years = validity_years(course().slug)
    completed_on = TODAY.replace(year=TODAY.year - years) - timedelta(days=5)
    imported(user, completed_on)
    stopped = expires_on(completed_on, years)
    html = dashboard(client, auth, user)
    assert "Ska förnyas" in html
    expected = stopped + timedelta(days=DAYS)
    assert shown(html) == (expected.isoformat(), f"{(expected - TODAY).days} dagar kvar")


def test_own_deadline_is_the_one_people_not_done_gives(app):
    unit = make_unit("Deadlineförvaltningen")
    users = [make_user(unit=unit, employed_from=TODAY - timedelta(days=n)) for n in (1, 40, 400)]
    db.session.add(Deadline(administration_id=None, due_on=TODAY + timedelta(days=5)))
    db.session.flush()
    schedule = Schedule(TODAY, validity_years(course().slug), DAYS)
    _rows, due = people_not_done(schedule)
    everyone = {person.row.id: person.deadline for person in due}
    for user in users:
        assert own_deadline(user.id, schedule) == everyone[user.id]
    assert [own_deadline(u.id, schedule) for u in users] == [
        TODAY + timedelta(days=DAYS - 1),
        TODAY + timedelta(days=5),
        TODAY + timedelta(days=5),
    ]
