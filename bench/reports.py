#!/usr/bin/env python3
"""Report queries benchmark: the follow-up pages' numbers on a 50,000-person city.

Run from the repository root (needs only requirements-dev.txt):

    .venv/bin/python bench/reports.py                       # 50,000 people, 25 förvaltningar
    .venv/bin/python bench/reports.py --employees 10000 --sqlite-only
    .venv/bin/python bench/reports.py --postgres-only --explain   # also print query plans
    .venv/bin/python bench/reports.py --help

For each database in turn (SQLite in a file under a temp dir, then PostgreSQL in a fresh
database `vbe_bench_reports`, or --pg-database, on 127.0.0.1:5432, user postgres, dropped
again at the end; PostgreSQL is skipped with a note when unreachable), in a fresh Python
subprocess:

1. schema: `flask_migrate.upgrade()`;
2. roster: `city.generate_roster(--employees, administrations=--administrations)` through
   the real import (`roster.services.import_roster_file`), as of 400 days ago so that the
   placements cover the 12-month trend;
3. course: `courses.files.load_course` + `courses.sync.sync_course` on courses/grundutbildning;
4. learner data, bulk-inserted (`vbe_learn.core.bulk_insert.insert_rows`: COPY on PostgreSQL,
   executemany on SQLite) in chunks: an enrollment for 60 % of the people; attempts at
   their modules (1–4 per module, about 2.3 on average; those who completed did all five
   modules, the others 1–5), 5 questions per attempt with realistic right/wrong answers
   (~1.5 M attempt_answers at 50,000 people) and their answer_choices; an earned
   completion (course_version_id set, a unique certificate code) for 40 % of the people;
   then sequences are moved past the ids and statistics are gathered (PostgreSQL:
   VACUUM ANALYZE, which autovacuum does after such a load; SQLite: see --sqlite-analyze).

Then, inside an app context, each report is run once as a warm-up and then 5 times; the
median, min and max are printed:

- samlad bild: `rates([today, previous tertial end], "administration", 3)`;
- samordnare view: for the largest förvaltning, everything the samordnare page shows
  (`followup.services.administration_report`: the rates per department, unit and
  close_to_residents today and per förvaltning on the 12 month ends and 6 tertial ends of
  the trend, from `administration_rates`, and the people employed > 30 days without a
  completion: their number and the first 500 by name);
- chef view: `followup.services.team_rows(chef, today, 3)` (the team page's query: the team's
  ids, then `people_with_status` ranking only the team's completions) for the chef of an
  enhet (the one whose team is closest to 25 people), all rows fetched;
- frågeanalys: `question_analysis(version, None)` over the whole city;
- frågeanalys förv: `question_analysis(version, [id])` for the largest förvaltning (the
  page is filterable per förvaltning).

Targets: samlad bild and samordnare view < 100 ms, chef view < 20 ms, frågeanalys (whole
city and one förvaltning) < 300 ms. A single run is cut off after STATEMENT_TIMEOUT_S
(PostgreSQL statement_timeout, SQLite progress handler); a report whose warm-up takes
longer than SLOW_S is run only once.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchdb import add_city_arguments, postgres_available, postgres_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_DB = "vbe_bench_reports"
PG_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DB}"
TARGETS_MS = {
    "samlad bild": 100,
    "samordnare view": 100,
    "chef view": 20,
    "frågeanalys": 300,
    "frågeanalys förv": 300,
}
RUNS = 5
SLOW_S = 10
STATEMENT_TIMEOUT_S = 120
CHUNK = 100_000
CHILD_TIMEOUT_S = 1800
RESULTS = ROOT / "bench" / "results"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Child process: build one database and time the reports


def make_app(url: str, jit: bool = False):
    from vbe_learn import create_app
    from vbe_learn.core.config import Config

    options: dict = {"pool_pre_ping": True}
    if url.startswith("postgresql"):
        settings = f"-c statement_timeout={STATEMENT_TIMEOUT_S * 1000}"
        settings += "" if jit else " -c jit=off"  # as vbe_learn.core.db.engine_options
        options["connect_args"] = {"options": settings}
    config = type(
        "BenchConfig",
        (Config,),
        {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options},
    )
    return create_app(config)


def build(args, figures: dict) -> None:
    """Schema, roster, course and the bulk-inserted learner data (committed)."""
    from flask_migrate import upgrade

    from vbe_learn.core.extensions import db
    from vbe_learn.courses.files import load_course
    from vbe_learn.courses.sync import sync_course
    from vbe_learn.demo import city
    from vbe_learn.roster.services import import_roster_file
    from vbe_learn.roster.validation import Problems

    steps = figures["build_seconds"] = {}
    started = time.perf_counter()
    upgrade()
    steps["schema"] = time.perf_counter() - started

    started = time.perf_counter()
    as_of = date.today() - timedelta(days=400)
    roster = city.generate_roster(args.employees, args.seed, args.administrations, as_of=as_of)
    outcome = import_roster_file(roster, "personallista.csv", as_of, None)
    if isinstance(outcome, Problems):
        raise SystemExit("roster refused:\n" + "\n".join(outcome.lines(10)))
    db.session.commit()
    steps["roster import"] = time.perf_counter() - started

    started = time.perf_counter()
    spec, problems = load_course(ROOT / "courses" / "grundutbildning")
    if problems:
        raise SystemExit("course problems:\n" + "\n".join(map(str, problems)))
    version, _ = sync_course(spec)
    db.session.commit()
    steps["course sync"] = time.perf_counter() - started

    started = time.perf_counter()
    figures["rows"] = insert_learner_data(version.id, version.course_id, args.seed)
    db.session.commit()
    steps["learner data"] = time.perf_counter() - started

    started = time.perf_counter()
    gather_statistics(args)
    steps["statistics"] = time.perf_counter() - started
    figures["version_id"] = version.id


def insert_learner_data(version_id: int, course_id: int, seed: int) -> dict[str, int]:
    """Enrollments, attempts, answers, choices and completions, bulk-inserted in chunks."""
    from sqlalchemy import select, text

    from vbe_learn.core.bulk_insert import insert_rows
    from vbe_learn.core.extensions import db
    from vbe_learn.models import (
        AnswerChoice,
        Attempt,
        AttemptAnswer,
        Completion,
        Enrollment,
        Module,
        Option,
        Question,
        User,
    )

    rng = random.Random(seed)
    postgres = db.session.connection().dialect.name == "postgresql"
    modules = []  # [(module id, [(question id, [correct option ids], [wrong option ids])])]
    for module_id in db.session.scalars(
        select(Module.id).where(Module.version_id == version_id).order_by(Module.position)
    ):
        questions = []
        for question_id in db.session.scalars(
            select(Question.id).where(Question.module_id == module_id).order_by(Question.position)
        ):
            options = db.session.execute(
                select(Option.id, Option.is_correct)
                .where(Option.question_id == question_id)
                .order_by(Option.position)
            ).all()
            questions.append(
                (
                    question_id,
                    [o for o, right in options if right],
                    [o for o, r in options if not r],
                )
            )
        modules.append((module_id, questions))
    # How hard each question is, and how attractive each wrong option (a few stand out).
    right_chance = {q: rng.uniform(0.55, 0.95) for _, qs in modules for q, _, _ in qs}
    wrong_weight = {w: rng.uniform(0.2, 3) for _, qs in modules for _, _, ws in qs for w in ws}

    tables = {
        "enrollments": Enrollment.__table__,
        "attempts": Attempt.__table__,
        "attempt_answers": AttemptAnswer.__table__,
        "answer_choices": AnswerChoice.__table__,
        "completions": Completion.__table__,
    }
    buffers: dict[str, list[dict]] = {name: [] for name in tables}
    counts = dict.fromkeys(tables, 0)

    def flush() -> None:
        for name, rows in buffers.items():  # in foreign-key order
            insert_rows(tables[name], rows)
            counts[name] += len(rows)
            rows.clear()

    user_ids = list(
        db.session.scalars(select(User.id).where(User.active.is_(True)).order_by(User.id))
    )
    rng.shuffle(user_ids)
    enrolled = user_ids[: round(len(user_ids) * 0.6)]
    completers = set(enrolled[: round(len(user_ids) * 0.4)])
    now = datetime.now(UTC)
    ids = dict.fromkeys(("enrollment", "attempt", "answer", "choice", "completion"), 0)
    attempts_per_module = (1, 2, 3, 4)
    weights = (0.25, 0.35, 0.25, 0.15)

    def next_id(kind: str) -> int:
        ids[kind] += 1
        return ids[kind]

    for user_id in enrolled:
        completer = user_id in completers
        enrollment_id = next_id("enrollment")
        moment = now - timedelta(days=rng.uniform(15, 390))
        buffers["enrollments"].append(
            {"id": enrollment_id, "user_id": user_id, "course_id": course_id,
             "course_version_id": version_id, "cycle": 1, "started_at": moment}
        )  # fmt: skip
        done = len(modules) if completer else rng.randint(1, len(modules))
        for position, (module_id, questions) in enumerate(modules[:done], start=1):
            tries = rng.choices(attempts_per_module, weights)[0]
            last_passes = completer or position < done
            for number in range(1, tries + 1):
                moment += timedelta(minutes=rng.uniform(5, 60))
                passes = last_passes and number == tries
                attempt_id = next_id("attempt")
                drawn = rng.sample(questions, k=min(5, len(questions)))
                is_open = not passes and number == tries and rng.random() < 0.3
                right = [passes or rng.random() < right_chance[q] for q, _, _ in drawn]
                if not passes:
                    while sum(right) >= 4:  # a failed attempt: at most 3 of 5 right
                        right[rng.choice([i for i, r in enumerate(right) if r])] = False
                shown = [{"question_id": q, "option_ids": c + w} for q, c, w in drawn]
                score = round(100 * sum(right) / len(drawn))
                buffers["attempts"].append(
                    {"id": attempt_id, "enrollment_id": enrollment_id, "user_id": user_id,
                     "module_id": module_id, "number": number,
                     "questions_shown": json.dumps(shown) if postgres else shown,
                     "started_at": moment - timedelta(minutes=3),
                     "submitted_at": None if is_open else moment,
                     "score_percent": None if is_open else score,
                     "passed": None if is_open else passes}
                )  # fmt: skip
                if is_open:
                    continue
                for place, ((question_id, correct, wrong), ok) in enumerate(
                    zip(drawn, right, strict=True)
                ):
                    answer_id = next_id("answer")
                    buffers["attempt_answers"].append(
                        {"id": answer_id, "attempt_id": attempt_id, "user_id": user_id,
                         "question_id": question_id, "position": place, "is_correct": ok,
                         "first_try": number == 1}
                    )  # fmt: skip
                    if ok:
                        chosen = correct
                    else:
                        chosen = rng.choices(wrong, [wrong_weight[w] for w in wrong])
                        if len(correct) > 1:  # a multiple-choice answer: some right, one wrong
                            chosen = [*correct[:1], *chosen]
                    for option_id in chosen:
                        buffers["answer_choices"].append(
                            {"id": next_id("choice"), "answer_id": answer_id,
                             "user_id": user_id, "option_id": option_id}
                        )  # fmt: skip
            if len(buffers["answer_choices"]) >= CHUNK:
                flush()
        if completer:
            completion_id = next_id("completion")
            buffers["completions"].append(
                {"id": completion_id, "user_id": user_id, "course_id": course_id,
                 "course_version_id": version_id, "enrollment_id": enrollment_id,
                 "completed_on": moment.date(), "completed_at": moment, "score_percent": 90,
                 "source": "earned", "source_version": None, "language": "sv",
                 "certificate_code": _code(completion_id)}
            )  # fmt: skip
    flush()
    if postgres:
        for name in tables:
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                    f"(SELECT coalesce(max(id), 1) FROM {name}))"
                )
            )
    return counts


def _code(number: int) -> str:
    """A unique certificate code in the app's format (XXXX-XXXX-XXXX)."""
    digits = f"B{number:011d}"
    return f"{digits[:4]}-{digits[4:8]}-{digits[8:]}"


