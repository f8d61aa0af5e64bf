"""The Händelselogg: audit events in plain Swedish, filtered, a page at a time or as CSV.

One place (this module) turns an event into words: `_SENTENCES` maps each action to a
sentence, `_Names` each target ("user:38", "roster_import:4", …) to a name. The names of a
page's events are loaded together, one query per kind of target, never one per row.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext
from sqlalchemy import ColumnElement, String, cast, func, literal, or_, select

from ..core.audit import ACTION_LABELS, record
from ..core.extensions import db
from ..core.refusals import REFUSED
from ..exports.services import KIND_LABELS, describe_filters
from ..models import (
    Administration,
    Attempt,
    AuditEvent,
    Course,
    CourseVersion,
    ExportFile,
    ExportLog,
    GroupSession,
    RosterImport,
    Unit,
    User,
)
from ..models.org import ROLE_LABELS
from ..models.types import CITY_TIMEZONE, utcnow
from .people import person_matches

AUDIT_PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000  # a CSV of the log holds at most this many events (newest first)
LOOKUP_CHUNK = 1000  # ids per IN list
# "Många nekade förfrågningar": more refusals than this in the window, per person.
MANY_REFUSALS = 10
REFUSAL_WINDOW = timedelta(hours=24)
LOG_EXPORTED = "auditlog.exported"
COMMAND_LINE = "Kommandorad"


@dataclass(frozen=True)
class LogFilters:
    """What the log is narrowed to: a person (name or e-post), an action, a date range."""

    person: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def as_details(self) -> dict:
        """The filters that are set, for the export's own audit event."""
        values = {
            "person": self.person,
            "event": self.action,
            "from": self.date_from,
            "to": self.date_to,
        }
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class AuditRow:
    """One audit event as the log shows it: time, who, what, about whom, in words."""

    at: datetime
    who: str | None  # None: the command line
    event: str  # the action's code (its label in the interface: action_label)
    action: str  # the action's Swedish label
    target: str
    description: str


@dataclass(frozen=True)
class AuditPage:
    """One page of the audit log, newest first."""

    rows: list[AuditRow]
    page: int
    pages: int
    total: int


def action_label(action: str) -> str:
    """An action's label in the interface language."""
    return gettext(ACTION_LABELS.get(action, action))


def action_choices() -> list[tuple[str, str]]:
    """(action, label in the interface language) for the action filter, "" = every action."""
    labels = sorted(((action, action_label(action)) for action in ACTION_LABELS), key=_second)
    return [("", gettext("Alla händelser")), *labels]


def _second(pair: tuple[str, str]) -> str:
    return pair[1]


def _filtered(filters: LogFilters) -> list[ColumnElement[bool]]:
    """The WHERE conditions of the filters."""
    conditions = []
    if filters.person:
        matching = select(User.id).where(person_matches(filters.person))
        as_target = select(literal("user:") + cast(User.id, String)).where(
            person_matches(filters.person)
        )
        conditions.append(or_(AuditEvent.actor_id.in_(matching), AuditEvent.target.in_(as_target)))
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.date_from:
        conditions.append(AuditEvent.at >= _city_midnight(filters.date_from))
    if filters.date_to:
        conditions.append(AuditEvent.at < _city_midnight(filters.date_to + timedelta(days=1)))
    return conditions


def _city_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=CITY_TIMEZONE)


def _events(filters: LogFilters):
    return (
        select(AuditEvent, User)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(*_filtered(filters))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )


def audit_page(
    page: int, filters: LogFilters = LogFilters(), page_size: int = AUDIT_PAGE_SIZE
) -> AuditPage:
    """The described events of one page (1 = newest): a count, the page, a query per kind."""
    total = db.session.scalar(select(func.count(AuditEvent.id)).where(*_filtered(filters))) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    rows = db.session.execute(_events(filters).limit(page_size).offset((page - 1) * page_size))
    return AuditPage(rows=describe(list(rows)), page=page, pages=pages, total=total)


