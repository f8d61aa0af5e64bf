#!/usr/bin/env python3
"""Load test: 50 gruppomgångar at once (20 phones each) against gunicorn + the real app.

Run from the repository root:

    .venv/bin/python bench/group_sessions.py                      # SQLite, then PostgreSQL
    .venv/bin/python bench/group_sessions.py --sessions 5 --duration 30 --sqlite-only  # quick
    .venv/bin/python bench/group_sessions.py --help

For each database (SQLite in a temp file; PostgreSQL in a fresh database
`vbe_bench_groups_<pid>` on 127.0.0.1:5432, dropped at the end; skipped with a note when
unreachable, or with --sqlite-only; --postgres-only skips SQLite):

1. prepare as bench/learner.py does (`flask db upgrade`, `flask courses sync`, accounts in
   one bulk INSERT sharing one argon2 hash), then each leader made the chef of their
   --phones people (so that they may start a gruppomgång for their team);
2. `gunicorn app:app` with 4 sync workers (bench/learner.py's Gunicorn, an access log for
   the server-side times);
3. every leader and phone logs in (ramped at --login-rate per second; not measured). A
   leader starts a gruppomgång of the whole course (POST /gruppomgang/ny, the five modules)
   and shows its screen; its phones open the QR code's address and join with the code the
   leader's screen shows now (GET + POST /gruppomgang/delta), then follow the session. Once
   all its phones have joined (or given up) the leader closes joining and presses "Nästa"
   0–8 times (session i: i mod 9) so that the sessions stand at different steps of module
   1, as sessions started at different times would;
4. the measured phase: a phone polls status.json every --poll s (±10 %) with If-None-Match
   (a 304 while nothing changed), and loads the follow page when the position changed (as
   js/group-session.js reloads); when its session reaches a module's check it starts its own
   check (POST …/kunskapskontroll), loads the attempt, answers after --answer-think s (±50 %;
   random options) and hands it in (POST /kunskapskontroll/<id>), then goes back to the
   session. A leader polls every 2 s (as the script on the big screen) and every --advance
   s (±25 %, each starting at a random moment) presses "Nästa", or at a check "Visa
   svarsfördelning", and loads the screen again (the redirect). The offered load is about
   (phones + leaders) / poll requests per second: 1,050 / 2 s ≈ 525 req/s, plus the pages;
5. per request type: client-side p50/p95/p99, req/s and errors (HTTP status not expected,
   timeouts, exceptions) in the --duration s after a --warmup, the server-side p50/p95
   (gunicorn's access log), the CPU used by gunicorn, PostgreSQL, this client and other
   processes (the machine is shared: "other processes" says how much); JSON in
   bench/results/group_sessions-<db>.json.

Target (issue 20): p95 < 200 ms for every request type and no errors, on both databases,
on 2 cores. The exit status is 1 when any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import re
import sys
import tempfile
import time
import traceback
from pathlib import Path

import learner
from benchdb import add_database_choice, postgres_available, postgres_database
from lean_http import LeanBrowser

ROOT = Path(__file__).resolve().parent.parent
PG_DB = f"vbe_bench_groups_{os.getpid()}"
PG_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DB}"
TARGET_P95_MS = 200.0
LEADER_POLL_S = 2.0
MODULE_ONE_STEPS = 9  # module 1: its 7 pages, its check, its discussion

TYPES = {
    "phone_poll": "phone poll (status.json)",
    "phone_page": "phone follow page GET",
    "check_start": "check start POST",
    "attempt_get": "attempt GET",
    "attempt_submit": "attempt submit POST",
    "leader_poll": "leader poll (status.json)",
    "leader_next": "leader POST Nästa",
    "leader_reveal": "leader POST Visa svar",
    "leader_screen": "leader screen GET",
    "leader_fragment": "leader fragments GET",
}
SERVER_TYPES = [
    ("GET", re.compile(r"^/gruppomgang/\d+/status\.json$"), "poll"),
    ("GET", re.compile(r"^/gruppomgang/\d+$"), "phone_page"),
    ("POST", re.compile(r"^/gruppomgang/\d+/kunskapskontroll$"), "check_start"),
    ("GET", re.compile(r"^/kunskapskontroll/\d+$"), "attempt_get"),
    ("POST", re.compile(r"^/kunskapskontroll/\d+$"), "attempt_submit"),
    ("POST", re.compile(r"^/gruppomgang/\d+/nasta$"), "leader_next"),
    ("POST", re.compile(r"^/gruppomgang/\d+/visa-svar$"), "leader_reveal"),
    ("GET", re.compile(r"^/gruppomgang/\d+/leda$"), "leader_screen"),
    ("GET", re.compile(r"^/gruppomgang/\d+/(deltagare|kod)$"), "leader_fragment"),
]
LEAD_LOC_RE = re.compile(r"^/gruppomgang/(\d+)/leda")
REFUSAL_RE = re.compile(rb'data-color="danger">([^<]+)<')


def log(message: str) -> None:
    """Progress on stderr, figures on stdout."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def timed(stats, browser, kind, method, path, data=None, expect=(200,), headers=None):
    """One request, timed and recorded under `kind`; None (an error recorded) when it failed."""
    start = time.perf_counter()
    try:
        response = await browser.fetch(method, path, data, headers)
    except TimeoutError:
        stats.error(kind, start, "timeout", path)
        return None
    except OSError as exc:
        stats.error(kind, start, type(exc).__name__, f"{path}: {exc}")
        return None
    if response.status not in expect:
        where = f" -> {response.location.split('?')[0]}" if 300 <= response.status < 400 else ""
        stats.error(kind, start, f"HTTP {response.status}{where}", path)
        return None
    stats.ok(kind, start, time.perf_counter() - start)
    return response


