"""In Debian's Chromium: log in with the city's account (a loopback OIDC provider), then
download Mina uppgifter."""

import json
import re

import pytest

from tests.e2e.playwright_api import expect
from tests.factories import make_unit, make_user
from tests.oidc_provider import OidcProvider
from vbe_learn.core.extensions import db

pytestmark = [pytest.mark.live, pytest.mark.browser]


@pytest.fixture
def provider(live_app, live_server, monkeypatch):
    """A provider on loopback, and the live app configured for it (match by anställningsnummer)."""
    server = OidcProvider().start()
    for key, value in {
        "OIDC_ISSUER": server.issuer,
        "OIDC_CLIENT_ID": server.client_id,
        "OIDC_CLIENT_SECRET": server.client_secret,
        "OIDC_MATCH_CLAIM": "employeeid",
        "OIDC_MATCH_FIELD": "employee_number",
    }.items():
        monkeypatch.setitem(live_app.config, key, value)
    yield server
    server.stop()


def test_city_login_then_mina_uppgifter(app, page, live_server, provider):
    with app.app_context():
        unit = make_unit("Enskede-Årsta-Vantörs stadsdelsförvaltning", "Förskola Blåklinten")
        make_user(
            email="karin.sso@test.stockholm.se", first_name="Karin", last_name="Stadskonto",
            employee_number="S4711", unit=unit, password_hash=None,
        )  # fmt: skip
        db.session.commit()
    provider.reset({"sub": "city-karin", "employeeid": "S4711"})

    page.goto("/logga-in")
    page.get_by_role("link", name="Logga in med stadens konto").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server)}/min-utbildning$"))
    (authorize,) = provider.authorize_requests
    assert authorize["code_challenge_method"] == "S256"

    page.get_by_role("link", name="Mina uppgifter").click()
    expect(page.get_by_role("heading", name="Mina uppgifter")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Hämta mina uppgifter (JSON)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("mina-uppgifter-")
    data = json.loads(download.path().read_text(encoding="utf-8"))
    (profile,) = data["profil"]
    assert (profile["förnamn"], profile["anställningsnummer"]) == ("Karin", "S4711")
    assert profile["enhet"] == "Förskola Blåklinten" and profile["har_lösenord"] is False
