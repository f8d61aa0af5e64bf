"""Mina uppgifter: everything the platform holds about one person, for them to download.

Every source of personal data is listed in `SOURCES` at the bottom: a table that gains
rows about a person (messages sent to them, audit events about them, ...) gets a
function here and a line there, and the page and the download pick it up. Each source is
one query (or a few for nested data), never one per row.
"""

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..core.audit import ACTION_LABELS
from ..core.extensions import db
from ..learning.status import person_status
from ..models import (
    Administration,
    AnswerChoice,
    Attempt,
    AttemptAnswer,
    AuditEvent,
    Completion,
    Course,
    CourseVersion,
    DeadlineChange,
    Department,
    Enrollment,
    ExportFile,
    ExportLog,
    Module,
    Option,
    Page,
    PageRead,
    Placement,
    Question,
    ReminderMessage,
    RoleAssignment,
    RosterImport,
    Unit,
    User,
)
from ..models.org import ROLE_LABELS
from ..models.types import city_today, version_label

Rows = list[dict]


def _unit_path(unit_id: int | None) -> dict:
    """Förvaltning, avdelning and enhet of a unit (empty strings when there is none)."""
    row = None
    if unit_id is not None:
        row = db.session.execute(
            select(Administration.name, Department.name, Unit.name)
            .join(Department, Department.id == Unit.department_id)
            .join(Administration, Administration.id == Department.administration_id)
            .where(Unit.id == unit_id)
        ).first()
    names = tuple(row) if row else ("", "", "")
    return dict(zip(("förvaltning", "avdelning", "enhet"), names, strict=True))


def profile(user: User) -> Rows:
    """The person's own record (never the password hash: only whether one is set)."""
    manager = db.session.get(User, user.manager_id) if user.manager_id else None
    return [
        {
            "id": user.id,
            "anställningsnummer": user.employee_number,
            "förnamn": user.first_name,
            "efternamn": user.last_name,
            "e-post": user.email,
            **_unit_path(user.unit_id),
            "chef": manager.full_name if manager else None,
            "invånarnära": user.close_to_residents,
            "anställd_från": user.employed_from,
            "aktiv": user.active,
            "har_lösenord": user.password_hash is not None,
            "pseudonymiserad": user.pseudonymised_at,
        }
    ]


def placements(user: User) -> Rows:
    """Where the roster has placed the person, and when."""
    rows = db.session.execute(
        select(
            Administration.name,
            Department.name,
            Unit.name,
            Placement.close_to_residents,
            Placement.valid_from,
            Placement.valid_to,
        )
        .join(Unit, Unit.id == Placement.unit_id)
        .join(Department, Department.id == Unit.department_id)
        .join(Administration, Administration.id == Department.administration_id)
        .where(Placement.user_id == user.id)
        .order_by(Placement.valid_from, Placement.id)
    )
    keys = ("förvaltning", "avdelning", "enhet", "invånarnära", "från", "till")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def roles(user: User) -> Rows:
    """Roles given to the person (samordnare per förvaltning, central samordnare, admin)."""
    rows = db.session.execute(
        select(RoleAssignment.role, Administration.name)
        .outerjoin(Administration, Administration.id == RoleAssignment.administration_id)
        .where(RoleAssignment.user_id == user.id)
        .order_by(RoleAssignment.id)
    )
    return [{"roll": ROLE_LABELS.get(role, role), "förvaltning": name} for role, name in rows]


def enrollments(user: User) -> Rows:
    """The courses the person has started, with version and cycle."""
    rows = db.session.execute(
        select(Course.slug, CourseVersion.title, CourseVersion.created_at, Enrollment)
        .join(Course, Course.id == Enrollment.course_id)
        .join(CourseVersion, CourseVersion.id == Enrollment.course_version_id)
        .where(Enrollment.user_id == user.id)
        .order_by(Enrollment.started_at)
    )
    return [
        {
            "kurs": slug,
            "titel": title,
            "kursversion": version_label(loaded_at),
            "omgång": enrollment.cycle,
            "påbörjad": enrollment.started_at,
        }
        for slug, title, loaded_at, enrollment in rows
    ]


def pages_read(user: User) -> Rows:
    """Every page the person marked as read, and when."""
    rows = db.session.execute(
        select(Module.title, Page.title, PageRead.read_at)
        .join(Enrollment, Enrollment.id == PageRead.enrollment_id)
        .join(Page, Page.id == PageRead.page_id)
        .join(Module, Module.id == Page.module_id)
        .where(Enrollment.user_id == user.id)
        .order_by(PageRead.read_at, PageRead.id)
    )
    return [{"modul": module, "sida": page, "läst": read_at} for module, page, read_at in rows]