class Session:
    """What a leader's screen shows the room: the session's id and the code right now."""

    def __init__(self) -> None:
        self.id: int | None = None
        self.code: str | None = None
        self.step: str | None = None  # as the leader's poll last saw it
        self.started = asyncio.Event()
        self.joined = 0
        self.done_joining = 0  # phones joined, or given up (login or join failed)


class GroupRun:
    """Leaders and phones: log in, start and join, then follow until the run stops."""

    def __init__(self, args, base_url: str) -> None:
        self.args, self.base_url = args, base_url
        self.stats = learner.Stats()
        self.stop = asyncio.Event()
        self.measuring = asyncio.Event()  # the join phase is over: advance and answer
        self.sessions = [Session() for _ in range(args.sessions)]
        self.logged_in = self.logins_finished = self.joined = self.ready_leaders = 0
        self.checks_started = self.checks_submitted = self.moves = 0
        self.client_bugs: list[str] = []

    async def pause(self, seconds: float) -> bool:
        """Sleep; False (at once) when the run is stopping."""
        if self.stop.is_set():
            return False
        try:
            await asyncio.wait_for(self.stop.wait(), max(0.0, seconds))
        except TimeoutError:
            return True
        return False

    async def log_in(self, browser, number: int) -> bool:
        """The login form and its POST (bench/learner.py's way, its retries)."""
        run = learner.LearnerRun(self.args, self.base_url, [])
        run.stats, run.stop = self.stats, self.stop
        done = await run.login(browser, learner.email(number))
        self.logins_finished += 1
        self.logged_in += done
        return done

    async def guarded(self, coroutine) -> None:
        try:
            await coroutine
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug in this script: count it, never hide it
            self.client_bugs.append(traceback.format_exc())

    # --- the leader ------------------------------------------------------------------------

    async def leader(self, index: int, start_at: float) -> None:
        stats, session = self.stats, self.sessions[index]
        if not await self.pause(start_at - time.perf_counter()):
            return
        browser = LeanBrowser(self.base_url, self.args.timeout)
        if not await self.log_in(browser, index):
            return
        form = await timed(stats, browser, "setup", "GET", "/gruppomgang/ny")
        token = learner.csrf_token(form.body) if form else None
        data = [("csrf_token", token)] + [("moduler", str(m)) for m in range(1, 6)]
        started = await timed(stats, browser, "setup", "POST", "/gruppomgang/ny", data, (302,))
        found = LEAD_LOC_RE.match(started.location) if started else None
        if not found:
            stats.error("setup", time.perf_counter(), "no gruppomgång started")
            return
        session.id = int(found.group(1))
        screen = f"/gruppomgang/{session.id}/leda"
        await timed(stats, browser, "leader_screen", "GET", screen)
        poller = asyncio.create_task(self.guarded(self.leader_polls(browser, session)))
        while session.code is None and await self.pause(0.1):
            pass
        session.started.set()
        # the join phase: until every phone of the session has joined or given up
        while session.done_joining < self.args.phones:
            if not await self.pause(0.5):
                break
        data = {"csrf_token": token}
        base = f"/gruppomgang/{session.id}"
        await timed(stats, browser, "setup", "POST", f"{base}/stang", data, (302,))
        for _ in range(index % MODULE_ONE_STEPS):  # stand at different steps of module 1
            await timed(stats, browser, "setup", "POST", f"{base}/nasta", data, (302,))
        self.ready_leaders += 1
        await self.measuring.wait()
        await self.pause(random.uniform(0, self.args.advance))
        while await self.pause(self.args.advance * random.uniform(0.75, 1.25)):
            reveal = session.step == "check"  # "Visa svarsfördelning", then the discussion
            kind, action = ("leader_reveal", "visa-svar") if reveal else ("leader_next", "nasta")
            if await timed(stats, browser, kind, "POST", f"{base}/{action}", data, (302,)):
                self.moves += 1
            await timed(stats, browser, "leader_screen", "GET", screen)
        await poller

    async def leader_polls(self, browser, session: Session) -> None:
        """The big screen's script: status.json every 2 s; the code box and the list of
        people fetched again when they change (during the join phase)."""
        stats, etag, seen = self.stats, None, {}
        path = f"/gruppomgang/{session.id}/status.json"
        while True:
            headers = {"Accept": "application/json"}
            if etag:
                headers["If-None-Match"] = etag
            polled = await timed(stats, browser, "leader_poll", "GET", path, None, (200, 304),
                                 headers)  # fmt: skip
            if polled is not None and polled.status == 200:
                etag = polled.etag
                state = json.loads(polled.body)
                session.code = state.get("code") or session.code
                session.step = state["step"]
                for key, fragment in (("present", "deltagare"), ("code", "kod")):
                    if key in seen and state.get(key) != seen[key]:
                        await timed(stats, browser, "leader_fragment", "GET",
                                    f"/gruppomgang/{session.id}/{fragment}")  # fmt: skip
                    seen[key] = state.get(key)
            if not await self.pause(LEADER_POLL_S):
                return

    # --- a phone ---------------------------------------------------------------------------

    async def phone(self, number: int, session: Session, start_at: float) -> None:
        stats = self.stats
        if not await self.pause(start_at - time.perf_counter()):
            return
        browser = LeanBrowser(self.base_url, self.args.timeout)
        joined = await self.log_in(browser, number)
        if joined:
            await session.started.wait()
            joined = await self.join(browser, session)
        session.done_joining += 1
        if not joined:
            return
        follow = f"/gruppomgang/{session.id}"
        shown = await timed(stats, browser, "phone_page", "GET", follow)
        token = learner.csrf_token(shown.body) if shown else None
        etag, answered = None, set()
        poll = f"{follow}/status.json"
        if not await self.pause(random.uniform(0, self.args.poll)):
            return
        while True:
            headers = {"Accept": "application/json"}
            if etag:
                headers["If-None-Match"] = etag
            polled = await timed(stats, browser, "phone_poll", "GET", poll, None, (200, 304),
                                 headers)  # fmt: skip
            if polled is not None and polled.status == 200:
                first = etag is None
                etag = polled.etag
                state = json.loads(polled.body)
                if not first:  # the position changed: the script loads the page again
                    await timed(stats, browser, "phone_page", "GET", follow)
                if state["step"] == "check" and state["module"] not in answered:
                    answered.add(state["module"])
                    if not await self.take_check(browser, token, follow):
                        return
            if not await self.pause(self.args.poll * random.uniform(0.9, 1.1)):
                return

    async def join(self, browser, session: Session) -> bool:
        """The QR code's address, then "Gå med" with the code on the screen now."""
        stats = self.stats
        for _ in range(3):
            address = f"/gruppomgang/delta?kod={session.code}&g={session.id}"
            form = await timed(stats, browser, "join_form", "GET", address)
            token = learner.csrf_token(form.body) if form else None
            if token:
                data = {"csrf_token": token, "kod": session.code, "gruppomgang": str(session.id)}
                done = await timed(stats, browser, "join", "POST", "/gruppomgang/delta", data,
                                   (200, 302))  # fmt: skip
                if done and done.location.endswith(f"/gruppomgang/{session.id}"):
                    session.joined += 1
                    self.joined += 1
                    return True
                if done and done.status == 200:  # the form again, with the reason
                    found = REFUSAL_RE.search(done.body)
                    reason = found.group(1).decode() if found else "the form again"
                    stats.error("join", time.perf_counter(), f"refused: {reason}")
            if not await self.pause(1.0):
                return False
        return False

    async def take_check(self, browser, token: str | None, follow: str) -> bool:
        """Start the own check, load it, answer after a while and hand it in; back to the
        session. False when the run stops."""
        stats = self.stats
        started = await timed(stats, browser, "check_start", "POST", f"{follow}/kunskapskontroll",
                              {"csrf_token": token}, (302,))  # fmt: skip
        if started is None or not learner.ATTEMPT_LOC_RE.match(started.location):
            if started is not None:
                stats.error("check_start", time.perf_counter(), "refused", started.location)
            return True
        self.checks_started += 1
        attempt = started.location
        form = await timed(stats, browser, "attempt_get", "GET", attempt)
        if form is None:
            return True
        options: dict[str, list[str]] = {}
        for name, value in learner.INPUT_RE.findall(form.body):
            options.setdefault(name.decode(), []).append(value.decode())
        if not options:
            stats.error("attempt_get", time.perf_counter(), "no questions in the form", attempt)
            return True
        if not await self.pause(self.args.answer_think * random.uniform(0.5, 1.5)):
            return False
        data = [("csrf_token", token)] + [(q, random.choice(v)) for q, v in options.items()]
        if await timed(stats, browser, "attempt_submit", "POST", attempt, data, (302,)):
            self.checks_submitted += 1
        return True