def export_log(actor: User, filters: LogFilters) -> list[AuditRow]:
    """Every described event the filters select (newest first, capped); the export is logged."""
    rows = list(db.session.execute(_events(filters).limit(EXPORT_MAX_ROWS)))
    described = []
    for start in range(0, len(rows), LOOKUP_CHUNK):
        described += describe(rows[start : start + LOOKUP_CHUNK])
    record(actor, LOG_EXPORTED, None, format="csv", rows=len(described), **filters.as_details())
    return described


def describe(rows: list[tuple[AuditEvent, User | None]]) -> list[AuditRow]:
    """Events with their actors, in words (their targets' names loaded together)."""
    names = _Names([event for event, _actor in rows])
    return [
        AuditRow(
            at=event.at.astimezone(CITY_TIMEZONE),
            who=f"{actor.full_name} ({actor.email})" if actor is not None else None,
            event=event.action,
            action=ACTION_LABELS.get(event.action, event.action),
            target=names.of(event.target),
            description=_sentence(event, names),
        )
        for event, actor in rows
    ]


# --- targets → names ----------------------------------------------------------------------


def _split(target: str | None) -> tuple[str, str]:
    kind, _, key = (target or "").partition(":")
    return kind, key


class _Names:
    """The names of every target (and förvaltning in details) of some events, one query
    per kind."""

    def __init__(self, events: list[AuditEvent]) -> None:
        wanted: dict[str, set] = {}
        for event in events:
            kind, key = _split(event.target)
            wanted.setdefault(kind, set()).add(key)
            administration = (event.details or {}).get("administration_id")
            if administration is not None:
                wanted.setdefault("administration", set()).add(str(administration))
            group_session = (event.details or {}).get("group_session_id")
            if group_session is not None:
                wanted.setdefault("group_session", set()).add(str(group_session))
        self.names: dict[tuple[str, str], str] = {}
        for kind, keys in wanted.items():
            loader = _LOADERS.get(kind)
            if loader is not None:
                numbers = {int(key) for key in keys if key.isdigit() and len(key) < 12}
                found = loader(keys if kind in _TEXT_KEYS else numbers)
                self.names.update(((kind, str(key)), name) for key, name in found)

    def of(self, target: str | None) -> str:
        """A target's name: a person by name, an import by date and file, and so on."""
        if not target:
            return "–"
        if target == "city":
            return "Hela staden"
        kind, key = _split(target)
        name = self.names.get((kind, key))
        if name is not None:
            return name
        return f"{_KIND_WORDS.get(kind, 'okänd')} (finns inte längre)"


def _people(ids) -> Iterable[tuple[int, str]]:
    rows = db.session.execute(
        select(User.id, User.first_name, User.last_name, User.email).where(User.id.in_(ids))
    )
    return [(i, f"{first} {last} ({email})") for i, first, last, email in rows]


def _imports(ids) -> Iterable[tuple[int, str]]:
    rows = db.session.execute(
        select(RosterImport.id, RosterImport.as_of, RosterImport.source_name).where(
            RosterImport.id.in_(ids)
        )
    )
    return [(i, f"personallistan {name} ({as_of.isoformat()})") for i, as_of, name in rows]


def _exports(ids) -> Iterable[tuple[int, str]]:
    rows = db.session.execute(
        select(ExportLog.id, ExportLog.kind, ExportLog.format, ExportLog.created_at).where(
            ExportLog.id.in_(ids)
        )
    )
    return [
        (i, f"{KIND_LABELS.get(kind, kind)} ({fmt.upper()}, {_moment(at)})")
        for i, kind, fmt, at in rows
    ]


def _export_files(ids) -> Iterable[tuple[int, str]]:
    rows = db.session.execute(
        select(ExportFile.id, ExportFile.kind, ExportFile.format, ExportFile.created_at).where(
            ExportFile.id.in_(ids)
        )
    )
    return [
        (i, f"{KIND_LABELS.get(kind, kind).lower()} ({fmt.upper()}, beställd {_moment(at)})")
        for i, kind, fmt, at in rows
    ]


def _administrations(ids) -> Iterable[tuple[int, str]]:
    return db.session.execute(
        select(Administration.id, Administration.name).where(Administration.id.in_(ids))
    ).all()


def _units(ids) -> Iterable[tuple[int, str]]:
    return db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all()


