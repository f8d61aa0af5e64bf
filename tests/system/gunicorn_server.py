"""A real gunicorn (gunicorn.conf.py, several workers) on a database of its own, and a small
HTTP learner (cookies, CSRF tokens, no redirects followed) for the system tests."""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import Engine, make_url

from tests.factories import APP_SESSION, load_courses
from vbe_learn import create_app
from vbe_learn.auth.passwords import hash_password
from vbe_learn.core.config import TestConfig
from vbe_learn.core.extensions import db
from vbe_learn.models import Attempt, Module, Option, Page, User
from vbe_learn.models.org import new_session_token

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "ratt-losenord-123"
CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_database(url: str, name: str, create: bool) -> str:
    """Create (or drop) a PostgreSQL database next to the test database; return its URL."""
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        if create:
            connection.execute(text(f"CREATE DATABASE {name}"))
    server.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@contextmanager
def fresh_database(workdir: Path, name: str) -> Iterator[str]:
    """The URL of an empty database of its own for a server: a SQLite file in workdir, or,
    when the suite runs on PostgreSQL, a database next to the test database (dropped after)."""
    from tests.conftest import TEST_DATABASE_URL

    if not TEST_DATABASE_URL:
        yield f"sqlite:///{workdir / f'{name}.db'}"
        return
    pg_name = f"{make_url(TEST_DATABASE_URL).database}_{name}_{uuid.uuid4().hex[:6]}"
    try:
        yield postgres_database(TEST_DATABASE_URL, pg_name, create=True)
    finally:
        postgres_database(TEST_DATABASE_URL, pg_name, create=False)


class Server:
    """gunicorn app:app with the repository's gunicorn.conf.py."""

    def __init__(self, database_url: str, workdir: Path, workers: int = 3, env: dict | None = None):
        self.database_url = database_url
        self.port = free_port()
        self.log_path = workdir / "gunicorn.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "system-test-secret-key-0123456789",
            "VBE_ENV": "development",
            "LOG_FORMAT": "json",
            "REDIS_URL": "",
            "FLASK_APP": "app.py",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_TIMEOUT": "60",
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None
        self.engine: Engine = create_engine(database_url)

    def prepare(self, learners: int) -> list[str]:
        """Migrate, load the courses, add learners (one shared password hash); their e-mails."""
        app = create_app(
            type("System", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": self.database_url})
        )
        suite_session = db.session
        db.session = APP_SESSION  # not the suite's test-bound session
        try:
            with app.app_context():
                upgrade(directory=str(REPO / "migrations"))
                load_courses()
                db.session.commit()
                db.session.remove()
                db.engine.dispose()
        finally:
            db.session = suite_session
        hashed = hash_password(PASSWORD)
        emails = [f"larare{n}@system.test" for n in range(learners)]
        if not emails:
            return emails
        with self.engine.begin() as connection:
            connection.execute(
                insert(User.__table__),
                [
                    {"email": e, "first_name": "Lär", "last_name": f"Are{n}", "active": True,
                     "password_hash": hashed, "session_token": new_session_token(),
                     "close_to_residents": False}
                    for n, e in enumerate(emails)
                ],
            )  # fmt: skip
        return emails

    def start(self) -> None:
        """Start gunicorn and wait until /healthz answers."""
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "app:app", "--config", str(REPO / "gunicorn.conf.py")],
            cwd=REPO, env=self.env, stdout=log, stderr=log,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log()}")
            try:
                if request(self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within 60 s:\n{self.log()}")

    def workers(self) -> list[int]:
        """The pids of the worker processes (children of the gunicorn master)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def log(self) -> str:
        """Everything gunicorn and the app wrote so far."""
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        """Stop gunicorn (quick shutdown, then for sure) and release the database."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.engine.dispose()

    # --- reading the database --------------------------------------------------------

    def pages_per_module(self) -> dict[int, int]:
        """Module position → number of pages, in the course's current version."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(Module.position, Page.id).join(Page, Page.module_id == Module.id)
            ).all()
        counts: dict[int, int] = {}
        for position, _ in rows:
            counts[position] = counts.get(position, 0) + 1
        return counts

    def correct_answers(self, attempt_id: int) -> dict[str, list[str]]:
        """Form data answering every question of an attempt correctly."""
        with self.engine.connect() as connection:
            shown = connection.scalar(
                select(Attempt.questions_shown).where(Attempt.id == attempt_id)
            )
            ids = [item["question_id"] for item in shown]
            rows = connection.execute(
                select(Option.question_id, Option.id).where(
                    Option.question_id.in_(ids), Option.is_correct.is_(True)
                )
            ).all()
        answers: dict[str, list[str]] = {}
        for question_id, option_id in rows:
            answers.setdefault(f"q{question_id}", []).append(str(option_id))
        return answers


def request(
    port: int,
    method: str,
    path: str,
    body: str | bytes = "",
    cookies: str = "",
    content_type: str = "application/x-www-form-urlencoded",
):
    """One HTTP request; (status, headers, body text). Redirects are not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"Cookie": cookies} if cookies else {}
        if method == "POST":
            headers["Content-Type"] = content_type
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type."""
    boundary = f"----system-test-{uuid.uuid4().hex}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, data) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@dataclass
class Learner:
    """One person's browser: a cookie jar and the session's CSRF token."""

    port: int
    email: str
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""

    def send(self, method: str, path: str, data: dict | None = None, files: dict | None = None):
        """A request with this browser's cookies (and CSRF token on POSTs); `files` (field →
        (filename, bytes)) makes it a multipart upload."""
        body: str | bytes = ""
        content_type = "application/x-www-form-urlencoded"
        if method == "POST" and files:
            body, content_type = multipart({**(data or {}), "csrf_token": self.token}, files)
        elif method == "POST":
            body = urllib.parse.urlencode({**(data or {}), "csrf_token": self.token}, doseq=True)
        jar = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        status, headers, text_ = request(self.port, method, path, body, jar, content_type)
        for header in headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        found = CSRF.search(text_)
        if found:
            self.token = found.group(1)
        return status, headers, text_

    def log_in(self, landing: str = "/min-utbildning") -> None:
        """Log in through the real form; fetch a page to learn the new session's token."""
        self.send("GET", "/logga-in")
        status, _, _ = self.send("POST", "/logga-in", {"email": self.email, "password": PASSWORD})
        assert status == 302, status
        assert self.send("GET", landing)[0] == 200

    def read_module(self, position: int, pages: int) -> None:
        """Press "Nästa" on every page of a module."""
        for page in range(1, pages + 1):
            status = self.send("POST", f"/kurs/grundutbildning/{position}/{page}/last")[0]
            assert status == 302, (position, page, status)

    def start_check(self, position: int) -> int:
        """Start a module's knowledge check; the attempt's id."""
        status, headers, _ = self.send("POST", f"/kurs/grundutbildning/{position}/kunskapskontroll")
        assert status == 302, status
        return int(headers["Location"].rsplit("/", 1)[1])