# ---------------------------------------------------------------------------------------------
# One database


def prepare(url: str, sessions: int, phones: int) -> None:
    """Schema, course, accounts (bench/learner.py), then each leader the chef of their phones."""
    learner.prepare_database(url, sessions * (1 + phones))
    from sqlalchemy import create_engine, update

    from vbe_learn.models import User

    engine = create_engine(url)
    with engine.begin() as connection:
        for index in range(sessions):
            leader_id = connection.scalar(
                User.__table__.select()
                .with_only_columns(User.id)
                .where(User.email == learner.email(index))
            )
            team = [learner.email(sessions + index * phones + n) for n in range(phones)]
            connection.execute(
                update(User).where(User.email.in_(team)).values(manager_id=leader_id)
            )
    engine.dispose()


async def measure(args, server: learner.Gunicorn) -> dict:
    run = GroupRun(args, server.base_url)
    people = args.sessions * (1 + args.phones)
    begin = time.perf_counter() + 0.5
    ramp = people / args.login_rate
    tasks = [
        asyncio.create_task(run.guarded(run.leader(i, begin + ramp * i / people)))
        for i in range(args.sessions)
    ]
    for index, session in enumerate(run.sessions):
        for n in range(args.phones):
            number = args.sessions + index * args.phones + n
            start_at = begin + ramp * number / people
            tasks.append(asyncio.create_task(run.guarded(run.phone(number, session, start_at))))
    settle_by = begin + ramp + args.settle
    while (
        run.ready_leaders < args.sessions or run.logins_finished < people
    ) and time.perf_counter() < settle_by:
        await asyncio.sleep(0.5)
    log(
        f"  joined after {time.perf_counter() - begin:.0f} s: {run.logged_in}/{people} logged "
        f"in, {run.joined}/{args.sessions * args.phones} phones joined; warm-up {args.warmup:g} s"
    )
    run.measuring.set()
    await asyncio.sleep(args.warmup)
    steady_from, wall_from = time.perf_counter(), time.time()
    cpu_from = learner.cpu_snapshot(server.process.pid)
    deadline = steady_from + args.duration
    next_note = steady_from + 30
    while time.perf_counter() < deadline:
        await asyncio.sleep(min(1.0, max(0.0, deadline - time.perf_counter())))
        if time.perf_counter() >= next_note:
            done = sum(len(v) for v in run.stats.samples.values())
            errors = sum(len(v) for v in run.stats.errors.values())
            log(f"  … {done} requests, {errors} errors, {run.checks_submitted} checks handed in")
            next_note += 30
    cpu = learner.cpu_used(cpu_from, learner.cpu_snapshot(server.process.pid))
    steady_to, wall_to = time.perf_counter(), time.time()
    run.stop.set()
    _, pending = await asyncio.wait(tasks, timeout=args.timeout + 5)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    if run.client_bugs:
        log(f"  CLIENT BUG (first of {len(run.client_bugs)}):\n{run.client_bugs[0]}")
    return {
        "logged_in": run.logged_in,
        "phones_joined": run.joined,
        "checks_started": run.checks_started,
        "checks_submitted": run.checks_submitted,
        "leader_moves": run.moves,
        "steady": run.stats.table(steady_from, steady_to),
        "timeline_5s": run.stats.timeline(steady_from, steady_to),
        "errors_whole_run": run.stats.error_counts(),
        "error_examples": run.stats.examples,
        "client_bugs": len(run.client_bugs),
        "cpu_cores_steady": cpu,
        "server_steady": learner.server_times(
            server.access_log, wall_from, wall_to, args.workers, SERVER_TYPES
        ),
    }


