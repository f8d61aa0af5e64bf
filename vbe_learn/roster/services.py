"""Roster and completions imports from a file: read → validate every row → plan → apply."""

import logging
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import select

from ..core.audit import record
from ..core.extensions import db
from ..learning.services.completion import new_certificate_code
from ..models import Completion, Course, RosterImport, User
from .apply import apply_roster
from .files import DEFAULT_LIMITS, ImportLimits, UnreadableFile, read_as_windows_1252, read_table
from .plan import RosterPlan, plan_roster
from .validation import Problems, validate_completions, validate_roster

log = logging.getLogger(__name__)


def _read(data: bytes, filename: str, limits: ImportLimits) -> pd.DataFrame | Problems:
    """The file as a table, or the reason it cannot be read (too large: before parsing)."""
    try:
        return read_table(data, filename, limits)
    except UnreadableFile as error:
        problems = Problems()
        problems.add(None, str(error))
        return problems


def plan_roster_file(
    data: bytes, filename: str, as_of: date, limits: ImportLimits = DEFAULT_LIMITS
) -> RosterPlan | Problems:
    """Read, validate and plan a roster file; Problems when it must be refused."""
    frame = _read(data, filename, limits)
    if isinstance(frame, Problems):
        return frame
    roster, problems = validate_roster(frame)
    if problems:
        return problems
    plan = plan_roster(roster, as_of, problems, read_as_windows_1252(data, filename))
    plan.max_deactivate_share = limits.max_deactivate_share
    return plan.problems if plan.problems else plan


def import_roster_file(
    data: bytes,
    filename: str,
    as_of: date,
    actor: User | None,
    limits: ImportLimits = DEFAULT_LIMITS,
    deactivate_count: int | None = None,
) -> RosterImport | Problems | RosterPlan:
    """Plan and apply a roster file in the current transaction; Problems when refused.

    An import that deactivates more than the allowed share of the active people is applied
    only when `deactivate_count` is exactly how many it deactivates; otherwise nothing is
    written and the plan is returned (to be shown again with the warning).
    """
    plan = plan_roster_file(data, filename, as_of, limits)
    if isinstance(plan, Problems):
        return plan
    if not plan.count_confirmed(deactivate_count):
        log.info("roster import %s not applied: deactivation count not confirmed", filename)
        return plan
    return apply_roster(plan, actor, filename)


@dataclass
class CompletionImportResult:
    """What a completions import did."""

    rows: int
    added: int
    already_present: int
    unknown_numbers: list[str]


def import_completions_file(
    data: bytes,
    filename: str,
    course: Course,
    actor: User | None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> CompletionImportResult | Problems:
    """Bring in completions from the earlier platform, marked as imported; idempotent."""
    frame = _read(data, filename, limits)
    if isinstance(frame, Problems):
        return frame
    table, problems = validate_completions(frame)
    if problems:
        return problems
    ids = dict(
        db.session.execute(
            select(User.employee_number, User.id).where(User.employee_number.is_not(None))
        ).all()
    )
    existing = set(
        db.session.execute(
            select(Completion.user_id, Completion.completed_on).where(
                Completion.course_id == course.id, Completion.source == "imported"
            )
        ).all()
    )
    unknown = sorted(set(table["employee_number"]) - set(ids))
    new_rows, seen = [], set()
    for row in table.itertuples(index=False):
        key = (ids.get(row.employee_number), row.completed_on)
        if key[0] is None or key in existing or key in seen:
            continue
        seen.add(key)
        new_rows.append(
            Completion(
                user_id=key[0],
                course_id=course.id,
                completed_on=row.completed_on,
                source="imported",
                source_version=row.source_version or None,
                certificate_code=new_certificate_code(),
            )
        )
    db.session.add_all(new_rows)
    db.session.flush()
    known_rows = sum(1 for n in table["employee_number"] if n in ids)
    record(actor, "completions.imported", f"course:{course.slug}", file=filename,
           rows=len(table), added=len(new_rows), unknown=len(unknown))  # fmt: skip
    log.info(
        "completions import %s by %s: %s new", filename, actor.id if actor else "cli", len(new_rows)
    )
    return CompletionImportResult(len(table), len(new_rows), known_rows - len(new_rows), unknown)