def _attempts(ids) -> Iterable[tuple[int, str]]:
    rows = db.session.execute(
        select(Attempt.id, User.first_name, User.last_name)
        .join(User, User.id == Attempt.user_id)
        .where(Attempt.id.in_(ids))
    )
    return [(i, f"kunskapskontroll av {first} {last}") for i, first, last in rows]


def _group_sessions(ids) -> Iterable[tuple[int, str]]:
    rows = db.session.execute(
        select(GroupSession.id, GroupSession.created_at, User.first_name, User.last_name)
        .join(User, User.id == GroupSession.leader_id)
        .where(GroupSession.id.in_(ids))
    )
    return [
        (i, f"gruppomgången {_moment(at)} ledd av {first} {last}") for i, at, first, last in rows
    ]


def _courses(slugs) -> Iterable[tuple[str, str]]:
    rows = db.session.execute(
        select(Course.slug, CourseVersion.title)
        .outerjoin(CourseVersion, CourseVersion.id == Course.current_version_id)
        .where(Course.slug.in_(slugs))
    )
    return [(slug, title or slug) for slug, title in rows]


def _certificates(codes) -> Iterable[tuple[str, str]]:
    return [(code, f"intyg {code}") for code in codes]


_LOADERS: dict[str, Callable] = {
    "user": _people,
    "roster_import": _imports,
    "export_log": _exports,
    "export_file": _export_files,
    "administration": _administrations,
    "unit": _units,
    "attempt": _attempts,
    "course": _courses,
    "certificate": _certificates,
    "group_session": _group_sessions,
}
_TEXT_KEYS = {"course", "certificate"}
_KIND_WORDS = {
    "user": "person",
    "roster_import": "import",
    "export_log": "export",
    "export_file": "exportfil",
    "administration": "förvaltning",
    "unit": "enhet",
    "attempt": "kunskapskontroll",
    "course": "kurs",
    "certificate": "intyg",
    "group_session": "gruppomgång",
}
_REFUSED_WORDS = {
    "user": "uppgifterna om",
    "administration": "förvaltningen",
    "unit": "enheten",
    "export_file": "exportfilen",
    "attempt": "",
    "certificate": "",
    "group_session": "",
}


# --- actions → sentences ------------------------------------------------------------------


def _moment(at: datetime) -> str:
    return at.astimezone(CITY_TIMEZONE).strftime("%Y-%m-%d %H:%M")


def _day(value) -> str:
    return str(value) if value else "inget datum"


def _role(details: dict, names: _Names) -> str:
    role = ROLE_LABELS.get(details.get("role"), details.get("role", "?"))
    administration = details.get("administration_id")
    return f"{role} för {names.of(f'administration:{administration}')}" if administration else role


def _granted(event: AuditEvent, details: dict, names: _Names) -> str:
    return f"Gav {names.of(event.target)} rollen {_role(details, names)}."


def _revoked(event: AuditEvent, details: dict, names: _Names) -> str:
    return f"Tog bort rollen {_role(details, names)} från {names.of(event.target)}."


def _roster(event: AuditEvent, details: dict, names: _Names) -> str:
    return (
        f"Importerade personallistan {details.get('file', '?')} med datum "
        f"{details.get('as_of', '?')}: {details.get('added', 0)} nya, "
        f"{details.get('changed', 0)} ändrade, {details.get('deactivated', 0)} avaktiverade."
    )


def _completions(event: AuditEvent, details: dict, names: _Names) -> str:
    return (
        f"Importerade genomföranden i {names.of(event.target)} från {details.get('file', '?')}: "
        f"{details.get('added', 0)} nya av {details.get('rows', 0)} rader, "
        f"{details.get('unknown', 0)} okända anställningsnummer."
    )


def _export(event: AuditEvent, details: dict, names: _Names) -> str:
    filters = {k: v for k, v in details.items() if k not in ("format", "rows")}
    described = describe_filters(json.dumps(filters))
    kind = event.action.partition(".")[2]
    return (
        f"Exporterade {KIND_LABELS.get(kind, kind).lower()} som "
        f"{str(details.get('format', '')).upper()} med {details.get('rows', 0)} rader"
        + ("." if described == "–" else f" ({described}).")
    )


