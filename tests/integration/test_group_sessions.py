"""Gruppomgång: a chef leads the course on a big screen, people join with the rotating code
on their phones, and what they read and pass counts for them exactly as alone."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import (
    PASSWORD,
    correct_answers,
    course,
    make_unit,
    make_user,
    pass_module,
    wrong_answers,
)
from tests.sql_statements import recorded_statements
from vbe_learn.core.extensions import db
from vbe_learn.groups import codes, services
from vbe_learn.learning.services.outline import outline_for
from vbe_learn.learning.services.position import only_checks_left
from vbe_learn.models import (
    Attempt,
    AuditEvent,
    Completion,
    Enrollment,
    GroupParticipant,
    GroupSession,
    PageRead,
    RoleAssignment,
    User,
)
from vbe_learn.models.types import utcnow


def signed_in(app, user: User):
    """A test client logged in as the person (the normal login form)."""
    client = app.test_client()
    response = client.post("/logga-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


@dataclass
class Team:
    """A chef and their team in Förvaltning A; another chef in Förvaltning B."""

    chef: User
    people: list[User]
    other_chef: User
    unit_id: int
    administration_id: int


@pytest.fixture
def team() -> Team:
    unit = make_unit("Förvaltning A", "Enhet A1")
    other_unit = make_unit("Förvaltning B", "Enhet B1")
    chef = make_user(email="chef@test.se", unit=unit, first_name="Chef")
    people = [
        make_user(email=f"p{i}@test.se", unit=unit, manager=chef, first_name=f"P{i}")
        for i in range(1, 7)
    ]
    other_chef = make_user(email="annan.chef@test.se", unit=other_unit)
    make_user(email="annan.medarbetare@test.se", unit=other_unit, manager=other_chef)
    return Team(chef, people, other_chef, unit.id, unit.department.administration_id)


def start(client, modules=(1,)) -> GroupSession:
    response = client.post("/gruppomgang/ny", data={"moduler": [str(m) for m in modules]})
    assert response.status_code == 302, response.get_data(as_text=True)
    session_id = int(re.search(r"/gruppomgang/(\d+)/leda", response.headers["Location"])[1])
    return db.session.get(GroupSession, session_id)


def code_now(session: GroupSession) -> str:
    return codes.current_code(session.join_secret, utcnow())


def join(client, session: GroupSession, code: str | None = None):
    return client.post("/gruppomgang/delta", data={"kod": code or code_now(session)})


def read_page_ids(user: User) -> set[int]:
    return set(
        db.session.scalars(
            select(PageRead.page_id)
            .join(Enrollment, Enrollment.id == PageRead.enrollment_id)
            .where(Enrollment.user_id == user.id)
        )
    )


def module_pages(position: int) -> list[int]:
    return [page.id for page in outline_for(course().current_version_id).module(position).pages]


def participant(session: GroupSession, user: User) -> GroupParticipant:
    return db.session.scalar(
        select(GroupParticipant).where(
            GroupParticipant.group_session_id == session.id, GroupParticipant.user_id == user.id
        )
    )


def start_own_check(client, session: GroupSession) -> Attempt:
    response = client.post(f"/gruppomgang/{session.id}/kunskapskontroll")
    assert response.status_code == 302, response.status_code
    location = response.headers["Location"]
    assert "/kunskapskontroll/" in location, location
    return db.session.get(Attempt, int(location.rsplit("/", 1)[1]))


def test_the_whole_flow_counts_for_each_person_as_alone(app, team):
    chef_client = signed_in(app, team.chef)
    a, b, c, removed, no_phone, leaver = team.people
    # a has done modules 2–5 alone before; module 1 at the session completes the course.
    a_client = signed_in(app, a)
    for position in (2, 3, 4, 5):
        pass_module(a_client, position)

    team_page = chef_client.get("/uppfoljning/team").get_data(as_text=True)
    assert "Starta gruppomgång" in team_page
    session = start(chef_client)
    assert (
        db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "group_session.started")
        ).target
        == f"group_session:{session.id}"
    )

    clients = {a.id: a_client}
    for person in (b, c, removed, leaver):
        clients[person.id] = signed_in(app, person)
    for person in (a, b, c, removed, leaver):
        response = join(clients[person.id], session)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/gruppomgang/{session.id}")
    pages = module_pages(1)
    # the page on the screen counts for each person as they join
    for person in (a, b, c, removed, leaver):
        assert pages[0] in read_page_ids(person)

    # a phone follows along: the page's title and text
    follow = clients[b.id].get(f"/gruppomgang/{session.id}").get_data(as_text=True)
    assert outline_for(session.course_version_id).module(1).pages[0].title in follow
    assert "Lämna gruppomgången" in follow

    assert chef_client.post(f"/gruppomgang/{session.id}/nasta").status_code == 302
    for person in (a, b, c, removed, leaver):
        assert pages[1] in read_page_ids(person)

    # "Ta bort": audited, and nothing shown afterwards counts for them
    gone = participant(session, removed)
    response = chef_client.post(f"/gruppomgang/{session.id}/ta-bort", data={"deltagare": gone.id})
    assert response.status_code == 302
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "group_session.participant_removed")
    )
    assert event.target == f"user:{removed.id}"
    assert event.details["group_session_id"] == session.id
    assert clients[removed.id].get(f"/gruppomgang/{session.id}").status_code == 404

    # "Närvarande utan telefon": the current page counts for them at once
    response = chef_client.post(
        f"/gruppomgang/{session.id}/narvarande", data={"person": no_phone.id}
    )
    assert response.status_code == 302
    assert participant(session, no_phone).has_no_phone
    assert participant(session, no_phone).marked_present_by_id == team.chef.id
    assert pages[1] in read_page_ids(no_phone)

    # "Lämna gruppomgången": they continue alone from where the session stands
    response = clients[leaver.id].post(f"/gruppomgang/{session.id}/lamna")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/kurs/grundutbildning/1/2")
    assert participant(session, leaver).left_at is not None

    for _ in pages[2:]:
        chef_client.post(f"/gruppomgang/{session.id}/nasta")
    for person in (a, b, c):
        assert set(pages) <= read_page_ids(person)
    assert set(pages[1:]) <= read_page_ids(no_phone)  # present from the second page on
    assert read_page_ids(removed).isdisjoint(pages[2:])
    assert read_page_ids(leaver).isdisjoint(pages[2:])

    # the knowledge check step: each person's own attempt, the usual rules
    chef_client.post(f"/gruppomgang/{session.id}/nasta")
    session = db.session.get(GroupSession, session.id)
    assert session.position_key == "1/check"
    lead = chef_client.get(f"/gruppomgang/{session.id}/leda").get_data(as_text=True)
    assert "0 av 3 har svarat" in lead
    attempts = {person.id: start_own_check(clients[person.id], session) for person in (a, b, c)}
    assert {attempt.group_session_id for attempt in attempts.values()} == {session.id}
    assert {attempt.user_id for attempt in attempts.values()} == {a.id, b.id, c.id}
    for person, answers in ((a, correct_answers), (b, correct_answers), (c, wrong_answers)):
        attempt = attempts[person.id]
        response = clients[person.id].post(f"/kunskapskontroll/{attempt.id}", data=answers(attempt))
        assert response.status_code == 302
    result = clients[a.id].get(f"/kunskapskontroll/{attempts[a.id].id}").get_data(as_text=True)
    assert "Tillbaka till gruppomgången" in result
    passed = [db.session.get(Attempt, attempts[p.id].id).passed for p in (a, b, c)]
    assert passed == [True, True, False]
    lead = chef_client.get(f"/gruppomgang/{session.id}/leda").get_data(as_text=True)
    assert "3 av 3 har svarat" in lead
    # the no-phone person cannot take the check there and has no attempt
    assert (
        db.session.scalar(select(func.count(Attempt.id)).where(Attempt.user_id == no_phone.id)) == 0
    )

    # a completed the course at the session; b has modules left; the no-phone person nothing
    completion = db.session.scalar(select(Completion).where(Completion.user_id == a.id))
    assert completion.group_session_id == session.id
    assert completion.source == "earned"
    assert db.session.get(GroupSession, completion.group_session_id).leader_id == team.chef.id
    assert db.session.scalar(select(Completion).where(Completion.user_id == b.id)) is None
    assert db.session.scalar(select(Completion).where(Completion.user_id == no_phone.id)) is None
    # a's intyg works as any other
    assert a_client.get("/intyg").status_code == 200

    # reveal: three answers are too few for a distribution
    chef_client.post(f"/gruppomgang/{session.id}/visa-svar")
    lead = chef_client.get(f"/gruppomgang/{session.id}/leda").get_data(as_text=True)
    assert "Svarsfördelningen visas när minst 5 har svarat" in lead
    assert "group-answers" not in lead
    for prompt in outline_for(session.course_version_id).module(1).discuss_prompts:
        assert prompt.replace("'", "&#39;") in lead

    # the end: audited; the phones say so
    assert chef_client.post(f"/gruppomgang/{session.id}/avsluta").status_code == 302
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "group_session.ended")
    ).details == {"participants": 4}
    ended = clients[b.id].get(f"/gruppomgang/{session.id}").get_data(as_text=True)
    assert "Gruppomgången är avslutad" in ended
    lead = chef_client.get(f"/gruppomgang/{session.id}/leda").get_data(as_text=True)
    assert lead.count("<h1") == 1 and "Gruppomgången är avslutad" in lead
    assert chef_client.post(f"/gruppomgang/{session.id}/nasta").status_code == 302  # refused
    assert "Gruppomgången är avslutad" in chef_client.get(
        f"/gruppomgang/{session.id}/leda"
    ).get_data(as_text=True)

    # the Händelselogg shows the events in Swedish
    admin = make_user(email="admin@test.se")
    db.session.add(RoleAssignment(user_id=admin.id, role="admin"))
    db.session.commit()
    log = signed_in(app, admin).get("/admin/logg").get_data(as_text=True)
    assert "Gruppomgång startad" in log
    assert "Deltagare borttagen från gruppomgång" in log
    assert "Gruppomgång avslutad" in log
    assert f"Tog bort P4 {removed.last_name}" in log


def test_next_records_the_page_for_everyone_in_the_same_few_statements(app, team):
    chef_client = signed_in(app, team.chef)
    session = start(chef_client)
    first, later = team.people[:2], team.people[2:]
    for person in first:
        assert join(signed_in(app, person), session).status_code == 302
    with recorded_statements() as for_two:
        assert chef_client.post(f"/gruppomgang/{session.id}/nasta").status_code == 302
    for person in later:
        assert join(signed_in(app, person), session).status_code == 302
    with recorded_statements() as for_six:
        assert chef_client.post(f"/gruppomgang/{session.id}/nasta").status_code == 302
    assert len(for_six) == len(for_two)  # one bulk INSERT, not one per person
    pages = module_pages(1)
    for person in first:
        assert set(pages[:3]) <= read_page_ids(person)
    for person in later:
        assert {pages[1], pages[2]} <= read_page_ids(person) and pages[0] not in read_page_ids(
            person
        )


def test_no_phone_person_reads_everything_and_the_reminder_says_checks_remain(app, team):
    chef_client = signed_in(app, team.chef)
    no_phone, phone = team.people[0], team.people[1]
    session = start(chef_client, modules=(1, 2, 3, 4, 5))
    chef_client.post(f"/gruppomgang/{session.id}/narvarande", data={"person": no_phone.id})
    join(signed_in(app, phone), session)
    session = db.session.get(GroupSession, session.id)
    steps = services.steps_of(outline_for(session.course_version_id), session.module_positions)
    for _ in steps[1:]:
        chef_client.post(f"/gruppomgang/{session.id}/nasta")
    all_pages = {p.id for m in outline_for(session.course_version_id).modules for p in m.pages}
    assert all_pages <= read_page_ids(no_phone)
    assert only_checks_left([no_phone.id, team.people[2].id], "grundutbildning") == {no_phone.id}
    # the chef's Påminn shows the e-mail with the sentence
    preview = chef_client.get(f"/paminnelser/paminn/{no_phone.id}")
    assert preview.status_code == 200
    assert "det som återstår är kunskapskontrollerna" in preview.get_data(as_text=True)


def test_the_code_rotates_and_old_codes_are_refused(app, team):
    secret = codes.new_join_secret()
    moment = datetime(2026, 12, 7, 13, 0, 5, tzinfo=UTC)
    code = codes.current_code(secret, moment)
    assert codes.is_code_shaped(code)
    assert codes.code_is_valid(secret, code, moment)
    assert codes.code_is_valid(secret, code, moment + timedelta(seconds=30))  # previous window
    assert not codes.code_is_valid(secret, code, moment + timedelta(seconds=60))
    assert codes.code_has_expired(secret, code, moment + timedelta(seconds=60))
    assert codes.seconds_left(moment) == 25

    chef_client = signed_in(app, team.chef)
    session = start(chef_client)
    person = signed_in(app, team.people[0])
    now = utcnow()
    old = codes.code_in_window(session.join_secret, codes.time_window(now) - 2)
    response = join(person, session, old)
    assert response.status_code == 200
    assert "Koden har gått ut" in response.get_data(as_text=True)
    assert participant(session, team.people[0]) is None
    previous = codes.code_in_window(session.join_secret, codes.time_window(now) - 1)
    assert join(person, session, previous).status_code == 302
    wrong = f"{(int(code_now(session)) + 1) % 1_000_000:06d}"
    other = signed_in(app, team.people[1])
    response = join(other, session, wrong)
    assert "Koden stämmer inte" in response.get_data(as_text=True)
    assert "Skriv koden med sex siffror" in join(other, session, "12ab").get_data(as_text=True)


def test_the_code_window_under_a_frozen_clock(app, team, monkeypatch):
    chef_client = signed_in(app, team.chef)
    session = start(chef_client)
    frozen = datetime(2026, 12, 7, 13, 0, 1, tzinfo=UTC)
    code = codes.current_code(session.join_secret, frozen)
    person = signed_in(app, team.people[0])
    monkeypatch.setattr("vbe_learn.groups.views.utcnow", lambda: frozen + timedelta(seconds=58))
    assert join(person, session, code).status_code == 302  # still the previous window
    other = signed_in(app, team.people[1])
    monkeypatch.setattr("vbe_learn.groups.views.utcnow", lambda: frozen + timedelta(seconds=61))
    response = join(other, session, code)
    assert "Koden har gått ut" in response.get_data(as_text=True)
    assert participant(session, team.people[1]) is None


def test_closed_joining_refuses_until_reopened(app, team):
    chef_client = signed_in(app, team.chef)
    session = start(chef_client)
    assert chef_client.post(f"/gruppomgang/{session.id}/stang").status_code == 302
    lead = chef_client.get(f"/gruppomgang/{session.id}/leda").get_data(as_text=True)
    assert "Öppna anslutningen" in lead
    person = signed_in(app, team.people[0])
    response = join(person, session)
    assert "Anslutningen till gruppomgången är stängd" in response.get_data(as_text=True)
    assert participant(session, team.people[0]) is None
    chef_client.post(f"/gruppomgang/{session.id}/oppna")
    assert join(person, session).status_code == 302


def test_join_page_prefilled_from_the_qr_code_and_login_returns_to_it(app, team):
    chef_client = signed_in(app, team.chef)
    session = start(chef_client)
    lead = chef_client.get(f"/gruppomgang/{session.id}/leda").get_data(as_text=True)
    assert "<svg" in lead and "group-qr-code" in lead
    code = code_now(session)
    assert codes.spaced(code) in lead
    anonymous = app.test_client()
    address = f"/gruppomgang/delta?kod={code}&g={session.id}"
    response = anonymous.get(address)
    assert response.status_code == 302
    assert "/logga-in" in response.headers["Location"]
    login = anonymous.post(
        response.headers["Location"],
        data={"email": team.people[0].email, "password": PASSWORD},
    )
    assert login.headers["Location"] == address
    page = anonymous.get(address).get_data(as_text=True)
    assert f'value="{code}"' in page
    assert f'value="{session.id}"' in page
    response = anonymous.post(
        "/gruppomgang/delta", data={"kod": code, "gruppomgang": str(session.id)}
    )
    assert response.status_code == 302


def test_poll_answers_small_json_with_etag_and_304(app, team):
    chef_client = signed_in(app, team.chef)
    session = start(chef_client)
    person = signed_in(app, team.people[0])
    join(person, session)
    first = person.get(f"/gruppomgang/{session.id}/status.json")
    assert first.status_code == 200
    body = first.get_json()
    assert set(body) == {"v", "status", "position", "module", "step", "page", "title"}
    assert body["position"] == "1/page/1"
    assert len(first.get_data()) < 400
    etag = first.headers["ETag"]
    again = person.get(f"/gruppomgang/{session.id}/status.json", headers={"If-None-Match": etag})
    assert again.status_code == 304
    chef_client.post(f"/gruppomgang/{session.id}/nasta")
    moved = person.get(f"/gruppomgang/{session.id}/status.json", headers={"If-None-Match": etag})
    assert moved.status_code == 200
    assert moved.get_json()["position"] == "1/page/2"
    assert moved.headers["ETag"] != etag

    leader = chef_client.get(f"/gruppomgang/{session.id}/status.json")
    state = leader.get_json()
    assert state["code"] == code_now(session)
    assert state["present"] == 1 and state["answered"] == 0
    assert len(leader.get_data()) < 500
    same = chef_client.get(
        f"/gruppomgang/{session.id}/status.json", headers={"If-None-Match": leader.headers["ETag"]}
    )
    assert same.status_code in (200, 304)  # 200 only when the code's window just changed


def test_another_chef_cannot_see_or_control_the_session(app, team):
    chef_client = signed_in(app, team.chef)
    session = start(chef_client)
    session_id = session.id
    other = signed_in(app, team.other_chef)
    for path in ("leda", "status.json", "deltagare", "kod", ""):
        assert other.get(f"/gruppomgang/{session_id}/{path}".rstrip("/")).status_code == 404
    for action in ("nasta", "foregaende", "visa-svar", "stang", "oppna", "avsluta"):
        assert other.post(f"/gruppomgang/{session_id}/{action}").status_code == 404
    session = db.session.get(GroupSession, session_id)
    assert session.position_key == "1/page/1" and session.joining_open and session.is_open
    # a missing session answers the same
    assert other.get("/gruppomgang/999999/leda").status_code == 404
    # nor may they mark present, in another förvaltning, someone outside their reach
    response = chef_client.post(
        f"/gruppomgang/{session_id}/narvarande", data={"person": team.other_chef.id}
    )
    assert response.status_code == 404


def test_a_participant_answers_only_for_themself(app, team):
    chef_client = signed_in(app, team.chef)
    session = start(chef_client)
    session_id = session.id
    a, b = team.people[0], team.people[1]
    a_client, b_client = signed_in(app, a), signed_in(app, b)
    join(a_client, session)
    join(b_client, session)
    for _ in module_pages(1):
        chef_client.post(f"/gruppomgang/{session_id}/nasta")
    a_attempt = start_own_check(a_client, session)
    attempt_id, answers = a_attempt.id, correct_answers(a_attempt)
    response = b_client.post(f"/kunskapskontroll/{attempt_id}", data=answers)
    assert response.status_code == 404
    assert b_client.get(f"/kunskapskontroll/{attempt_id}").status_code == 404
    a_attempt = db.session.get(Attempt, attempt_id)
    assert a_attempt.submitted_at is None
    # a participant removed from the session cannot start a check there
    chef_client.post(
        f"/gruppomgang/{session_id}/ta-bort",
        data={"deltagare": participant(db.session.get(GroupSession, session_id), b).id},
    )
    assert b_client.post(f"/gruppomgang/{session_id}/kunskapskontroll").status_code == 404
    # nor join again with the code
    response = join(b_client, db.session.get(GroupSession, session_id))
    assert "har tagit bort dig" in response.get_data(as_text=True)


def test_the_distribution_stays_hidden_before_the_reveal_and_under_five(app, team):
    chef_client = signed_in(app, team.chef)
    session = start(chef_client)
    people = team.people[:5]
    clients = [signed_in(app, person) for person in people]
    for client in clients:
        join(client, session)
    for _ in module_pages(1):
        chef_client.post(f"/gruppomgang/{session.id}/nasta")
    for client in clients[:4]:
        attempt = start_own_check(client, session)
        client.post(f"/kunskapskontroll/{attempt.id}", data=correct_answers(attempt))
    # before the reveal: nothing on the leader's screen, nothing for the phones
    lead = chef_client.get(f"/gruppomgang/{session.id}/leda").get_data(as_text=True)
    assert "4 av 5 har svarat" in lead
    assert "Svarsfördelning</h3>" not in lead
    for client in clients:
        page = client.get(f"/gruppomgang/{session.id}").get_data(as_text=True)
        assert "Svarsfördelning" not in page and "Rätt svar" not in page
        poll = client.get(f"/gruppomgang/{session.id}/status.json").get_json()
        assert set(poll) == {"v", "status", "position", "module", "step", "page", "title"}
        assert client.get(f"/gruppomgang/{session.id}/leda").status_code == 404
        assert client.post(f"/gruppomgang/{session.id}/visa-svar").status_code == 404
    # four answers: revealed, still nothing
    chef_client.post(f"/gruppomgang/{session.id}/visa-svar")
    lead = chef_client.get(f"/gruppomgang/{session.id}/leda").get_data(as_text=True)
    assert "Nu har 4 svarat" in lead and "group-answers" not in lead
    # the fifth answer: the distribution, anonymous, per question
    attempt = start_own_check(clients[4], session)
    clients[4].post(f"/kunskapskontroll/{attempt.id}", data=wrong_answers(attempt))
    lead = chef_client.get(f"/gruppomgang/{session.id}/leda").get_data(as_text=True)
    assert "5 har svarat" in lead and "group-answers" in lead
    assert "Rätt svar" in lead
    for person in people:
        assert person.last_name not in lead.split("group-present", 1)[1].split("</section>")[0]
    # the phones still see no distribution
    page = clients[0].get(f"/gruppomgang/{session.id}").get_data(as_text=True)
    assert "group-answers" not in page and "Rätt svar" not in page


def test_breakdown_by_how_earned_on_the_followup_pages(app, team):
    from vbe_learn.followup.earned import earned_breakdown

    chef_client = signed_in(app, team.chef)
    session = start(chef_client)
    version = course().current_version
    today = date.today()
    group, alone, imported = team.people[:3]
    for person, source, group_id in (
        (group, "earned", session.id),
        (alone, "earned", None),
        (imported, "imported", None),
    ):
        db.session.add(
            Completion(
                user_id=person.id,
                course_id=version.course_id,
                course_version_id=version.id if source == "earned" else None,
                completed_on=today - timedelta(days=1),
                source=source,
                certificate_code=f"TEST-{person.id:04d}-{source[:4].upper()}",
                group_session_id=group_id,
            )
        )
    db.session.commit()
    found = earned_breakdown(today, 3, [team.administration_id])
    assert (found.alone, found.group, found.imported) == (1, 1, 1)
    assert earned_breakdown(today, 3, None).group == 1

    coordinator = make_user(email="samordnare@test.se")
    central = make_user(email="central@test.se")
    db.session.add_all([
        RoleAssignment(
            user_id=coordinator.id, role="samordnare", administration_id=team.administration_id
        ),
        RoleAssignment(user_id=central.id, role="central_samordnare"),
    ])  # fmt: skip
    db.session.commit()
    page = signed_in(app, coordinator).get(f"/uppfoljning/forvaltning/{team.administration_id}")
    text = page.get_data(as_text=True)
    assert "Starta gruppomgång" in text
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', text))
    assert rows["På egen hand"] == "1"
    assert rows["Vid gruppomgång"] == "1"
    assert rows["Importerade"] == "1"
    overview = signed_in(app, central).get("/uppfoljning/").get_data(as_text=True)
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', overview))
    assert rows["Vid gruppomgång"] == "1" and rows["På egen hand"] == "1"


def test_a_samordnare_leads_a_mixed_group_for_their_forvaltning(app, team):
    coordinator = make_user(email="samordnare@test.se")
    db.session.add(
        RoleAssignment(
            user_id=coordinator.id, role="samordnare", administration_id=team.administration_id
        )
    )
    db.session.commit()
    client = signed_in(app, coordinator)
    form = client.get(f"/gruppomgang/ny?forvaltning={team.administration_id}")
    assert form.status_code == 200
    response = client.post(
        "/gruppomgang/ny", data={"moduler": ["2", "3"], "forvaltning": team.administration_id}
    )
    assert response.status_code == 302
    session = db.session.scalar(
        select(GroupSession).where(GroupSession.leader_id == coordinator.id)
    )
    assert session.administration_id == team.administration_id
    assert session.module_positions == [2, 3] and session.position_key == "2/page/1"
    # by name, within the förvaltning only
    lead = client.get(f"/gruppomgang/{session.id}/leda?namn=P1").get_data(as_text=True)
    assert "Markera närvarande: P1" in lead
    outside = client.post(
        f"/gruppomgang/{session.id}/narvarande", data={"person": team.other_chef.id}
    )
    assert outside.status_code == 404
    # another förvaltning, or none chosen without being a chef: 404
    assert client.get("/gruppomgang/ny").status_code == 404
    assert client.get("/gruppomgang/ny?forvaltning=999999").status_code == 404
    # a plain medarbetare may not lead
    assert signed_in(app, team.people[0]).get("/gruppomgang/ny").status_code == 404


def test_start_without_modules_changes_nothing(app, team):
    client = signed_in(app, team.chef)
    response = client.post("/gruppomgang/ny", data={})
    assert response.status_code == 200
    assert "Välj minst en modul" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(GroupSession.id))) == 0