def gather_statistics(args) -> None:
    from sqlalchemy import text

    from vbe_learn.core.extensions import db

    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    elif args.sqlite_analyze:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def reports(version_id: int) -> dict:
    """The four reports as callables, and what they are about."""
    from sqlalchemy import case, func, select

    from vbe_learn.core.extensions import db
    from vbe_learn.followup.periods import month_ends, previous_tertial_end, tertial_ends
    from vbe_learn.followup.question_analysis import question_analysis
    from vbe_learn.followup.rates import rates
    from vbe_learn.followup.services import (
        administration_rates,
        administration_report,
        overdue_people,
        team_rows,
    )
    from vbe_learn.models import Department, Unit, User

    today = date.today()
    years = 3
    trend_days = month_ends(today, 12) + tertial_ends(today, 6)
    sizes = db.session.execute(
        select(Department.administration_id, func.count(User.id))
        .join(Unit, Unit.department_id == Department.id)
        .join(User, User.unit_id == Unit.id)
        .where(User.active.is_(True))
        .group_by(Department.administration_id)
        .order_by(func.count(User.id).desc(), Department.administration_id)
    ).all()
    administration_id, largest = sizes[0]
    typical_id, typical = sizes[len(sizes) // 2]
    # An enhet chef: nobody in their team manages anyone; the team closest to 25 people.
    report = User.__table__.alias("report")
    below = User.__table__.alias("below")
    manages = select(below.c.id).where(below.c.manager_id == report.c.id).exists()
    chef_id, team_size = db.session.execute(
        select(report.c.manager_id, func.count(report.c.id))
        .where(report.c.manager_id.is_not(None), report.c.active.is_(True))
        .group_by(report.c.manager_id)
        .having(func.sum(case((manages, 1), else_=0)) == 0)
        .order_by(func.abs(func.count(report.c.id) - 25), report.c.manager_id)
        .limit(1)
    ).one()

    def samlad_bild():
        return rates([today, previous_tertial_end(today)], "administration", years)

    def samordnare_rates(ids=(administration_id,)):  # the rates of the samordnare page
        return list(administration_rates(ids[0], today, years, trend_days).values())

    def samordnare_view(ids=(administration_id,)):  # everything the samordnare page shows
        return [administration_report(ids[0], today, years)]

    def chef_view():  # the statuses the team page reads (people_not_done)
        return team_rows(chef_id, today, years)

    def fragor():
        return question_analysis(version_id, None)

    return {
        "samlad bild": (samlad_bild, "rates() per förvaltning, today + previous tertial end"),
        "samordnare view": (
            samordnare_view,
            f"administration_report() for the largest förvaltning ({largest:,} people)",
        ),
        "chef view": (chef_view, f"team_rows() for an enhet chef ({team_size} people)"),
        "frågeanalys": (fragor, "question_analysis(version, whole city)"),
        "frågeanalys förv": (
            lambda: question_analysis(version_id, [administration_id]),
            f"question_analysis(version, the largest förvaltning ({largest:,} people))",
        ),
        "_parts": {
            f"samordnare view, median-size förvaltning ({typical:,} people)": lambda: (
                samordnare_view([typical_id])
            ),
            "samordnare: administration_rates() (largest)": samordnare_rates,
            "samordnare: overdue people (largest)": lambda: overdue_people(
                administration_id, today, years
            ),
            "samordnare: department": lambda: rates(
                [today], "department", years, [administration_id]
            ),
            "samordnare: unit": lambda: rates([today], "unit", years, [administration_id]),
            "samordnare: close_to_residents": lambda: rates(
                [today], "close_to_residents", years, [administration_id]
            ),
            "samordnare: 12-month trend": lambda: rates(
                month_ends(today, 12), "administration", years, [administration_id]
            ),
        },
    }


def time_report(function) -> dict:
    """One warm-up, then RUNS timed runs (one only when the warm-up is slow); milliseconds."""
    from vbe_learn.core.extensions import db

    def once() -> tuple[float, int]:
        started = time.perf_counter()
        result = function()
        elapsed = (time.perf_counter() - started) * 1000
        db.session.rollback()  # end the read transaction, as a request would
        return elapsed, len(result)

    warm, rows = once()
    if warm > SLOW_S * 1000:
        return {"median": warm, "min": warm, "max": warm, "runs": 1, "rows": rows}
    times = [once()[0] for _ in range(RUNS)]
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "runs": RUNS,
        "rows": rows,
    }


