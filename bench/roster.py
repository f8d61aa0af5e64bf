#!/usr/bin/env python3
"""Roster import benchmark: a 50,000-person city into an empty database, then a re-import.

Run from the repository root (needs only requirements-dev.txt):

    .venv/bin/python bench/roster.py                      # 50,000 people, 25 förvaltningar, 2 %
    .venv/bin/python bench/roster.py --employees 10000 --sqlite-only
    .venv/bin/python bench/roster.py --profile            # also cProfile each import step
    .venv/bin/python bench/roster.py --help

For each database in turn (SQLite in a file under a temp dir, then PostgreSQL in a fresh
database `vbe_bench_roster` on 127.0.0.1:5432, user postgres, dropped again at the end;
PostgreSQL is skipped with a note when unreachable):

1. schema: `flask_migrate.upgrade()` inside `create_app()`'s app context, the database URL
   set through a config class (as tests/conftest.py does);
2. first import: the roster from `vbe_learn.demo.city.generate_roster` (--employees people
   in --administrations förvaltningar) into the empty database, as of 30 days ago;
3. preview: the dry run of the changed roster (what the upload page shows; writes nothing);
4. re-import: the same roster with --share of its people changed
   (`city.change_roster`: new chefs, moves, new last names and e-post, leavers, new hires),
   as of today. When it fails (a bug), the error is shown and the re-import is run once more
   with a file without new hires, so that there still is a figure.

Each import step is `vbe_learn.roster.services.import_roster_file` + `db.session.commit()`,
i.e. parse + validate + plan + apply + commit, exactly the code path of `flask roster import`
and the upload page. Each step runs in a fresh Python subprocess; its time covers only
that call (not the interpreter start, the imports or create_app), broken down into phases
by wrapping read_table, validate_roster, plan_roster and apply_roster where services.py
calls them.

Memory: the peak resident set size of the step's process, `resource.getrusage(
RUSAGE_SELF).ru_maxrss` read at its end. It is the whole process (interpreter, Flask,
SQLAlchemy, pandas, the file, the tables, the driver's buffers), i.e. what a worker really
needs; "base MiB" is the resident size just before the step (after imports and
create_app), so the step's own growth is peak - base. tracemalloc is not used: it would
slow the timed step down several times and misses memory allocated outside Python's
allocator.

Targets: first import < 10 s, re-import < 5 s, peak < 500 MiB per step.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from benchdb import add_database_choice, postgres_available, postgres_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_DB = "vbe_bench_roster"
PG_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DB}"
TARGETS = {"first import": 10.0, "re-import": 5.0}
PEAK_TARGET_MIB = 500
STEP_TIMEOUT = 900


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# One step, in a fresh subprocess


def rss_mib() -> float:
    """The current resident set size of this process."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mib() -> float:
    """The peak resident set size of this process so far (Linux: ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_step(args: argparse.Namespace) -> None:
    """Child process: run one step and print its figures as one JSON line on stdout."""
    from flask_migrate import upgrade

    from vbe_learn import create_app
    from vbe_learn.core.config import Config
    from vbe_learn.core.extensions import db
    from vbe_learn.roster import services
    from vbe_learn.roster.validation import Problems

    config = type("BenchConfig", (Config,), {"SQLALCHEMY_DATABASE_URI": args.url})
    app = create_app(config)
    phases: dict[str, float] = {}

    def timed(name, function):
        def wrapper(*a, **kw):
            started = time.perf_counter()
            try:
                return function(*a, **kw)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    for name in ("read_table", "validate_roster", "plan_roster", "apply_roster"):
        setattr(services, name, timed(name, getattr(services, name)))

    result: dict = {}
    with app.app_context():
        if args.step == "schema":
            started = time.perf_counter()
            upgrade()
            result["seconds"] = time.perf_counter() - started
        else:
            data = Path(args.file).read_bytes()
            as_of = date.fromisoformat(args.as_of)
            profiler = cProfile.Profile() if args.profile else None
            base = rss_mib()
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            if args.step == "preview":
                outcome = services.plan_roster_file(data, Path(args.file).name, as_of)
            else:
                outcome = services.import_roster_file(data, Path(args.file).name, as_of, None)
                if not isinstance(outcome, Problems):
                    commit_started = time.perf_counter()
                    db.session.commit()
                    phases["commit"] = time.perf_counter() - commit_started
            if profiler:
                profiler.disable()
            result["seconds"] = time.perf_counter() - started
            result["base_mib"] = base
            if isinstance(outcome, Problems):
                raise SystemExit("refused:\n" + "\n".join(outcome.lines(10)))
            result["summary"] = (
                outcome.summary
                if args.step == "preview"
                else {k: getattr(outcome, k) for k in ("rows", "added", "changed", "deactivated")}
            )
            if profiler:
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
                stats.print_stats(args.profile_lines)
                result["profile"] = out.getvalue()
        db.session.remove()
        db.engine.dispose()
    result["phases"] = phases
    result["peak_mib"] = peak_mib()
    print(json.dumps(result))


def step(name: str, url: str, file: Path | None, as_of: date | None, args) -> dict:
    """Run one step in a fresh subprocess; its figures, or {"error": …}."""
    command = [sys.executable, __file__, "--step", name, "--url", url]
    if file is not None:
        command += ["--file", str(file), "--as-of", as_of.isoformat()]
    if args.profile and name != "schema":
        command += ["--profile", "--profile-lines", str(args.profile_lines)]
    env = dict(os.environ, FLASK_APP="app.py")
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        return {"error": lines[-1] if lines else f"exit code {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# Databases


def bench_database(database: str, url: str, files: dict, args) -> list[dict]:
    """Schema, first import, preview and re-import on one database; a row per step."""
    rows = []

    def record(step_name: str, label: str, file, as_of) -> dict:
        log(f"  {label} …")
        figures = step(step_name, url, file, as_of, args)
        figures.update(database=database, step=label)
        rows.append(figures)
        if "error" in figures:
            log(f"    FAILED: {figures['error']}")
        else:
            log(f"    {figures['seconds']:.2f} s, peak {figures.get('peak_mib', 0):.0f} MiB")
        if figures.get("profile"):
            print(f"\n--- cProfile: {database}, {label} (cumulative) ---\n{figures['profile']}")
        return figures

    schema = record("schema", "schema (upgrade)", None, None)
    if "error" in schema:
        return rows
    first = record("import", "first import", files["first"], files["first_as_of"])
    if "error" in first:
        return rows
    record("preview", "preview (dry run)", files["changed"], files["as_of"])
    again = record("import", "re-import", files["changed"], files["as_of"])
    if "error" in again:
        record("preview", "preview, no new hires", files["changed_no_hires"], files["as_of"])
        record("import", "re-import, no new hires", files["changed_no_hires"], files["as_of"])
    return rows


# ---------------------------------------------------------------------------------------------
# Report


def print_table(rows: list[dict], args) -> None:
    header = (
        f"{'database':<10} {'step':<26} {'seconds':>8} {'peak MiB':>9} {'base MiB':>9} "
        f"{'target':>8}  ok"
    )
    print()
    print(
        f"Roster import: {args.employees:,} people in {args.administrations} förvaltningar, "
        f"re-import with {args.share:.0%} changed"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        label = row["step"]
        target = TARGETS.get(label.split(",")[0])
        if "error" in row:
            print(f"{row['database']:<10} {label:<26} {'FAILED':>8}  {row['error'][:120]}")
            continue
        peak = row.get("peak_mib")
        ok = "" if label.startswith("schema") else "yes"
        if target is not None and row["seconds"] >= target:
            ok = "NO (time)"
        if peak is not None and not label.startswith("schema") and peak >= PEAK_TARGET_MIB:
            ok = "NO (memory)" if ok == "yes" else ok + " NO (memory)"
        print(
            f"{row['database']:<10} {label:<26} {row['seconds']:>8.2f} "
            f"{peak or 0:>9.0f} {_mib(row.get('base_mib')):>9} "
            f"{(f'< {target:.0f} s' if target else ''):>8}  {ok}"
        )
    print()
    print("Phases (seconds) of each import step:")
    for row in rows:
        if row.get("phases") and "error" not in row:
            phases = ", ".join(f"{k} {v:.2f}" for k, v in row["phases"].items())
            rest = row["seconds"] - sum(row["phases"].values())
            print(f"  {row['database']:<10} {row['step']:<26} {phases}, other {rest:.2f}")
            if row.get("summary"):
                print(f"  {'':<10} {'':<26} {row['summary']}")
    print()
    print(
        f"Targets: first import < {TARGETS['first import']:.0f} s, re-import < "
        f"{TARGETS['re-import']:.0f} s, peak < {PEAK_TARGET_MIB} MiB per step. Peak MiB: the "
        "step process's ru_maxrss (whole process, read at its end); base MiB: its resident "
        "size just before the timed call."
    )


def _mib(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


# ---------------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=50_000)
    parser.add_argument("--administrations", type=int, default=25)
    parser.add_argument("--share", type=float, default=0.02, help="changed at re-import")
    parser.add_argument("--seed", type=int, default=2019)
    add_database_choice(parser)
    parser.add_argument("--profile", action="store_true", help="cProfile each import step")
    parser.add_argument("--profile-lines", type=int, default=30)
    # internal: one step in a child process
    parser.add_argument("--step", choices=["schema", "import", "preview"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--as-of", help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.step:
        run_step(args)
        return
    from vbe_learn.demo import city

    today = date.today()
    with tempfile.TemporaryDirectory(prefix="vbe-bench-roster-") as tmp:
        tmp_dir = Path(tmp)
        started = time.perf_counter()
        first = city.generate_roster(
            args.employees, args.seed, args.administrations, as_of=today - timedelta(days=30)
        )
        changed = city.change_roster(first, args.share, args.seed + 1, as_of=today)
        no_hires = city.change_roster(first, args.share, args.seed + 1, today, new_hires=0.0)
        files = {
            "first": tmp_dir / "personallista-1.csv",
            "changed": tmp_dir / "personallista-2.csv",
            "changed_no_hires": tmp_dir / "personallista-2-utan-nyanstallda.csv",
            "first_as_of": today - timedelta(days=30),
            "as_of": today,
        }
        files["first"].write_bytes(first)
        files["changed"].write_bytes(changed)
        files["changed_no_hires"].write_bytes(no_hires)
        log(
            f"files generated in {time.perf_counter() - started:.1f} s: "
            f"{len(first) / 2**20:.1f} MiB roster, {args.employees:,} people"
        )
        rows: list[dict] = []
        if not args.postgres_only:
            log("SQLite:")
            url = f"sqlite:///{tmp_dir / 'bench.db'}"
            rows += bench_database("sqlite", url, files, args)
        if not args.sqlite_only:
            why_not = postgres_available()
            if why_not:
                log(f"PostgreSQL skipped: not reachable at 127.0.0.1:5432 ({why_not})")
                rows.append({"database": "postgres", "step": "(skipped)", "error": why_not})
            else:
                log("PostgreSQL:")
                postgres_database(PG_DB, create=True)
                try:
                    rows += bench_database("postgres", PG_URL, files, args)
                finally:
                    postgres_database(PG_DB, create=False)
    print_table(rows, args)


if __name__ == "__main__":
    main()
