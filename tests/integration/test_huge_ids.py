"""An id beyond the database's integer range, in any URL, answers 404 and never 500
(PostgreSQL refuses such a number in a query; SQLite's driver cannot even bind 10**20)."""

import re

import pytest

from tests.factories import make_unit, make_user
from vbe_learn.core.extensions import db
from vbe_learn.core.urls import MAX_DATABASE_ID
from vbe_learn.models import RoleAssignment

HUGE = (2**31, 10**20)

# Every route with a number in its path, the number written as {n}.
ROUTES = [
    ("GET", "/admin/roller/{n}/ta-bort"),
    ("POST", "/admin/roller/{n}/ta-bort"),
    ("GET", "/paminnelser/paminn/{n}"),
    ("POST", "/paminnelser/paminn/{n}"),
    ("GET", "/paminnelser/forvaltning/{n}/paminn-alla"),
    ("POST", "/paminnelser/forvaltning/{n}/paminn-alla"),
    ("GET", "/paminnelser/forvaltning/{n}/paminn/1"),
    ("POST", "/paminnelser/forvaltning/1/paminn/{n}"),
    ("GET", "/uppfoljning/forvaltning/{n}/ej-klara"),
    ("GET", "/uppfoljning/forvaltning/{n}"),
    ("GET", "/uppfoljning/person/{n}"),
    ("GET", "/uppfoljning/enhet/{n}"),
    ("GET", "/kurs/grundutbildning/{n}/1"),
    ("GET", "/kurs/grundutbildning/1/{n}"),
    ("POST", "/kurs/grundutbildning/{n}/1/last"),
    ("POST", "/kurs/grundutbildning/1/{n}/last"),
    ("POST", "/kurs/grundutbildning/{n}/1/visad"),
    ("POST", "/kurs/grundutbildning/1/{n}/visad"),
    ("GET", "/kurs/grundutbildning/{n}/kunskapskontroll"),
    ("POST", "/kurs/grundutbildning/{n}/kunskapskontroll"),
    ("GET", "/kunskapskontroll/{n}"),
    ("POST", "/kunskapskontroll/{n}"),
    ("GET", "/kurs/grundutbildning/{n}/bilder/bild.png"),
    ("POST", "/mina-exporter/{n}"),
    ("GET", "/gruppomgang/{n}"),
    ("GET", "/gruppomgang/{n}/leda"),
    ("GET", "/gruppomgang/{n}/status.json"),
    ("GET", "/gruppomgang/{n}/deltagare"),
    ("GET", "/gruppomgang/{n}/kod"),
    ("POST", "/gruppomgang/{n}/nasta"),
    ("POST", "/gruppomgang/{n}/foregaende"),
    ("POST", "/gruppomgang/{n}/visa-svar"),
    ("POST", "/gruppomgang/{n}/stang"),
    ("POST", "/gruppomgang/{n}/oppna"),
    ("POST", "/gruppomgang/{n}/avsluta"),
    ("POST", "/gruppomgang/{n}/ta-bort"),
    ("POST", "/gruppomgang/{n}/narvarande"),
    ("POST", "/gruppomgang/{n}/kunskapskontroll"),
    ("POST", "/gruppomgang/{n}/lamna"),
]
# The same path has a GET rule and a POST rule: Werkzeug's router answers 405 for the
# other rule's method before it converts the number (still never a 500).
METHOD_FIRST = {
    ("POST", "/kurs/grundutbildning/{n}/kunskapskontroll"),
    ("POST", "/admin/roller/{n}/ta-bort"),
}
QUERY_IDS = [
    "/uppfoljning/fragor?forvaltning={n}",
    "/uppfoljning/fragor?version={n}",
    "/gruppomgang/ny?forvaltning={n}",
]


@pytest.fixture
def everything(client, auth):
    """Logged in as someone who reaches everything: admin and central samordnare."""
    person = make_user(unit=make_unit())
    for role in ("admin", "central_samordnare"):
        db.session.add(RoleAssignment(user_id=person.id, role=role))
    db.session.commit()
    assert auth.login(person.email).status_code == 302
    return client


def test_every_numbered_route_uses_the_id_converter_and_is_tried_here(app):
    rules = [rule.rule for rule in app.url_map.iter_rules()]
    assert not [rule for rule in rules if "<int:" in rule or "<float:" in rule]
    numbered = {re.sub(r"<id:[a-z_]+>", "{n}", rule) for rule in rules if "<id:" in rule}
    tried = {re.sub(r"/1(?=/|$)", "/{n}", path) for _, path in ROUTES}
    tried = {
        path.replace("grundutbildning", "<slug>").replace("bild.png", "<name>") for path in tried
    }
    assert numbered <= tried


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_a_huge_id_in_a_path_is_not_found(everything, method, path, number):
    response = everything.open(path.format(n=number), method=method)
    if (method, path) in METHOD_FIRST:
        assert response.status_code == 405
        return
    assert response.status_code == 404
    assert "Sidan finns inte" in response.get_data(as_text=True)


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize("path", QUERY_IDS)
def test_a_huge_id_in_a_query_string_is_not_found(everything, path, number):
    assert everything.get(path.format(n=number)).status_code == 404


def test_the_largest_database_id_is_still_a_route_just_not_found(everything):
    assert everything.get(f"/uppfoljning/person/{MAX_DATABASE_ID}").status_code == 404
    assert everything.get(f"/kunskapskontroll/{MAX_DATABASE_ID}").status_code == 404
