"""/healthz: 200 "ok" when the database answers, 503 when it does not; no login, no writes."""

from vbe_learn import create_app
from vbe_learn.core.config import TestConfig
from vbe_learn.core.extensions import db


def test_healthz_is_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok\n"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_healthz_uses_its_own_connection_not_the_request_session(client, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("healthz must not use the request's session")

    monkeypatch.setattr(db.session, "execute", refuse)
    monkeypatch.setattr(db.session, "scalar", refuse)
    assert client.get("/healthz").status_code == 200


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    missing = tmp_path / "no-such-folder" / "vbe.db"
    config = type("Down", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"})
    down = create_app(config)
    response = down.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_data(as_text=True) == "unavailable\n"
    with down.app_context():
        db.engine.dispose()


def test_healthz_is_503_when_postgresql_refuses(app):
    url = "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2"
    down = create_app(type("Down", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    assert down.test_client().get("/healthz").status_code == 503
    with down.app_context():
        db.engine.dispose()