def install_sqlite_deadline(engine) -> None:
    """Interrupt any SQLite statement that runs longer than STATEMENT_TIMEOUT_S."""
    from sqlalchemy import event

    @event.listens_for(engine, "before_cursor_execute")
    def _start(connection, *_):
        raw = connection.connection.driver_connection
        deadline = time.monotonic() + STATEMENT_TIMEOUT_S
        raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 100_000)


def explain(version_id: int) -> str:
    """The query plans of the reports (EXPLAIN ANALYZE / EXPLAIN QUERY PLAN)."""
    from sqlalchemy import event

    from vbe_learn.core.extensions import db

    captured: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        for name, value in reports(version_id).items():
            if name.startswith("_"):
                continue
            captured.clear()
            value[0]()
            db.session.rollback()
            yield f"=== {name}\n{_plans(engine, captured)}"
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def _plans(engine, captured) -> str:
    out = []
    postgres = engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        for statement, parameters in captured:
            prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
            cursor = raw.cursor()
            cursor.execute(prefix + statement, parameters)
            rows = cursor.fetchall()
            text = "\n".join(str(row[0]) if postgres else f"{row[1]:>4} {row[3]}" for row in rows)
            out.append(f"--- {statement.strip()[:400]}\n{text}")
    return "\n\n".join(out)