async def bench_database(args, name: str, url: str, workdir: Path) -> dict:
    log(f"== {name}: preparing {url}")
    await asyncio.to_thread(prepare, url, args.sessions, args.phones)
    server = learner.Gunicorn(
        args, "app:app", learner.app_env(url), workdir, name,
        access_log=workdir / f"access-groups-{name}.log",
    )  # fmt: skip
    await server.start("/logga-in")
    try:
        background = await learner.wait_until_quiet(args.wait_quiet)
        log(
            f"  {args.sessions} sessions x {args.phones} phones, poll {args.poll:g} s, "
            f"advance {args.advance:g} s, steady {args.duration:g} s"
        )
        result = {"database": name, "config": config(args), "background_cores": background}
        result.update(await measure(args, server))
    finally:
        server.stop()
    result["server_problems"] = server.problems()
    rows = {k: v for k, v in result["steady"].items() if k in TYPES}
    errors = sum(sum(kinds.values()) for kinds in result["errors_whole_run"].values())
    worst = max((row["p95_ms"] or 0 for row in rows.values()), default=None)
    result["targets"] = {
        "worst_p95_ms": worst,
        "p95_under_200ms": worst is not None and worst < TARGET_P95_MS,
        "errors": errors + result["client_bugs"],
        "no_errors": errors + result["client_bugs"] == 0,
    }
    return result


