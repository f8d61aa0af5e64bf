"""Deadlines, validity and reminders, against a real SMTP server on loopback (aiosmtpd).

Time is frozen by `flask reminders send --date`. The city: förvaltning A (enhet A1) and B
(enhet B1); chef A over Anna and Axel, chef B over Bodil; a samordnare for A; a central
samordnare. Both chefs have a valid completion (so only their team's messages vary).
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select, true

from tests.factories import course, make_unit, make_user
from vbe_learn.core.extensions import db
from vbe_learn.core.mail import FolderTransport, LogTransport, Outgoing, transport_for
from vbe_learn.followup.people import people_with_status
from vbe_learn.followup.rates import rates
from vbe_learn.learning.services.completion import new_certificate_code
from vbe_learn.models import (
    AuditEvent,
    Completion,
    Deadline,
    DeadlineChange,
    ReminderMessage,
    RoleAssignment,
    User,
)
from vbe_learn.models.org import CENTRAL_COORDINATOR, COORDINATOR
from vbe_learn.models.types import city_today, utcnow
from vbe_learn.permissions import may_remind
from vbe_learn.reminders.deadlines import personal_deadline
from vbe_learn.reminders.planning import Schedule, plan_messages

CHEF_COMPLETED = date(2025, 12, 1)


@dataclass
class City:
    """The people and förvaltningar of a test."""

    admin_a: int
    admin_b: int
    people: dict[str, User]


def complete(user: User, on: date, imported: bool = False) -> None:
    """A completion of the current version (or an imported one, without a version)."""
    db.session.add(
        Completion(
            user_id=user.id,
            course_id=course().id,
            course_version_id=None if imported else course().current_version_id,
            completed_on=on,
            score_percent=None if imported else 90,
            source="imported" if imported else "earned",
            certificate_code=new_certificate_code(),
        )
    )
    db.session.commit()


@pytest.fixture
def city() -> City:
    unit_a = make_unit("Förvaltning A", "Enhet A1")
    unit_b = make_unit("Förvaltning B", "Enhet B1")
    chef_a = make_user("chef.a@test.se", unit_a, first_name="Cecilia", last_name="Chefsson")
    chef_b = make_user("chef.b@test.se", unit_b, first_name="Bertil", last_name="Bossman")
    people = {
        "chef_a": chef_a,
        "chef_b": chef_b,
        "anna": make_user("anna@test.se", unit_a, first_name="Anna", last_name="Andersson",
                          manager=chef_a, employed_from=date(2020, 1, 1)),
        "axel": make_user("axel@test.se", unit_a, first_name="Axel", last_name="Axelsson",
                          manager=chef_a, employed_from=date(2020, 1, 1)),
        "bodil": make_user("bodil@test.se", unit_b, first_name="Bodil", last_name="Berg",
                           manager=chef_b, employed_from=date(2020, 1, 1)),
        "samordnare": make_user("samordnare@test.se"),
        "central": make_user("central@test.se"),
    }  # fmt: skip
    complete(chef_a, CHEF_COMPLETED)
    complete(chef_b, CHEF_COMPLETED)
    admin_a, admin_b = unit_a.department.administration_id, unit_b.department.administration_id
    db.session.add_all(
        [
            RoleAssignment(
                user_id=people["samordnare"].id, role=COORDINATOR, administration_id=admin_a
            ),
            RoleAssignment(user_id=people["central"].id, role=CENTRAL_COORDINATOR),
        ]  # fmt: skip
    )
    db.session.commit()
    return City(admin_a, admin_b, people)


def send(runner, day: date, *extra: str) -> str:
    result = runner.invoke(args=["reminders", "send", "--date", day.isoformat(), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def set_city_deadline(runner, day: date) -> None:
    result = runner.invoke(args=["deadline", "set", day.isoformat()])
    assert result.exit_code == 0, result.output


def subjects(smtp, address: str) -> list[str]:
    return [r.message["Subject"] for r in smtp.to(address)]


def statuses(on: date) -> dict[str, str]:
    rows = db.session.execute(people_with_status(true(), on, 3)).all()
    return {row.email: row.status for row in rows}


# --- deadlines ------------------------------------------------------------------------


def test_a_persons_deadline_is_the_later_of_the_administrations_and_start_plus_days():
    deadlines = {None: date(2026, 3, 1), 7: date(2026, 6, 1)}
    assert personal_deadline(deadlines, 5, None, 30) == date(2026, 3, 1)  # the city's
    assert personal_deadline(deadlines, 7, None, 30) == date(2026, 6, 1)  # its own
    assert personal_deadline(deadlines, 5, date(2026, 2, 15), 30) == date(2026, 3, 17)
    assert personal_deadline(deadlines, 7, date(2026, 2, 15), 30) == date(2026, 6, 1)
    assert personal_deadline({}, 5, None, 30) is None
    assert personal_deadline({}, 5, date(2026, 1, 1), 10) == date(2026, 1, 11)


def test_deadline_command_sets_city_and_administration_deadlines_and_logs_each_change(runner, city):
    set_city_deadline(runner, date(2026, 12, 31))
    result = runner.invoke(
        args=["deadline", "set", "2027-01-31", "--administration", "Förvaltning A"]
    )
    assert result.exit_code == 0 and "Förvaltning A: 2027-01-31" in result.output
    again = runner.invoke(args=["deadline", "set", "2026-12-31"])
    assert "Oförändrat" in again.output
    unknown = runner.invoke(args=["deadline", "set", "2027-01-31", "--administration", "Nej"])
    assert unknown.exit_code != 0 and "Ingen förvaltning heter 'Nej'" in unknown.output
    set_city_deadline(runner, date(2027, 2, 28))
    changes = db.session.scalars(select(DeadlineChange).order_by(DeadlineChange.id)).all()
    assert [(c.administration_id, c.old_due_on, c.new_due_on, c.actor_id) for c in changes] == [
        (None, None, date(2026, 12, 31), None),
        (city.admin_a, None, date(2027, 1, 31), None),
        (None, date(2026, 12, 31), date(2027, 2, 28), None),
    ]
    shown = runner.invoke(args=["deadline", "show"]).output
    assert "Hela staden: 2027-02-28" in shown and "Förvaltning A: 2027-01-31" in shown
    audited = db.session.execute(
        select(AuditEvent.target, AuditEvent.details)
        .where(AuditEvent.action == "deadline.changed")
        .order_by(AuditEvent.id)
    ).all()
    assert [(target, details["new"]) for target, details in audited] == [
        ("city", "2026-12-31"),
        (f"administration:{city.admin_a}", "2027-01-31"),
        ("city", "2027-02-28"),
    ]


# --- walking through a deadline ------------------------------------------------------


def test_walk_through_a_deadline_invitation_before_after_then_completion_stops_it(
    runner, smtp, city
):
    new = make_user("ny@test.se", make_unit("Förvaltning A", "Enhet A2"), first_name="Nora",
                    last_name="Nyström", employed_from=date(2026, 1, 10))  # fmt: skip
    set_city_deadline(runner, date(2026, 3, 1))

    send(runner, date(2026, 1, 10))
    assert subjects(smtp, "ny@test.se") == [
        "Välkommen till utbildningen om våldsbejakande extremism"
    ]
    assert smtp.to("anna@test.se") == []  # the deadline is far off
    invitation = smtp.to("ny@test.se")[0]
    assert "Hej Nora!" in invitation.text and "Sista dag: 2026-03-01." in invitation.text
    assert "http://localhost/min-utbildning" in invitation.text
    assert 'href="http://localhost/min-utbildning"' in invitation.html
    for other in ("Anna", "Axel", "Bodil", "Cecilia", "Andersson"):
        assert other not in invitation.text and other not in invitation.html
    count = len(smtp.received)
    assert "Skickade: 0" in send(runner, date(2026, 1, 10))  # twice a day: nothing new
    assert len(smtp.received) == count

    send(runner, date(2026, 2, 22))  # 7 days before
    before = "Påminnelse: utbildningen om våldsbejakande extremism"
    for address in ("ny@test.se", "anna@test.se", "axel@test.se", "bodil@test.se"):
        assert subjects(smtp, address)[-1] == before, address
    assert "Sista dag: 2026-03-01." in smtp.to("anna@test.se")[-1].text
    count = len([r for r in smtp.received if r.message["Subject"] == before])
    send(runner, date(2026, 2, 24))
    assert len([r for r in smtp.received if r.message["Subject"] == before]) == count

    send(runner, date(2026, 3, 2))  # the day after
    late = "Utbildningen om våldsbejakande extremism är försenad"
    assert subjects(smtp, "ny@test.se")[-1] == late
    assert "sista dagen har passerat" in smtp.to("ny@test.se")[-1].text
    complete(new, date(2026, 3, 3))
    send(runner, date(2026, 3, 9))  # a week later: again, but not to Nora who is done
    assert subjects(smtp, "ny@test.se").count(late) == 1
    assert subjects(smtp, "anna@test.se").count(late) == 2
    assert subjects(smtp, "chef.a@test.se") and late not in subjects(smtp, "chef.a@test.se")


def test_each_message_link_opens_for_its_recipient(client, auth, runner, smtp, city):
    set_city_deadline(runner, date(2026, 3, 1))
    send(runner, date(2026, 3, 2))
    expected = (
        ("anna@test.se", "/min-utbildning"),
        ("chef.a@test.se", "/uppfoljning/team"),
        ("samordnare@test.se", "/uppfoljning/"),
    )
    for address, part in expected:
        received = smtp.to(address)
        assert received, address
        links = [word for word in received[-1].text.split() if word.startswith("http://localhost")]
        assert links and urlsplit(links[0]).path == part
        auth.login(address)
        assert client.get(urlsplit(links[0]).path).status_code == 200, address
        auth.logout()


# --- validity and renewal -------------------------------------------------------------


def test_walk_through_an_expiry_ska_fornyas_and_renewal_reminders(runner, smtp, city):
    complete(city.people["anna"], date(2023, 3, 1))  # valid through 2026-02-28
    send(runner, date(2026, 2, 28))
    assert statuses(date(2026, 2, 28))["anna@test.se"] == "Genomförd"
    assert smtp.to("anna@test.se") == []

    send(runner, date(2026, 3, 1))
    assert statuses(date(2026, 3, 1))["anna@test.se"] == "Ska förnyas"
    renewal = smtp.to("anna@test.se")
    assert [r.message["Subject"] for r in renewal] == [
        "Dags att förnya din utbildning om våldsbejakande extremism"
    ]
    assert "gäller inte längre" in renewal[0].text and "Sista dag: 2026-03-31." in renewal[0].text
    send(runner, date(2026, 3, 24))
    assert (
        subjects(smtp, "anna@test.se")[-1] == "Påminnelse: utbildningen om våldsbejakande extremism"
    )
    send(runner, date(2026, 4, 1))
    assert (
        subjects(smtp, "anna@test.se")[-1] == "Utbildningen om våldsbejakande extremism är försenad"
    )
    assert len(smtp.to("anna@test.se")) == 3


def test_a_version_requiring_renewal_makes_older_completions_ska_fornyas(runner, city):
    complete(city.people["anna"], date(2026, 1, 15), imported=True)
    complete(city.people["axel"], date(2026, 1, 15))
    result = runner.invoke(args=["courses", "require-renewal", "--from", "2026-05-01"])
    assert result.exit_code == 0 and "kräver förnyelse från 2026-05-01" in result.output
    assert statuses(date(2026, 4, 30))["anna@test.se"] == "Genomförd"
    assert statuses(date(2026, 5, 1))["anna@test.se"] == "Ska förnyas"
    assert statuses(date(2026, 5, 1))["axel@test.se"] == "Genomförd"  # the current version
    before, after = rates([date(2026, 4, 30), date(2026, 5, 1)], "unit", 3, [city.admin_a])
    assert (before.completed, after.completed) == (3, 2)


# --- who gets nothing -----------------------------------------------------------------


def test_smtp_refusal_of_one_address_is_recorded_and_the_rest_are_delivered(runner, smtp, city):
    smtp.refuse.add("axel@test.se")
    set_city_deadline(runner, date(2026, 3, 1))
    output = send(runner, date(2026, 3, 2))
    assert "misslyckade: 1" in output
    assert smtp.to("axel@test.se") == [] and len(smtp.to("anna@test.se")) == 1
    assert len(smtp.to("bodil@test.se")) == 1
    failed = db.session.scalars(select(ReminderMessage).where(ReminderMessage.status == "failed"))
    [row] = failed.all()
    assert row.recipient == "axel@test.se" and row.error.startswith("550")
    count = len(smtp.received)
    send(runner, date(2026, 3, 2))
    assert len(smtp.received) == count  # a refused address is not tried again


def test_a_temporary_refusal_is_tried_again_on_the_next_run(runner, smtp, city):
    smtp.defer.add("axel@test.se")
    set_city_deadline(runner, date(2026, 3, 1))
    assert "försöks igen senare: 1" in send(runner, date(2026, 3, 2))
    assert smtp.to("axel@test.se") == []
    smtp.defer.clear()
    send(runner, date(2026, 3, 2))
    assert len(smtp.to("axel@test.se")) == 1 and len(smtp.to("anna@test.se")) == 1


def test_an_unreachable_mail_server_stops_the_run_and_keeps_the_rest_planned(app, runner, city):
    from tests.smtp_server import free_port

    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    try:
        set_city_deadline(runner, date(2026, 3, 1))
        result = runner.invoke(args=["reminders", "send", "--date", "2026-03-02"])
    finally:
        app.config.update(saved)
    assert result.exit_code == 1 and "E-postservern svarar inte" in result.output
    remaining = db.session.scalars(select(ReminderMessage.status)).all()
    assert remaining and set(remaining) == {"planned"}


def test_require_renewal_of_an_unknown_course_is_refused(runner):
    result = runner.invoke(args=["courses", "require-renewal", "finns-inte"])
    assert result.exit_code != 0 and "Ingen inläst kurs heter 'finns-inte'" in result.output


def test_completed_and_departed_people_get_nothing_even_when_already_planned(
    app, runner, smtp, city
):
    set_city_deadline(runner, date(2026, 3, 1))
    complete(city.people["axel"], date(2026, 2, 1))
    db.session.get(User, city.people["bodil"].id).active = False  # (the CLI ended the session)
    db.session.commit()
    send(runner, date(2026, 3, 2))
    assert smtp.to("axel@test.se") == [] and smtp.to("bodil@test.se") == []
    assert len(smtp.to("anna@test.se")) == 1

    with app.test_request_context():
        plan_messages(Schedule(date(2026, 3, 9), 3))  # Anna is planned, then completes
        db.session.commit()
    complete(city.people["anna"], date(2026, 3, 9))
    assert "inte längre aktuella: 1" in send(runner, date(2026, 3, 9))
    assert len(smtp.to("anna@test.se")) == 1
    cancelled = db.session.scalars(
        select(ReminderMessage.kind).where(ReminderMessage.status == "cancelled")
    ).all()
    assert cancelled == ["after"]


def test_dry_run_plans_and_sends_nothing(runner, smtp, city):
    set_city_deadline(runner, date(2026, 3, 1))
    output = send(runner, date(2026, 3, 2), "--dry-run")
    assert "Påminnelse efter deadline: 3 nya" in output and "Provkörning" in output
    assert smtp.received == []
    assert db.session.scalar(select(ReminderMessage.id)) is None


# --- chefs and samordnare -------------------------------------------------------------


def test_weekly_digest_lists_only_the_chefs_own_team_members_not_done(runner, smtp, city):
    complete(city.people["axel"], date(2026, 2, 1))
    send(runner, date(2026, 3, 2))  # a Monday
    [digest] = smtp.to("chef.a@test.se")
    assert digest.message["Subject"].startswith("Veckobrev")
    assert "Anna Andersson (Enhet A1): Ej påbörjad" in digest.text
    for other in ("Axel", "Bodil", "Bertil"):
        assert other not in digest.text and other not in digest.html
    assert 'href="http://localhost/uppfoljning/team"' in digest.html
    [other_digest] = smtp.to("chef.b@test.se")
    assert "Bodil Berg" in other_digest.text and "Anna" not in other_digest.text
    send(runner, date(2026, 3, 6))  # the same week: no second digest
    assert len(smtp.to("chef.a@test.se")) == 1
    send(runner, date(2026, 3, 9))  # the next week
    assert len(smtp.to("chef.a@test.se")) == 2


def test_monthly_summary_gives_each_samordnare_figures_for_their_administrations(
    runner, smtp, city
):
    send(runner, date(2026, 3, 2))
    [summary] = smtp.to("samordnare@test.se")
    assert summary.message["Subject"].startswith("Månadssammanfattning")
    assert "Förvaltning A: 1 av 3 genomförda (33 %), 0 ska förnya" in summary.text
    assert "Förvaltning B" not in summary.text and "Anna" not in summary.text
    [central] = smtp.to("central@test.se")
    assert "Förvaltning A:" in central.text and "Förvaltning B: 1 av 2 genomförda" in central.text
    send(runner, date(2026, 3, 30))
    assert len(smtp.to("samordnare@test.se")) == 1  # once a month
    send(runner, date(2026, 4, 1))
    assert len(smtp.to("samordnare@test.se")) == 2


def test_chef_presses_paminn_at_most_once_a_day_per_person(client, auth, runner, smtp, city):
    anna, bodil, axel = city.people["anna"], city.people["bodil"], city.people["axel"]
    complete(axel, city_today())
    auth.login("chef.a@test.se")
    page = client.get("/uppfoljning/team?status=alla").get_data(as_text=True)
    assert f'href="/paminnelser/paminn/{anna.id}?status=alla"' in page  # to the confirmation
    assert f'href="/paminnelser/paminn/{axel.id}' not in page  # done
    response = client.post(f"/paminnelser/paminn/{anna.id}", follow_redirects=True)
    assert "En påminnelse skickas till 1 person vid nästa utskick." in response.get_data(
        as_text=True
    )
    again = client.post(f"/paminnelser/paminn/{anna.id}", follow_redirects=True)
    assert "Ingen ny påminnelse" in again.get_data(as_text=True)
    assert client.post("/paminnelser/paminn-alla").status_code == 302
    assert client.post(f"/paminnelser/paminn/{bodil.id}").status_code == 404  # not the team
    manual = db.session.scalars(
        select(ReminderMessage.user_id).where(ReminderMessage.kind == "manual")
    ).all()
    assert manual == [anna.id]  # Axel is done; Anna once today
    send(runner, city_today())
    text = [r.text for r in smtp.to("anna@test.se") if "din chef" in r.message["Subject"]]
    assert len(text) == 1 and "Din chef påminner dig" in text[0]


def test_may_remind_only_active_people_below_the_chef(app, city):
    chef_a, anna, bodil = city.people["chef_a"], city.people["anna"], city.people["bodil"]
    with app.test_request_context():
        assert may_remind(chef_a, anna.id)
        assert not may_remind(chef_a, bodil.id)
        assert not may_remind(anna, chef_a.id)  # not a chef
        anna.active = False
        db.session.flush()
        assert not may_remind(chef_a, anna.id)


# --- pages for samordnare -------------------------------------------------------------


def test_send_log_shows_a_samordnare_only_their_administrations(client, auth, runner, smtp, city):
    set_city_deadline(runner, date(2026, 3, 1))
    send(runner, date(2026, 3, 2))
    auth.login("samordnare@test.se")
    page = client.get("/paminnelser/logg").get_data(as_text=True)
    assert "anna@test.se" in page and "Skickad" in page and "Påminnelse efter deadline" in page
    assert "bodil@test.se" not in page
    auth.logout()
    auth.login("central@test.se")
    assert "bodil@test.se" in client.get("/paminnelser/logg").get_data(as_text=True)
    auth.logout()
    auth.login("anna@test.se")
    assert client.get("/paminnelser/logg").status_code == 404
    assert client.get("/paminnelser/").status_code == 404


def test_samordnare_sets_their_administrations_deadline_and_only_that(client, auth, city):
    auth.login("samordnare@test.se")
    page = client.get("/paminnelser/").get_data(as_text=True)
    assert (
        "Förvaltning A" in page
        and "Förvaltning B" not in page
        and "Hela staden</option>" not in page
    )
    response = client.post(
        "/paminnelser/", data={"scope": str(city.admin_a), "due_on": "2026-12-31"},
        follow_redirects=True,
    )  # fmt: skip
    assert "Sista dag är ändrad." in response.get_data(as_text=True)
    deadline = db.session.scalar(select(Deadline).where(Deadline.administration_id == city.admin_a))
    assert deadline.due_on == date(2026, 12, 31)
    change = db.session.scalar(select(DeadlineChange))
    assert change.actor_id == city.people["samordnare"].id and change.new_due_on == date(
        2026, 12, 31
    )
    assert (
        client.post("/paminnelser/", data={"scope": "stad", "due_on": "2027-01-01"}).status_code
        == 404
    )
    assert (
        client.post(
            "/paminnelser/", data={"scope": str(city.admin_b), "due_on": "2027-01-01"}
        ).status_code
        == 404
    )
    bad = client.post("/paminnelser/", data={"scope": str(city.admin_a), "due_on": "31/12"})
    assert bad.status_code == 200 and "Inte ett giltigt datum" in bad.get_data(as_text=True)
    assert db.session.scalar(select(Deadline.due_on)) == date(2026, 12, 31)  # nothing changed


def test_central_samordnare_sets_and_removes_the_city_deadline(client, auth, city):
    auth.login("central@test.se")
    client.post("/paminnelser/", data={"scope": "stad", "due_on": "2026-12-31"})
    assert db.session.scalar(
        select(Deadline.due_on).where(Deadline.administration_id.is_(None))
    ) == date(2026, 12, 31)
    client.post("/paminnelser/", data={"scope": "stad", "due_on": ""})
    assert db.session.scalar(select(Deadline.id)) is None
    page = client.get("/paminnelser/").get_data(as_text=True)
    assert "Borttagen" in page and "Hela staden" in page


# --- delivery without MAIL_SERVER -----------------------------------------------------


def test_without_mail_server_messages_go_to_a_folder_or_the_log(tmp_path, caplog):
    config = {
        "MAIL_SERVER": "",
        "MAIL_DEFAULT_SENDER": "vbe@test.se",
        "MAIL_OUTBOX_DIR": str(tmp_path),
    }
    message = Outgoing(
        "anna@test.se", "Ämne", "Hej Anna!", "<p>Hej Anna!</p>", "<paminnelse-1@test.se>"
    )
    folder = transport_for(config)
    assert isinstance(folder, FolderTransport)
    folder.send(message)
    written = (tmp_path / "paminnelse-1_test.se.eml").read_text()
    assert "To: anna@test.se" in written and "multipart/alternative" in written
    console = transport_for({**config, "MAIL_OUTBOX_DIR": ""})
    assert isinstance(console, LogTransport)
    logger = logging.getLogger("vbe_learn.core.mail")
    logger.disabled = False  # Alembic's logging setup (migration tests) disables old loggers
    with caplog.at_level("INFO", logger="vbe_learn.core.mail"):
        console.send(message)
    assert "e-post till anna@test.se: Ämne" in caplog.text


def test_a_dead_runs_claims_are_settled_as_unknown_after_the_lease_only(app, city):
    from vbe_learn.reminders.planning import insert_planned
    from vbe_learn.reminders.sending import settle_abandoned

    now = utcnow()
    claims = {"anna": now - timedelta(minutes=16), "axel": now - timedelta(minutes=14),
              "bodil": None, "chef_a": now - timedelta(days=1)}  # fmt: skip
    insert_planned(
        [{"user_id": city.people[name].id, "kind": "manual", "period_key": "2026-03-02",
          "status": "planned" if claimed_at is None else "sending",
          "recipient": city.people[name].email, "administration_id": None, "payload": "{}",
          "requested_by_id": None, "planned_at": now} for name, claimed_at in claims.items()]
    )  # fmt: skip
    for name, claimed_at in claims.items():
        db.session.execute(
            ReminderMessage.__table__.update()
            .where(ReminderMessage.user_id == city.people[name].id)
            .values(claimed_by="other-host:1:abc", claimed_at=claimed_at)
        )
    assert settle_abandoned(timedelta(minutes=15), now) == 2
    # Anna's and chef A's runs died (tried, maybe accepted: never resent); Axel's run may
    # still be at work on another host; Bodil's row was never claimed.
    assert _statuses() == {"anna@test.se": "unknown", "axel@test.se": "sending",
                           "bodil@test.se": "planned", "chef.a@test.se": "unknown"}  # fmt: skip


def test_a_run_records_only_its_own_claims(app, city):
    from vbe_learn.reminders.planning import insert_planned
    from vbe_learn.reminders.sending import claim_next, new_run_id, record_outcome

    insert_planned(
        [{"user_id": city.people[name].id, "kind": "manual", "period_key": "2026-03-02",
          "status": "planned", "recipient": city.people[name].email, "administration_id": None,
          "payload": "{}", "requested_by_id": None, "planned_at": utcnow()}
         for name in ("anna", "axel")]
    )  # fmt: skip
    mine, other = new_run_id(), new_run_id()
    assert mine != other
    first = claim_next(mine)
    second = claim_next(other, first.id)
    assert first.id != second.id
    record_outcome(second.id, mine, "sent", None)  # not mine: nothing happens
    record_outcome(first.id, mine, "sent", None)
    rows = {r.id: r for r in db.session.execute(select(ReminderMessage)).scalars()}
    assert (rows[first.id].status, rows[first.id].claimed_by) == ("sent", mine)
    assert rows[first.id].sent_at is not None
    assert (rows[second.id].status, rows[second.id].claimed_by) == ("sending", other)


def _ids() -> list[int]:
    return list(db.session.scalars(select(ReminderMessage.id).order_by(ReminderMessage.id)))


def _statuses() -> dict[str, str]:
    return dict(db.session.execute(select(ReminderMessage.recipient, ReminderMessage.status)).all())
