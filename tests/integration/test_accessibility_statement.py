"""The tillgänglighetsredogörelse: public, in every footer, names the pinned axe-core."""

from datetime import date

from tests.e2e.axe import pinned_axe_version
from tests.factories import make_user
from vbe_learn.accessibility.statement import (
    ASSESSED_ON,
    AXE_CORE_VERSION,
    UPDATED_ON,
)
from vbe_learn.models.types import swedish_date

FOOTER_LINK = '<a href="/tillganglighet">Tillgänglighetsredogörelse</a>'


def test_the_statement_names_the_axe_core_that_package_lock_pins():
    assert AXE_CORE_VERSION == pinned_axe_version()


def test_swedish_dates_in_running_text():
    assert swedish_date(date(2026, 11, 24)) == "24 november 2026"
    assert swedish_date(date(2027, 1, 5)) == "5 januari 2027"


def test_anyone_can_read_the_statement(client):
    response = client.get("/tillganglighet")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Tillgänglighetsredogörelse</h1>" in html
    for heading in (
        "Hur tillgänglig är tjänsten?",
        "Vad kan du göra om du inte kan använda delar av tjänsten?",
        "Rapportera brister i tjänstens tillgänglighet",
        "Tillsyn",
        "Innehåll som inte är tillgängligt",
        "Hur vi testat tjänsten",
    ):
        assert f">{heading}</h" in html, heading
    assert f"axe-core version {AXE_CORE_VERSION}" in html
    assert f"den {swedish_date(ASSESSED_ON)}" in html
    assert f"uppdaterades senast den {swedish_date(UPDATED_ON)}" in html
    assert "Myndigheten för digital förvaltning (Digg)" in html
    assert "375 × 667 pixlar" in html


def test_every_page_links_to_the_statement_in_its_footer(client, auth):
    pages = ["/logga-in", "/glomt-losenord", "/tillganglighet", "/finns-inte", "/intyg/okand"]
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        footer = html[html.index('<footer class="site-footer">') :]
        assert FOOTER_LINK in footer, path
    auth.login(make_user().email)
    for path in ("/min-utbildning", "/intyg", "/kurs/grundutbildning/1/1", "/tillganglighet"):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert FOOTER_LINK in html[html.index('<footer class="site-footer">') :], path