def _downloaded(event: AuditEvent, details: dict, names: _Names) -> str:
    return f"Laddade ner exporten {names.of(event.target)} från Mina exporter."


def _deadline(event: AuditEvent, details: dict, names: _Names) -> str:
    return (
        f"Ändrade sista datum för {names.of(event.target)} från {_day(details.get('old'))} "
        f"till {_day(details.get('new'))}."
    )


def _refused(event: AuditEvent, details: dict, names: _Names) -> str:
    kind, _key = _split(event.target)
    what = " ".join(filter(None, [_REFUSED_WORDS.get(kind, ""), names.of(event.target)]))
    path = details.get("path")
    return f"Nekades att se {what}" + (f" (sidan {path})." if path else ".")


def _log_exported(event: AuditEvent, details: dict, names: _Names) -> str:
    chosen = {k: v for k, v in details.items() if k not in ("format", "rows")}
    if "event" in chosen:
        chosen["event"] = ACTION_LABELS.get(chosen["event"], chosen["event"])
    words = {"person": "person", "event": "händelse", "from": "från", "to": "till"}
    shown = ", ".join(f"{words.get(k, k)} {v}" for k, v in chosen.items())
    return f"Exporterade händelseloggen som CSV med {details.get('rows', 0)} händelser" + (
        f" ({shown})." if shown else "."
    )


def _group_started(event: AuditEvent, details: dict, names: _Names) -> str:
    modules = ", ".join(str(m) for m in details.get("modules", [])) or "–"
    administration = details.get("administration_id")
    where = f" för {names.of(f'administration:{administration}')}" if administration else ""
    return f"Startade {names.of(event.target)}{where} med modul {modules}."


def _group_ended(event: AuditEvent, details: dict, names: _Names) -> str:
    return (
        f"Avslutade {names.of(event.target)} med {details.get('participants', 0)} deltagare kvar."
    )


def _group_removed(event: AuditEvent, details: dict, names: _Names) -> str:
    group = names.of(f"group_session:{details.get('group_session_id')}")
    return f"Tog bort {names.of(event.target)} från {group}."


_SENTENCES: dict[str, Callable[[AuditEvent, dict, _Names], str]] = {
    "role.granted": _granted,
    "role.revoked": _revoked,
    "roster.imported": _roster,
    "completions.imported": _completions,
    "export.participants": _export,
    "export.summary": _export,
    "export.downloaded": _downloaded,
    "deadline.changed": _deadline,
    REFUSED: _refused,
    LOG_EXPORTED: _log_exported,
    "group_session.started": _group_started,
    "group_session.ended": _group_ended,
    "group_session.participant_removed": _group_removed,
}


def _sentence(event: AuditEvent, names: _Names) -> str:
    """The event in one Swedish sentence (an unknown action: its details, as words)."""
    details = event.details or {}
    sentence = _SENTENCES.get(event.action)
    if sentence is not None:
        return sentence(event, details, names)
    return " · ".join(f"{key}: {value}" for key, value in sorted(details.items())) or "–"


# --- "Många nekade förfrågningar" -------------------------------------------------------


@dataclass(frozen=True)
class RefusedPerson:
    """Someone refused many times lately: who, how many times, and when last."""

    user_id: int
    who: str
    refusals: int
    last_at: datetime


def refused_often(
    now: datetime | None = None, more_than: int = MANY_REFUSALS, window: timedelta = REFUSAL_WINDOW
) -> list[RefusedPerson]:
    """People with more than `more_than` refused requests in the window, most first (one
    grouped query)."""
    since = (now or utcnow()) - window
    refusals = func.count(AuditEvent.id)
    rows = db.session.execute(
        select(User, refusals, func.max(AuditEvent.at))
        .join(AuditEvent, AuditEvent.actor_id == User.id)
        .where(AuditEvent.action == REFUSED, AuditEvent.at >= since)
        .group_by(User.id)
        .having(refusals > more_than)
        .order_by(refusals.desc(), User.id)
    )
    return [
        RefusedPerson(
            user_id=user.id,
            who=f"{user.full_name} ({user.email})",
            refusals=count,
            last_at=last_at.astimezone(CITY_TIMEZONE),
        )
        for user, count, last_at in rows
    ]