def config(args) -> dict:
    return {
        "sessions": args.sessions,
        "phones_per_session": args.phones,
        "poll_s": args.poll,
        "advance_s": args.advance,
        "answer_think_s": args.answer_think,
        "warmup_s": args.warmup,
        "duration_s": args.duration,
        "gunicorn": f"{args.workers} x {args.worker_class}",
        "cpus": os.cpu_count(),
    }


def print_summary(result: dict) -> None:
    c = result["config"]
    print()
    print(
        f"=== {result['database']}: {c['sessions']} gruppomgångar x {c['phones_per_session']} "
        f"phones, poll {c['poll_s']:g} s, Nästa every {c['advance_s']:g} s, steady "
        f"{c['duration_s']:g} s, gunicorn {c['gunicorn']}"
    )
    print(
        f"  logged in {result['logged_in']}, phones joined {result['phones_joined']}, checks "
        f"started {result['checks_started']} / handed in {result['checks_submitted']}, leader "
        f"moves {result['leader_moves']}"
    )
    server = result["server_steady"]
    header = f"    {'type':<28}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    print(header + f"{'errors':>8}{'srv p50':>9}{'srv p95':>9}")
    for kind, row in result["steady"].items():
        if kind not in TYPES and kind != "overall":
            continue
        side = server.get("poll" if kind.endswith("_poll") else kind) or {}
        line = f"    {TYPES.get(kind, kind):<28}{learner.fmt(row['requests'], 9)}"
        line += f"{learner.fmt(row['rps'], 8)}{learner.fmt(row['p50_ms'], 9)}"
        line += f"{learner.fmt(row['p95_ms'], 9)}{learner.fmt(row['p99_ms'], 9)}"
        line += f"{learner.fmt(row['errors'], 8)}"
        line += f"{learner.fmt(side.get('p50_ms'), 9)}{learner.fmt(side.get('p95_ms'), 9)}"
        print(line)
    cpu = result["cpu_cores_steady"]
    print(
        f"  CPU (cores, steady): gunicorn {cpu.get('gunicorn')}, postgres {cpu.get('postgres')}, "
        f"client {cpu.get('client')}, other processes {cpu.get('other')}; machine "
        f"{cpu.get('machine')} of {c['cpus']}"
    )
    if cpu.get("other", 0) > 0.2:
        print(
            f"  WARNING: other processes used {cpu['other']} cores during the steady phase: "
            "the figures understate this app; rerun on a quiet machine"
        )
    if "in_app_share" in server:
        print(f"  server: workers spent {server['in_app_share']:.0%} of their time in the app")
    if result["errors_whole_run"]:
        print(f"  errors: {json.dumps(result['errors_whole_run'], ensure_ascii=False)}")
        for example in result["error_examples"][:5]:
            print(f"    e.g. {example}")
    if result["server_problems"]:
        print(f"  server log: {result['server_problems']}")
    t = result["targets"]
    print(
        f"  targets: worst p95 {t['worst_p95_ms']} ms < {TARGET_P95_MS:g} ms: "
        f"{'PASS' if t['p95_under_200ms'] else 'FAIL'}; errors {t['errors']}: "
        f"{'PASS' if t['no_errors'] else 'FAIL'}"
    )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=50, help="gruppomgångar at once")
    parser.add_argument("--phones", type=int, default=20, help="phones per gruppomgång")
    parser.add_argument("--poll", type=float, default=2.0, help="phones poll every s (±10 %%)")
    parser.add_argument(
        "--advance", type=float, default=20.0, help="a leader presses Nästa every s (±25 %%)"
    )
    parser.add_argument(
        "--answer-think", type=float, default=20.0, help="s to answer a check (±50 %%)"
    )
    parser.add_argument("--duration", type=float, default=180.0, help="measured phase, s")
    parser.add_argument("--warmup", type=float, default=20.0, help="s before measuring")
    parser.add_argument("--login-rate", type=float, default=25.0, help="logins per second")
    parser.add_argument(
        "--settle", type=float, default=120.0, help="after the logins, s to wait for the joins"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="per request, s")
    parser.add_argument("--workers", type=int, default=learner.WORKERS, help="gunicorn workers")
    parser.add_argument(
        "--wait-quiet", type=float, default=120.0,
        help="before measuring wait up to this many s for other processes to go idle",
    )  # fmt: skip
    add_database_choice(parser)
    args = parser.parse_args(argv)
    args.worker_class, args.threads = "sync", 1  # for bench/learner.py's Gunicorn
    if args.sessions < 1 or args.phones < 1 or args.poll <= 0 or args.duration <= 0:
        parser.error("--sessions, --phones >= 1; --poll, --duration > 0")
    return args