def attempts(user: User) -> Rows:
    """Every knowledge-check attempt with the questions answered and the options chosen."""
    chosen: dict[int, list[str]] = defaultdict(list)
    for answer_id, text in db.session.execute(
        select(AnswerChoice.answer_id, Option.text)
        .join(Option, Option.id == AnswerChoice.option_id)
        .join(AttemptAnswer, AttemptAnswer.id == AnswerChoice.answer_id)
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .where(Attempt.user_id == user.id)
        .order_by(AnswerChoice.id)
    ):
        chosen[answer_id].append(text)
    answers: dict[int, Rows] = defaultdict(list)
    for attempt_id, answer_id, prompt, is_correct in db.session.execute(
        select(
            AttemptAnswer.attempt_id, AttemptAnswer.id, Question.prompt, AttemptAnswer.is_correct
        )
        .join(Question, Question.id == AttemptAnswer.question_id)
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .where(Attempt.user_id == user.id)
        .order_by(AttemptAnswer.attempt_id, AttemptAnswer.position)
    ):
        answers[attempt_id].append(
            {"fråga": prompt, "valda_svar": chosen[answer_id], "rätt": is_correct}
        )
    rows = db.session.execute(
        select(Module.title, Attempt)
        .join(Module, Module.id == Attempt.module_id)
        .where(Attempt.user_id == user.id)
        .order_by(Attempt.started_at, Attempt.id)
    )
    return [
        {
            "modul": module,
            "försök": attempt.number,
            "påbörjat": attempt.started_at,
            "inlämnat": attempt.submitted_at,
            "resultat_procent": attempt.score_percent,
            "godkänt": attempt.passed,
            "svar": answers[attempt.id],
        }
        for module, attempt in rows
    ]


def completions(user: User) -> Rows:
    """Completed courses with their intyg (verification) codes."""
    version = aliased(CourseVersion)
    rows = db.session.execute(
        select(Course.slug, version.created_at, Completion)
        .join(Course, Course.id == Completion.course_id)
        .outerjoin(version, version.id == Completion.course_version_id)
        .where(Completion.user_id == user.id)
        .order_by(Completion.completed_on, Completion.id)
    )
    return [
        {
            "kurs": slug,
            # as stored for an imported completion (it is the person's data as given)
            "kursversion": version_label(loaded_at) if loaded_at else completion.source_version,
            "genomförd": completion.completed_on,
            "registrerad": completion.completed_at,
            "resultat_procent": completion.score_percent,
            "källa": "importerad" if completion.source == "imported" else "här",
            "intygskod": completion.certificate_code,
        }
        for slug, loaded_at, completion in rows
    ]


def training_status(user: User) -> Rows:
    """The person's status today in each course, by the one status rule."""
    courses = db.session.scalars(
        select(Course).where(Course.current_version_id.is_not(None)).order_by(Course.slug)
    )
    today = city_today()
    rows = []
    for course in courses:
        standing = person_status(user.id, course, today)
        valid = standing.valid_completion
        rows.append(
            {
                "kurs": course.slug,
                "status": standing.status,
                "giltigt_genomförande": valid.completed_on if valid else None,
                "giltig_till": standing.valid_until,
            }
        )
    return rows


def exports_made(user: User) -> Rows:
    """Deltagarlistor and samlad bild the person has exported."""
    rows = db.session.scalars(
        select(ExportLog).where(ExportLog.actor_id == user.id).order_by(ExportLog.created_at)
    )
    return [
        {
            "tid": log.created_at,
            "typ": log.kind,
            "format": log.format,
            "filter": json.loads(log.filters or "{}"),
            "rader": log.row_count,
        }
        for log in rows
    ]


def export_files_asked_for(user: User) -> Rows:
    """Export files the person has asked for and that are still kept (not their contents:
    those are other people's data, downloaded from Mina exporter)."""
    rows = db.session.scalars(
        select(ExportFile)
        .where(ExportFile.requested_by_id == user.id)
        .order_by(ExportFile.created_at)
    )
    return [
        {
            "beställd": export.created_at,
            "typ": export.kind,
            "format": export.format,
            "filter": json.loads(export.filters or "{}"),
            "status": export.status,
            "rader": export.row_count,
            "sparas_till": export.expires_at,
        }
        for export in rows
    ]


