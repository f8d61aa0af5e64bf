"""Security headers and caching rules."""

import re

from tests.factories import make_user


def test_pages_carry_security_headers_and_are_not_cached(client, auth):
    login_page = client.get("/logga-in")
    assert login_page.headers["Cache-Control"] == "no-store"
    assert login_page.headers["X-Content-Type-Options"] == "nosniff"
    csp = login_page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "object-src 'none'" in csp
    assert "img-src 'self' data:;" in csp  # Designsystemet's icons are CSS masks of data URIs
    assert login_page.headers["Referrer-Policy"] == "same-origin"
    assert login_page.headers["X-Frame-Options"] == "DENY"
    auth.login(make_user().email)
    assert client.get("/min-utbildning").headers["Cache-Control"] == "no-store"


def test_static_assets_are_served_locally_and_cacheable(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_no_page_refers_to_another_host(client, auth):
    auth.login(make_user().email)
    for path in ("/logga-in", "/min-utbildning", "/kurs/grundutbildning/1/1", "/intyg"):
        html = client.get(path).get_data(as_text=True)
        assert 'src="http' not in html and 'href="//' not in html
        scripts = re.findall(r"<script[^>]*>", html)  # only the app's own files, never inline
        assert all(re.fullmatch(r'<script src="/static/js/[\w-]+\.js" defer>', s) for s in scripts)
        assert html.count("</script>") == len(scripts)


def test_errors_are_plain_swedish_pages_without_traces(client):
    response = client.get("/finns-inte")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_error_pages_and_health_checks_carry_the_headers_too(client):
    for response in (client.get("/finns-inte"), client.get("/healthz")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"] == "no-store"