def write_json(result: dict) -> Path:
    learner.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = learner.RESULTS_DIR / f"group_sessions-{result['database']}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return path


async def main_async(args) -> int:
    databases = [] if args.postgres_only else ["sqlite"]
    if not args.sqlite_only:
        why_not = postgres_available()
        if why_not is None:
            databases.append("postgres")
        else:
            log(f"NOTE: PostgreSQL on 127.0.0.1:5432 unreachable, skipped ({why_not})")
    results = []
    with tempfile.TemporaryDirectory(prefix="vbe-bench-groups-") as tmp:
        for name in databases:
            if name == "sqlite":
                url = "sqlite:///" + str(Path(tmp) / "groups.db")
                result = await bench_database(args, name, url, Path(tmp))
            else:
                await asyncio.to_thread(postgres_database, PG_DB, True)
                try:
                    result = await bench_database(args, name, PG_URL, Path(tmp))
                finally:
                    await asyncio.to_thread(postgres_database, PG_DB, False)
            print_summary(result)
            print(f"  JSON: {write_json(result).relative_to(ROOT)}")
            results.append(result)
    return 0 if all(r["targets"]["no_errors"] for r in results) else 1


def main(argv=None) -> int:
    args = parse_args(argv)
    learner.raise_file_limit()
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    gc.freeze()
    return learner.run_event_loop(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
