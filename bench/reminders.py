#!/usr/bin/env python3
"""Reminders benchmark: 50,000 employees, 60 % due; plan and send every message to a real
SMTP server on loopback.

Run from the repository root (needs only requirements-dev.txt):

    .venv/bin/python bench/reminders.py                     # 50,000 people, SQLite and PostgreSQL
    .venv/bin/python bench/reminders.py --employees 5000 --sqlite-only

For each database (SQLite in a temp file; PostgreSQL in a fresh database
`vbe_bench_reminders_<pid>` on 127.0.0.1:5432, dropped at the end, skipped when unreachable),
each step in a fresh Python process:

1. build: schema (migrations), the generated roster (`demo.city.generate_roster`) imported as
   of 400 days ago, the course, a completion for 40 % of the people (bulk-inserted) and a
   city-wide deadline of yesterday: the other 60 % are due for a reminder;
2. plan: `reminders.planning.plan_messages` + commit — who is due for what today;
3. send: `reminders.run.send_planned` over one SMTP connection to an aiosmtpd server
   running in its own process on 127.0.0.1 (each row claimed in the database before its
   SMTP transaction, one commit per message: at most once, from any number of runs);
4. ceiling: the same number of messages sent with smtplib alone (built once, no database)
   to the same server: what the SMTP server takes at most, to compare the send step with.

Memory: the step process's peak resident set size (ru_maxrss) and its growth over the
resident size just before the step (after imports and create_app).

Targets: planning < 5 s and < 300 MiB; sending bounded by the SMTP server, not the app.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import smtplib
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from benchdb import add_city_arguments, postgres_available, postgres_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PLAN_TARGET_S, PLAN_TARGET_MIB = 5.0, 300
STEP_TIMEOUT = 1800


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the SMTP server (its own process) ------------------------------------------------


def run_smtp_server(port: int) -> None:
    """Accept every message and count it; print the count when stdin closes."""
    from aiosmtpd.controller import Controller

    class Counter:
        count = 0

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            Counter.count += 1
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()
    controller.stop()
    print(Counter.count, flush=True)


# --- one step (a fresh process) -------------------------------------------------------


def make_app(url: str, port: int):
    from vbe_learn import create_app
    from vbe_learn.core.config import Config

    settings = {"SQLALCHEMY_DATABASE_URI": url, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port}
    return create_app(type("BenchConfig", (Config,), settings))


def build(args) -> dict:
    from flask_migrate import upgrade
    from sqlalchemy import select

    from vbe_learn.core.bulk_insert import insert_rows
    from vbe_learn.core.extensions import db
    from vbe_learn.courses.files import load_course
    from vbe_learn.courses.sync import sync_course
    from vbe_learn.demo import city
    from vbe_learn.models import Completion, User
    from vbe_learn.reminders.deadlines import set_deadline
    from vbe_learn.roster.services import import_roster_file

    upgrade()
    as_of = date.today() - timedelta(days=400)
    roster = city.generate_roster(args.employees, args.seed, args.administrations, as_of=as_of)
    import_roster_file(roster, "personallista.csv", as_of, None)
    version, _ = sync_course(load_course(ROOT / "courses" / "grundutbildning")[0])
    db.session.flush()
    ids = list(db.session.scalars(select(User.id).where(User.active.is_(True))))
    rng = random.Random(args.seed)
    done = rng.sample(ids, round(len(ids) * 0.4))
    insert_rows(
        Completion.__table__,
        [
            {"user_id": user_id, "course_id": version.course_id,
             "course_version_id": version.id, "completed_on": date.today() - timedelta(days=100),
             "completed_at": city_now(), "score_percent": 90, "source": "earned",
             "language": "sv", "certificate_code": f"B{user_id:09d}"}
            for user_id in done
        ],
    )  # fmt: skip
    set_deadline(None, date.today() - timedelta(days=1), actor=None)
    db.session.commit()
    return {"people": len(ids), "completed": len(done)}


def city_now():
    from vbe_learn.models.types import utcnow

    return utcnow()


def run_step(args) -> None:
    """Child process: run one step, print its figures as one JSON line."""
    app = make_app(args.url, args.port)
    result: dict = {}
    with app.app_context():
        from vbe_learn.core.extensions import db
        from vbe_learn.core.mail import SmtpTransport
        from vbe_learn.learning.status import validity_years
        from vbe_learn.reminders.planning import Schedule, plan_messages
        from vbe_learn.reminders.run import send_planned
        from vbe_learn.reminders.sending import new_run_id

        base = rss_mib()
        started = time.perf_counter()
        if args.step == "build":
            result.update(build(args))
        elif args.step == "plan":
            schedule = Schedule.from_config(
                app.config, date.today(), validity_years("grundutbildning")
            )
            result["planned"] = plan_messages(schedule)
            db.session.commit()
        elif args.step == "send":
            transport = SmtpTransport(app.config)
            report = send_planned(transport, "stockholm.se", new_run_id())
            transport.close()
            result.update(sent=report.sent, failed=report.failed)
        elif args.step == "ceiling":
            result["sent"] = ceiling(args.port, args.count)
        result["seconds"] = time.perf_counter() - started
        result["base_mib"], result["peak_mib"] = base, peak_mib()
        db.session.remove()
        db.engine.dispose()
    print(json.dumps(result))


def ceiling(port: int, count: int) -> int:
    """Send `count` ready-made messages over one connection with smtplib alone."""
    from vbe_learn.core.mail import Outgoing, message_bytes

    text = "Hej!\n\nDu har ännu inte genomfört utbildningen.\n" * 3
    message = message_bytes(
        Outgoing("x@test.se", "Påminnelse", text, f"<p>{text}</p>", "<b@test>"), "vbe@test.se"
    )
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for n in range(count):
            smtp.sendmail("vbe@test.se", [f"person{n}@test.se"], message)
    return count


def step(name: str, url: str, port: int, args, count: int = 0) -> dict:
    command = [sys.executable, __file__, "--step", name, "--url", url, "--port", str(port),
               "--employees", str(args.employees), "--administrations", str(args.administrations),
               "--seed", str(args.seed), "--count", str(count)]  # fmt: skip
    env = dict(os.environ, FLASK_APP="app.py")
    env.pop("DATABASE_URL", None)
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=STEP_TIMEOUT)  # fmt: skip
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        return {"error": lines[-1] if lines else f"exit code {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- one database -----------------------------------------------------------------------


def bench_database(database: str, url: str, args) -> dict:
    from tests.smtp_server import free_port

    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--smtp-server", str(port)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert server.stdout.readline().strip() == "ready"
    figures = {"database": database}
    try:
        for name in ("build", "plan", "send"):
            log(f"  {database}: {name} …")
            figures[name] = step(name, url, port, args)
            if "error" in figures[name]:
                log(f"    FAILED: {figures[name]['error']}")
                return figures
            log(f"    {figures[name]['seconds']:.2f} s, peak {figures[name]['peak_mib']:.0f} MiB")
        log(f"  {database}: ceiling …")
        figures["ceiling"] = step("ceiling", url, port, args, figures["send"]["sent"])
    finally:
        server.stdin.close()
        figures["server_received"] = int(server.stdout.readline().strip() or 0)
        server.wait(timeout=30)
    return figures


def print_figures(results: list[dict], args) -> None:
    print(f"\nReminders: {args.employees:,} employees, 40 % completed, deadline yesterday")
    for r in results:
        if any("error" in r.get(k, {}) for k in ("build", "plan", "send")):
            print(f"{r['database']}: failed, see above")
            continue
        plan, send, top = r["plan"], r["send"], r["ceiling"]
        planned = sum(plan["planned"].values())
        ok = plan["seconds"] < PLAN_TARGET_S and plan["peak_mib"] < PLAN_TARGET_MIB
        print(f"\n{r['database']}  (build {r['build']['seconds']:.1f} s)")
        print(f"  plan   {plan['seconds']:6.2f} s  {planned:,} messages {plan['planned']}")
        growth = plan["peak_mib"] - plan["base_mib"]
        verdict = "met" if ok else "MISSED"
        print(f"         peak {plan['peak_mib']:.0f} MiB (growth {growth:.0f} MiB)")
        print(f"         target < {PLAN_TARGET_S:.0f} s and < {PLAN_TARGET_MIB} MiB: {verdict}")
        rate = send["sent"] / send["seconds"]
        print(f"  send   {send['seconds']:6.2f} s  {send['sent']:,} sent, {send['failed']} failed,")
        print(f"         {rate:.0f} messages/s, peak {send['peak_mib']:.0f} MiB")
        top_rate = top["sent"] / top["seconds"]
        print(f"  smtplib alone to the same server: {top_rate:.0f} messages/s")
        print(f"  the server received {r['server_received']:,} messages in all")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_city_arguments(parser)
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--smtp-server", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.smtp_server:
        return run_smtp_server(args.smtp_server)
    if args.step:
        return run_step(args)

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        if not args.postgres_only:
            results.append(bench_database("SQLite", f"sqlite:///{tmp}/bench.db", args))
    if not args.sqlite_only:
        why_not = postgres_available()
        if why_not:
            log(f"PostgreSQL skipped: {why_not}")
        else:
            name = f"vbe_bench_reminders_{os.getpid()}"
            postgres_database(name, create=True)
            try:
                url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
                results.append(bench_database("PostgreSQL", url, args))
            finally:
                postgres_database(name, create=False)
    print_figures(results, args)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "reminders.json").write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
