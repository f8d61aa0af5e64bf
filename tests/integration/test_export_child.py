"""The deltagarlista made in a forked child at nice 19 (exports/low_priority.py), for real.

These tests commit (`live`): the child reads through a connection of its own, which cannot
see the rolled-back transaction of the other tests (they run the same work in-process).
"""

import io
import os
import zipfile

import pytest
from sqlalchemy import func, select

from tests.integration.test_exports import CSV_URL, XLSX_URL, build_city
from vbe_learn.exports import giving_way, low_priority, services, writers
from vbe_learn.exports.low_priority import ExportFailed
from vbe_learn.extensions import db
from vbe_learn.models import AuditEvent, ExportLog

pytestmark = pytest.mark.live


@pytest.fixture
def central(app, auth, monkeypatch):
    """The city committed, the central samordnare logged in, exports in a child."""
    monkeypatch.setitem(app.config, "EXPORTS_IN_CHILD", True)
    with app.app_context():
        city = build_city()
        assert auth.login(city.people["central"].email).status_code == 302
    return city


@pytest.fixture
def children(monkeypatch) -> list[int]:
    """The pids of the children forked during the test."""
    pids: list[int] = []
    fork = os.fork

    def recording_fork() -> int:
        pid = fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recording_fork)
    return pids


def committed(app) -> tuple[list[tuple[str, int]], int]:
    """Export log rows (format, rows) and export audit events, as another connection sees them."""
    with app.app_context(), db.engine.connect() as connection:
        rows = connection.execute(
            select(ExportLog.format, ExportLog.row_count).order_by(ExportLog.id)
        )
        events = connection.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "export.participants")
        )
        return [tuple(row) for row in rows], events


def reaped(pid: int) -> bool:
    """True when the child is gone and reaped (no zombie left behind)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def download(client, url: str, data: dict | None = None):
    with client.post(url, data=data or {}) as response:
        response.get_data()
    return response


def xlsx_parts(body: bytes) -> dict[str, bytes]:
    """The XLSX's parts, without the creation time (docProps/core.xml)."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}


@pytest.mark.parametrize("url", [XLSX_URL, CSV_URL])
@pytest.mark.parametrize("data", [{}, {"status": "genomförd"}])
def test_a_child_makes_the_same_file_as_the_worker_and_logs_it_once(
    app, client, central, children, url, data
):
    in_child = download(client, url, data)
    assert in_child.status_code == 200 and len(children) == 1 and reaped(children[0])
    app.config["EXPORTS_IN_CHILD"] = False
    in_process = download(client, url, data)
    assert in_process.status_code == 200 and len(children) == 1
    if url == XLSX_URL:
        assert xlsx_parts(in_child.data) == xlsx_parts(in_process.data)
    else:
        assert in_child.data == in_process.data and in_child.data.startswith(b"\xef\xbb\xbf")
    rows = in_child.data.count(b"\r\n") - 1 if url == CSV_URL else None
    logged, events = committed(app)
    expected_rows = 7 if not data else 2
    assert logged == [(url[-4:].lstrip("."), expected_rows)] * 2 and events == 2
    assert rows in (None, expected_rows)


def test_the_child_runs_at_the_lowest_priority(app, client, central, children, monkeypatch):
    monkeypatch.setattr(writers, "CSV_CHUNK_ROWS", 1)
    response = client.post(CSV_URL, data={}, buffered=False)
    body = iter(response.response)
    next(body)
    with open(f"/proc/{children[0]}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    assert int(fields[16]) == low_priority.LOWEST_PRIORITY  # field 19: nice
    assert os.sched_getscheduler(children[0]) == os.SCHED_IDLE
    assert os.getpriority(os.PRIO_PROCESS, 0) != low_priority.LOWEST_PRIORITY
    response.close()
    assert reaped(children[0])


def test_write_file_runs_the_work_at_nice_19_and_returns_its_rows(app, tmp_path):
    def write(target: str) -> int:
        with open(target, "w") as file:
            file.write(str(os.getpriority(os.PRIO_PROCESS, 0)))
        return 42

    with app.app_context():
        app.config["EXPORTS_IN_CHILD"] = True
        try:
            assert low_priority.write_file(str(tmp_path / "out"), write) == 42
        finally:
            app.config["EXPORTS_IN_CHILD"] = False
    assert (tmp_path / "out").read_text() == "19"


def endless(_query):
    """A CSV that never ends: the child is still running when the client goes away."""
    yield b"header\r\n", 0
    while True:
        yield b"row\r\n" * 1000, 1000


@pytest.mark.parametrize("chunks_read", [1, 3])
def test_a_client_that_goes_away_leaves_no_zombie_and_logs_what_it_got(
    app, client, central, children, monkeypatch, chunks_read
):
    monkeypatch.setattr(services, "_participant_csv_pieces", endless)
    response = client.post(CSV_URL, data={}, buffered=False)
    body = iter(response.response)
    for _ in range(chunks_read):
        next(body)
    assert not reaped(children[0])  # still running, blocked on the full pipe
    response.close()  # as a WSGI server does when the client goes away
    assert reaped(children[0])
    assert committed(app) == ([("csv", 1000 * (chunks_read - 1))], 1)


def failing(*_args, **_kwargs):
    raise RuntimeError("the child broke")


@pytest.mark.parametrize(("url", "target"), [(XLSX_URL, "write_xlsx"), (CSV_URL, "csv_chunks")])
def test_a_child_that_fails_before_the_first_byte_is_a_swedish_error_and_logs_nothing(
    app, client, central, children, monkeypatch, url, target
):
    monkeypatch.setattr(services, target, failing)
    response = download(client, url)
    assert response.status_code == 500 and response.mimetype == "text/html"
    assert "Exporten misslyckades" in response.get_data(as_text=True)
    assert reaped(children[0])
    assert committed(app) == ([], 0)


def test_a_child_that_fails_while_streaming_logs_nothing(
    app, client, central, children, monkeypatch
):
    real_rows = services.participant_rows

    def one_row_then_failure(query):
        rows = real_rows(query)
        yield next(rows)
        raise RuntimeError("the child broke")

    monkeypatch.setattr(services, "participant_rows", one_row_then_failure)
    monkeypatch.setattr(writers, "CSV_CHUNK_ROWS", 1)
    response = client.post(CSV_URL, data={}, buffered=False)
    body = iter(response.response)
    assert next(body).startswith(b"\xef\xbb\xbf")  # the header: the download has begun
    with pytest.raises(ExportFailed, match="the child broke"):
        list(body)
    response.close()
    assert reaped(children[0])
    assert committed(app) == ([], 0)


@pytest.mark.parametrize("url", [XLSX_URL, CSV_URL])
def test_the_child_gives_way_to_other_processes(app, client, central, monkeypatch, tmp_path, url):
    looks = tmp_path / "looks"  # the child appends a byte per look at the load

    def recording_reader():
        def others_running() -> bool:
            with open(looks, "ab") as file:
                file.write(b".")
            return False

        return others_running

    monkeypatch.setattr(giving_way, "others_running_reader", recording_reader)
    monkeypatch.setattr(giving_way, "CHECK_EVERY_ROWS", 1)
    assert download(client, url).status_code == 200
    assert looks.read_bytes() == b"." * 7  # the child looked after each of the 7 rows
    app.config["EXPORTS_IN_CHILD"] = False
    looks.unlink()
    assert download(client, url).status_code == 200
    assert not looks.exists()  # in the worker itself: never