def roster_imports_made(user: User) -> Rows:
    """Roster imports the person has applied."""
    rows = db.session.scalars(
        select(RosterImport)
        .where(RosterImport.actor_id == user.id)
        .order_by(RosterImport.imported_at)
    )
    return [
        {
            "tid": item.imported_at,
            "per_datum": item.as_of,
            "fil": item.source_name,
            "rader": item.rows,
            "tillagda": item.added,
            "ändrade": item.changed,
            "avaktiverade": item.deactivated,
        }
        for item in rows
    ]


def messages_received(user: User) -> Rows:
    """E-mails planned or sent to the person (invitations, reminders, digests, summaries)."""
    rows = db.session.scalars(
        select(ReminderMessage)
        .where(ReminderMessage.user_id == user.id)
        .order_by(ReminderMessage.planned_at)
    )
    return [
        {
            "slag": item.kind,
            "mottagare": item.recipient,
            "status": item.status,
            "planerat": item.planned_at,
            "skickat": item.sent_at,
            "fel": item.error,
        }
        for item in rows
    ]


def audit_events(user: User) -> Rows:
    """Logged events the person did, or that were about them (role changes)."""
    rows = db.session.scalars(
        select(AuditEvent)
        .where((AuditEvent.actor_id == user.id) | (AuditEvent.target == f"user:{user.id}"))
        .order_by(AuditEvent.at)
    )
    return [
        {
            "tid": item.at,
            "händelse": ACTION_LABELS.get(item.action, item.action),
            "gjord_av_dig": item.actor_id == user.id,
            "gällde_dig": item.target == f"user:{user.id}",
        }
        for item in rows
    ]


def deadline_changes_made(user: User) -> Rows:
    """Deadlines the person has set or changed."""
    rows = db.session.scalars(
        select(DeadlineChange)
        .where(DeadlineChange.actor_id == user.id)
        .order_by(DeadlineChange.changed_at)
    )
    return [{"tid": i.changed_at, "från": i.old_due_on, "till": i.new_due_on} for i in rows]


@dataclass(frozen=True)
class Source:
    """One kind of personal data: its key in the file, its Swedish label, how to read it."""

    key: str
    label: str
    read: Callable[[User], Rows]


# Every place the platform keeps data about a person. Add new tables here.
SOURCES = (
    Source("profil", lazy_gettext("Profil"), profile),
    Source("placeringar", lazy_gettext("Placeringar i organisationen"), placements),
    Source("roller", lazy_gettext("Roller"), roles),
    Source("kursdeltaganden", lazy_gettext("Påbörjade kurser"), enrollments),
    Source("lästa_sidor", lazy_gettext("Lästa sidor"), pages_read),
    Source("kunskapskontroller", lazy_gettext("Kunskapskontroller med svar"), attempts),
    Source("genomförda_kurser", lazy_gettext("Genomförda kurser och intygskoder"), completions),
    Source("utbildningsstatus", lazy_gettext("Status i utbildningen i dag"), training_status),
    Source("exporter", lazy_gettext("Exporter du har gjort"), exports_made),
    Source(
        "exportfiler",
        lazy_gettext("Exportfiler du har beställt (Mina exporter)"),
        export_files_asked_for,
    ),
    Source("personallistor", lazy_gettext("Personallistor du har läst in"), roster_imports_made),
    Source(
        "e_post", lazy_gettext("E-post till dig (inbjudningar och påminnelser)"), messages_received
    ),
    Source("händelser", lazy_gettext("Loggade händelser av dig eller om dig"), audit_events),
    Source("sista_dagar", lazy_gettext("Sista dagar du har ändrat"), deadline_changes_made),
)


def personal_data(user: User, now: datetime) -> dict:
    """Everything the platform holds about the person, by source."""
    return {
        "hämtad": now,
        "person_id": user.id,
        **{source.key: source.read(user) for source in SOURCES},
    }


def personal_data_counts(user: User) -> list[tuple[str, int]]:
    """(label, number of entries) per source, for the page."""
    return [(source.label, len(source.read(user))) for source in SOURCES]


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def personal_data_json(user: User, now: datetime) -> str:
    """The download: the person's data as readable, UTF-8 JSON."""
    return json.dumps(personal_data(user, now), ensure_ascii=False, indent=2, default=_plain)
