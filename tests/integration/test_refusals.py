"""Refused access is logged: each request for something out of reach answers 404, logs the
actor, the path and the id, and leaves an audit event that is committed although the
request itself is rolled back (tests marked `live`: real commits, read back on another
connection). The Händelselogg lists people refused many times."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_unit, make_user, read_all_pages, start_check
from vbe_learn.admin.log import MANY_REFUSALS, refused_often
from vbe_learn.core.audit import record
from vbe_learn.core.extensions import db
from vbe_learn.core.refusals import REFUSED
from vbe_learn.models import AuditEvent, RoleAssignment
from vbe_learn.models.types import utcnow


def committed_refusals(app, user_id: int) -> list[tuple[str, dict]]:
    """(target, details) of the person's refusals, as another connection sees them."""
    with app.app_context(), db.engine.connect() as connection:
        rows = connection.execute(
            select(AuditEvent.target, AuditEvent.details)
            .where(AuditEvent.action == REFUSED, AuditEvent.actor_id == user_id)
            .order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]


def person(app, administration: str, role: str | None = None) -> tuple[int, str, int]:
    """A committed person in an enhet of their own, optionally samordnare for its
    förvaltning: (id, e-post, förvaltning id)."""
    with app.app_context():
        user = make_user(unit=make_unit(administration))
        administration_id = user.unit.department.administration_id
        if role:
            db.session.add(
                RoleAssignment(user_id=user.id, role=role, administration_id=administration_id)
            )
            db.session.commit()
        return user.id, user.email, administration_id


@pytest.mark.live
def test_another_persons_page_is_refused_logged_and_committed(app, client, auth, caplog):
    caplog.set_level(logging.INFO, logger="vbe_learn.access")
    curious, email, _ = person(app, "Kulturförvaltningen")
    other, _, _ = person(app, "Miljöförvaltningen")
    assert auth.login(email).status_code == 302
    path = f"/uppfoljning/person/{other}"
    assert client.get(path).status_code == 404
    assert f"event=access_refused actor_id={curious} path={path} kind=user id={other}" in (
        caplog.text
    )
    assert committed_refusals(app, curious) == [(f"user:{other}", {"path": path})]


@pytest.mark.live
@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/uppfoljning/forvaltning/{administration}", "administration"),
        ("/uppfoljning/fragor?forvaltning={administration}", "administration"),
        ("/kunskapskontroll/{attempt}", "attempt"),
        ("/uppfoljning/person/999999", "user"),  # missing and "not yours" look the same
    ],
)
def test_every_kind_of_refusal_is_committed(app, client, auth, path, kind):
    _, someone, administration = person(app, "Miljöförvaltningen")
    with app.app_context():
        auth.login(someone)
        read_all_pages(client, 1)
        attempt = start_check(client, 1).id
        auth.logout()
    curious, email, _ = person(app, "Kulturförvaltningen", role="samordnare")
    auth.login(email)
    assert (
        client.get(path.format(administration=administration, attempt=attempt)).status_code == 404
    )
    ((target, _),) = committed_refusals(app, curious)
    assert target.startswith(f"{kind}:")


@pytest.mark.live
def test_a_refused_post_is_committed_too(app, client, auth):
    curious, email, _ = person(app, "Kulturförvaltningen")
    auth.login(email)
    assert client.post("/kunskapskontroll/12345", data={}).status_code == 404
    assert [target for target, _ in committed_refusals(app, curious)] == ["attempt:12345"]


@pytest.mark.live
def test_pages_in_reach_record_nothing(app, client, auth):
    curious, email, _ = person(app, "Kulturförvaltningen")
    auth.login(email)
    assert client.get("/min-utbildning").status_code == 200
    assert client.get("/intyg").status_code == 200
    assert committed_refusals(app, curious) == []


def test_many_refusals_are_shown_on_the_handelselogg(client, auth):
    admin = make_user(first_name="Ada", last_name="Admin")
    db.session.add(RoleAssignment(user_id=admin.id, role="admin"))
    prober = make_user(first_name="Sam", last_name="Sondare")
    occasional = make_user(first_name="Olle", last_name="Ibland")
    for number in range(MANY_REFUSALS + 1):
        record(prober, REFUSED, f"user:{number}", path=f"/uppfoljning/person/{number}")
    for number in range(MANY_REFUSALS):
        record(occasional, REFUSED, f"user:{number}", path=f"/uppfoljning/person/{number}")
    db.session.commit()
    (row,) = refused_often()
    assert (row.user_id, row.refusals) == (prober.id, MANY_REFUSALS + 1)
    assert refused_often(now=utcnow() + timedelta(hours=25)) == []  # only the last 24 h
    auth.login(admin.email)
    html = client.get("/admin/logg").get_data(as_text=True)
    assert "Många nekade förfrågningar" in html
    section = html.split('id="nekade"')[1].split("Alla händelser")[0]
    assert "Sam Sondare" in section and f'<td class="num">{MANY_REFUSALS + 1}</td>' in section
    assert "Olle Ibland" not in section
    assert "Nekad förfrågan" in html  # each event in the log, with its label