def run_child(args) -> None:
    """Child process: build the database at args.url, time the reports, print JSON."""
    from vbe_learn.core.extensions import db

    app = make_app(args.url, jit=args.jit)
    figures: dict = {"database": args.database}
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            install_sqlite_deadline(db.engine)
        build(args, figures)
        log(
            "  built: "
            + ", ".join(f"{k} {v:.1f} s" for k, v in figures["build_seconds"].items())
            + "; rows: "
            + ", ".join(f"{k} {v:,}" for k, v in figures["rows"].items())
        )
        figures["load_before"] = os.getloadavg()
        found = reports(figures["version_id"])
        parts = found.pop("_parts")
        figures["reports"] = {}
        for name, (function, about) in found.items():
            timing = time_report(function)
            timing["about"] = about
            figures["reports"][name] = timing
            log(f"  {name}: median {timing['median']:.1f} ms")
        figures["parts"] = {name: time_report(function) for name, function in parts.items()}
        figures["load_after"] = os.getloadavg()
        if args.explain:
            figures["explain"] = "\n\n".join(explain(figures["version_id"]))
        db.session.remove()
        db.engine.dispose()
    print(json.dumps(figures, default=str))


# ---------------------------------------------------------------------------------------------
# Parent: one child per database, then the table


def child(database: str, url: str, args) -> dict:
    command = [
        sys.executable, __file__, "--child", database, "--url", url,
        "--employees", str(args.employees), "--administrations", str(args.administrations),
        "--seed", str(args.seed),
    ]  # fmt: skip
    command += ["--explain"] if args.explain else []
    command += ["--sqlite-analyze"] if args.sqlite_analyze else []
    command += ["--jit"] if args.jit else []
    env = dict(os.environ, FLASK_APP="app.py")
    env.pop("DATABASE_URL", None)
    try:
        done = subprocess.run(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=None,  # the child's progress goes straight to ours
            text=True,
            timeout=CHILD_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        return {"database": database, "error": f"timed out after {CHILD_TIMEOUT_S} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {"database": database, "error": f"exit code {done.returncode} (see above)"}
    return json.loads(lines[-1])


def print_table(results: list[dict], args) -> None:
    print()
    print(
        f"Report queries: {args.employees:,} people in {args.administrations} förvaltningar; "
        f"median of {RUNS} runs after one warm-up (ms)"
    )
    header = (
        f"{'database':<10} {'report':<17} {'median':>8} {'min':>8} {'max':>8} {'target':>8}  ok"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        if "error" in result:
            print(f"{result['database']:<10} {'FAILED':<17} {result['error']}")
            continue
        for name, timing in result["reports"].items():
            target = TARGETS_MS[name]
            ok = "yes" if timing["median"] < target else "NO"
            print(
                f"{result['database']:<10} {name:<17} {timing['median']:>8.1f} "
                f"{timing['min']:>8.1f} {timing['max']:>8.1f} {'< ' + str(target):>8}  {ok}"
            )
    print()
    for result in results:
        if "error" in result:
            continue
        print(f"{result['database']}:")
        for name, timing in result["reports"].items():
            print(f"  {name:<17} {timing['about']}; {timing['rows']} rows")
        for name, timing in result["parts"].items():
            print(f"  {name:<56} median {timing['median']:>7.1f} ms")
        loads = [", ".join(f"{x:.1f}" for x in result[k]) for k in ("load_before", "load_after")]
        print(f"  load average (1, 5, 15 min) before timing: {loads[0]}; after: {loads[1]}")
        build_steps = ", ".join(f"{k} {v:.1f} s" for k, v in result["build_seconds"].items())
        print(f"  built in: {build_steps}")
        print("  rows: " + ", ".join(f"{k} {v:,}" for k, v in result["rows"].items()))
    print()
    print(f"Machine: {os.cpu_count()} CPUs. Timings depend on what else runs: see the load.")
    print(
        "Targets: samlad bild and samordnare view < 100 ms, chef view < 20 ms, frågeanalys "
        "< 300 ms. PostgreSQL after VACUUM ANALYZE"
        + (" (server's jit setting)" if args.jit else ", jit off (as the app)")
        + "; SQLite "
        + ("after ANALYZE." if args.sqlite_analyze else "without ANALYZE (as the app runs it).")
    )
    for result in results:
        if result.get("explain"):
            print(f"\n##### query plans: {result['database']}\n{result['explain']}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_city_arguments(parser)
    parser.add_argument("--explain", action="store_true", help="print the reports' query plans")
    parser.add_argument(
        "--sqlite-analyze", action="store_true", help="run ANALYZE on SQLite before timing"
    )
    parser.add_argument(
        "--pg-database",
        default=PG_DB,
        help=f"PostgreSQL: the database to build in (created, then dropped; default {PG_DB})",
    )
    parser.add_argument(
        "--jit",
        action="store_true",
        help="PostgreSQL: keep the server's jit setting (the app, and by default this bench, "
        "turn it off)",
    )
    # internal: one database in a child process
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.child:
        args.database = args.child
        run_child(args)
        return
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="vbe-bench-reports-") as tmp:
        if not args.postgres_only:
            log("SQLite:")
            results.append(child("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", args))
    if not args.sqlite_only:
        why_not = postgres_available()
        if why_not:
            log(f"PostgreSQL skipped: not reachable at 127.0.0.1:5432 ({why_not})")
            results.append({"database": "postgres", "error": f"skipped: {why_not}"})
        else:
            log("PostgreSQL:")
            postgres_database(args.pg_database, create=True)
            try:
                url = PG_URL.rsplit("/", 1)[0] + f"/{args.pg_database}"
                results.append(child("postgres", url, args))
            finally:
                postgres_database(args.pg_database, create=False)
    RESULTS.mkdir(parents=True, exist_ok=True)
    for result in results:
        path = RESULTS / f"reports-{result['database']}.json"
        path.write_text(json.dumps(result, indent=2, default=str, ensure_ascii=False))
    print_table(results, args)


if __name__ == "__main__":
    main()
