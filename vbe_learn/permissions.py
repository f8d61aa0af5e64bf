"""Every "may this person see that" decision, in one place.

Each access_* helper returns the object when the person may see it and answers 404
otherwise: "not found" and "not yours" look the same from outside. Each may_* helper
answers a yes/no question; views never look at roles themselves.

Who sees whom:
- a medarbetare sees only themselves;
- a chef sees everyone below them in the chef chain (their enheter and everything below);
- a samordnare sees the förvaltningar they are samordnare for;
- the central samordnare sees the whole city;
- an admin manages users, roles and roster imports.
"""

from dataclasses import dataclass
from typing import NoReturn

from flask import abort, g, has_request_context
from sqlalchemy import (
    ColumnElement,
    bindparam,
    literal,
    select,
    true,
)
from sqlalchemy.orm import aliased

from .core.extensions import db
from .core.refusals import note_refusal
from .models import (
    Administration,
    Attempt,
    Completion,
    Course,
    Department,
    ExportFile,
    GroupParticipant,
    GroupSession,
    Unit,
    User,
)
from .models.exports import DONE
from .models.org import ADMIN, CENTRAL_COORDINATOR, COORDINATOR

MANAGER = "chef"  # derived from the roster, never assigned


@dataclass(frozen=True)
class Reach:
    """What a person's roles reach (loaded once per request)."""

    user_id: int
    is_admin: bool
    is_central: bool
    administration_ids: frozenset[int]
    is_manager: bool

    @property
    def imports_roster(self) -> bool:
        """Admins and central samordnare import rosters and completions."""
        return self.is_admin or self.is_central

    @property
    def follows_up(self) -> bool:
        """Chefer, samordnare and the central samordnare have follow-up pages."""
        return self.is_central or bool(self.administration_ids) or self.is_manager

    @property
    def coordinates(self) -> bool:
        """Samordnare and the central samordnare (their förvaltningar, or the city)."""
        return self.is_central or bool(self.administration_ids)


COURSE_BY_SLUG = select(Course).where(Course.slug == bindparam("slug"))


def _reach(user_id: int, roles: list[tuple[str, int | None]]) -> Reach:
    return Reach(
        user_id=user_id,
        is_admin=any(role == ADMIN for role, _ in roles),
        is_central=any(role == CENTRAL_COORDINATOR for role, _ in roles),
        administration_ids=frozenset(a for role, a in roles if role == COORDINATOR and a),
        is_manager=any(role == MANAGER for role, _ in roles),
    )


def reach_of(user: User) -> Reach:
    """What the person's roles reach, kept for the request (the signed-in person's roles
    are loaded with them; anyone else's are read on first use)."""
    cache = g.setdefault("reach", {}) if has_request_context() else {}
    if user.id not in cache:
        roles = [(role.role, role.administration_id) for role in user.roles]
        if user.manages_someone:
            roles.append((MANAGER, None))
        cache[user.id] = _reach(user.id, roles)
    return cache[user.id]


def team_ids(manager_id: int, name: str = "team"):
    """A select of the ids of everyone below a chef, at every level (recursive).

    `name` names the CTE, so that one query can hold two such chains.
    """
    below = select(User.id).where(User.manager_id == manager_id).cte(name, recursive=True)
    deeper = aliased(User)
    below = below.union_all(select(deeper.id).where(deeper.manager_id == below.c.id))
    return select(below.c.id)


def visible_people(user: User) -> ColumnElement[bool]:
    """A condition on User: the people this person may see in lists and exports."""
    reach = reach_of(user)
    if reach.is_central:
        return true()
    conditions = [User.id == user.id]
    if reach.administration_ids:
        in_administrations = (
            select(Unit.id)
            .join(Department, Department.id == Unit.department_id)
            .where(Department.administration_id.in_(reach.administration_ids))
        )
        conditions.append(User.unit_id.in_(in_administrations))
    if reach.is_manager:
        conditions.append(User.id.in_(team_ids(user.id)))
    return db.or_(*conditions) if len(conditions) > 1 else conditions[0]


def may_download_own_data(user: User) -> bool:
    """Everyone logged in may see and download what the platform holds about themselves."""
    return user.is_authenticated


def may_import_roster(user: User) -> bool:
    """Admins and central samordnare import rosters and completions."""
    return reach_of(user).imports_roster


def may_manage_roles(user: User) -> bool:
    """Only admins give and take roles."""
    return reach_of(user).is_admin


def may_see_audit_log(user: User) -> bool:
    """Only admins read the audit log."""
    return reach_of(user).is_admin


def may_see_export_log(user: User) -> bool:
    """Only admins read the export log."""
    return reach_of(user).is_admin


def may_follow_up(user: User) -> bool:
    """Chefer, samordnare and the central samordnare have follow-up pages."""
    return reach_of(user).follows_up


def may_see_question_analysis(user: User) -> bool:
    """Samordnare and the central samordnare (a chef alone has no förvaltning to compare)."""
    return reach_of(user).coordinates


def may_see_administration_overview(user: User) -> bool:
    """Samordnare and the central samordnare compare förvaltningar (a chef alone: the team)."""
    return reach_of(user).coordinates


def may_see_whole_city(user: User) -> bool:
    """Only the central samordnare sees every förvaltning in the city."""
    return reach_of(user).is_central


def may_see_team(user: User) -> bool:
    """A chef sees their team: everyone below them in the chef chain."""
    return reach_of(user).is_manager


def may_export_summary(user: User) -> bool:
    """Only the central samordnare exports the samlad bild (one row per förvaltning)."""
    return reach_of(user).is_central


def may_export(user: User, kind: str) -> bool:
    """Who may have an export of this kind made: the samlad bild ("summary") the central
    samordnare, a deltagarlista everyone with follow-up pages (and see Mina exporter)."""
    return may_export_summary(user) if kind == "summary" else may_follow_up(user)


def administrations_in_reach(user: User) -> frozenset[int] | None:
    """The förvaltningar a person follows up: None for the whole city, else their ids."""
    reach = reach_of(user)
    if reach.is_central:
        return None
    return reach.administration_ids


def may_see_administration(user: User, administration_id: int) -> bool:
    """The central samordnare, and samordnare for that förvaltning."""
    reach = reach_of(user)
    return reach.is_central or administration_id in reach.administration_ids


def may_manage_deadlines(user: User) -> bool:
    """Samordnare (their förvaltningar) and the central samordnare (the city and all)."""
    return reach_of(user).coordinates


def main_menu(user: User) -> dict[str, bool]:
    """The main menu's entries the person may use: what the may_* helpers named beside
    each answer, from one look-up of their reach (the menu is on every page)."""
    reach = reach_of(user)
    return {
        "follow_up": reach.follows_up,  # may_follow_up
        "roster": reach.imports_roster,  # may_import_roster
        "roles": reach.is_admin,  # may_manage_roles
        "export_log": reach.is_admin,  # may_see_export_log
        "my_exports": reach.follows_up,  # may_export (a deltagarlista): Mina exporter
        "audit_log": reach.is_admin,  # may_see_audit_log
        "reminders": reach.coordinates,  # may_manage_deadlines
    }


def may_set_deadline(user: User, administration_id: int | None) -> bool:
    """The city-wide deadline (None): central only; a förvaltning's: who may see it."""
    if administration_id is None:
        return reach_of(user).is_central
    return may_see_administration(user, administration_id)


def may_see_reminder_log(user: User) -> bool:
    """Samordnare (messages to their förvaltningar) and the central samordnare (all)."""
    reach = reach_of(user)
    return reach.is_central or bool(reach.administration_ids)


def may_remind(user: User, person_id: int) -> bool:
    """A chef may press "Påminn" for an active person anywhere below them."""
    if not reach_of(user).is_manager:
        return False
    in_team = db.session.scalar(
        select(literal(True)).where(
            User.id == person_id,
            User.active.is_(True),
            User.id.in_(team_ids(user.id)),
        )
    )
    return bool(in_team)


def may_remind_in_administration(
    user: User, administration_id: int, person_id: int | None = None
) -> bool:
    """Samordnare (their förvaltningar) and the central samordnare may press "Påminn" for
    people in a förvaltning; for one person, only someone active placed in it."""
    if not may_see_administration(user, administration_id):
        return False
    if person_id is None:
        return True
    units = (
        select(Unit.id)
        .join(Department, Department.id == Unit.department_id)
        .where(Department.administration_id == administration_id)
    )
    placed_there = db.session.scalar(
        select(literal(True)).where(
            User.id == person_id, User.active.is_(True), User.unit_id.in_(units)
        )
    )
    return bool(placed_there)


def require(allowed: bool) -> None:
    """Answer 404 unless allowed (a page you may not use looks like no page at all)."""
    if not allowed:
        abort(404)


def refuse(user: User, kind: str, object_id: int | str) -> NoReturn:
    """Answer 404 for something out of reach (or missing), and log the refusal."""
    note_refusal(user, kind, object_id)
    abort(404)


def access_administration(user: User, administration_id: int) -> Administration:
    """A förvaltning the person coordinates (or any, for the central samordnare)."""
    administration = db.session.get(Administration, administration_id)
    if administration is None or not may_see_administration(user, administration.id):
        refuse(user, "administration", administration_id)
    return administration


def access_employee(user: User, employee_id: int) -> User:
    """A person within reach: yourself, your team, your förvaltning, or anyone (central)."""
    employee = db.session.scalar(
        select(User).where(User.id == employee_id).where(visible_people(user))
    )
    if employee is None:
        refuse(user, "user", employee_id)
    return employee


def access_unit(user: User, unit_id: int) -> Unit:
    """An enhet within reach: in your förvaltning, or where someone in your team works."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        refuse(user, "unit", unit_id)
    if may_see_administration(user, unit.department.administration_id):
        return unit
    has_team_member = db.session.scalar(
        select(literal(True))
        .where(User.unit_id == unit.id, User.id.in_(team_ids(user.id)))
        .limit(1)
    )
    if not has_team_member:
        refuse(user, "unit", unit_id)
    return unit


def access_unit_report(user: User, unit_id: int) -> Unit:
    """An enhet's follow-up page (all its people): samordnare for its förvaltning and the
    central samordnare. A chef alone is refused: an enhet may hold people outside their
    team, whom they follow up on Mitt team instead."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or not may_see_administration(user, unit.department.administration_id):
        refuse(user, "unit", unit_id)
    return unit


def access_course(slug: str) -> Course:
    """A course with a loaded version, which every logged-in person may take."""
    course = db.session.scalar(COURSE_BY_SLUG, {"slug": slug})
    if course is None:
        abort(404)
    if course.current_version_id is None:
        abort(404)
    return course


def access_attempt(user: User, attempt_id: int) -> Attempt:
    """A knowledge-check attempt: only its own learner may see or submit it."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:
        refuse(user, "attempt", attempt_id)
    return attempt


def access_export_file(user: User, export_id: int) -> ExportFile:
    """A made export file: only the person who asked for it, while they may still export
    its kind (someone else's, one not made, and a missing one answer the same 404)."""
    export = db.session.get(ExportFile, export_id)
    if (
        export is None
        or export.requested_by_id != user.id
        or export.status != DONE
        or not may_export(user, export.kind)
    ):
        refuse(user, "export_file", export_id)
    return export


def access_own_certificate(user: User, code: str) -> Completion:
    """The full intyg (PDF with förvaltning and score): only its holder."""
    completion = db.session.scalar(select(Completion).where(Completion.certificate_code == code))
    if completion is None or completion.user_id != user.id:
        refuse(user, "certificate", code[:20])
    return completion


def access_certificate_verification(code: str) -> Completion:
    """The public verification page: anyone with the code (it shows name, course, date)."""
    completion = db.session.scalar(select(Completion).where(Completion.certificate_code == code))
    if completion is None:
        abort(404)
    return completion


# -- Gruppomgång ---------------------------------------------------------------------------


def may_lead_group_session(user: User, administration_id: int | None = None) -> bool:
    """A chef leads one for their team (no förvaltning); a samordnare (or the central
    samordnare) for a förvaltning they coordinate: a mixed group."""
    if administration_id is None:
        return reach_of(user).is_manager
    return may_see_administration(user, administration_id)


def access_group_session_as_leader(user: User, session_id: int) -> GroupSession:
    """A gruppomgång only its leader may see on the big screen and control (anyone
    else's, and a missing one, answer the same 404)."""
    session = db.session.get(GroupSession, session_id)
    if session is None or session.leader_id != user.id:
        refuse(user, "group_session", session_id)
    return session


# The phones' hot path (a poll every few seconds each): built once at import, with binds
# "session_id" and "user_id" (building a statement costs more than running it).
_OWN_ACTIVE_PARTICIPANT = (
    (GroupParticipant.group_session_id == GroupSession.id)
    & (GroupParticipant.user_id == bindparam("user_id"))
    & GroupParticipant.removed_at.is_(None)
    & GroupParticipant.left_at.is_(None)
)
GROUP_SESSION_AS_PARTICIPANT = (
    select(GroupSession, GroupParticipant)
    .join(GroupParticipant, _OWN_ACTIVE_PARTICIPANT)
    .where(GroupSession.id == bindparam("session_id"))
)
GROUP_SESSION_TO_POLL = (
    select(GroupSession, GroupParticipant.id)
    .outerjoin(GroupParticipant, _OWN_ACTIVE_PARTICIPANT)
    .where(GroupSession.id == bindparam("session_id"))
)


def access_group_session_as_participant(
    user: User, session_id: int
) -> tuple[GroupSession, GroupParticipant]:
    """A gruppomgång the person has joined and neither left nor been removed from (one
    query): they follow it and answer for themselves only."""
    binds = {"session_id": session_id, "user_id": user.id}
    found = db.session.execute(GROUP_SESSION_AS_PARTICIPANT, binds).first()
    if found is None:
        refuse(user, "group_session", session_id)
    return found[0], found[1]


def access_group_session(user: User, session_id: int) -> tuple[GroupSession, bool]:
    """A gruppomgång its leader or an active participant may poll, in one query:
    (session, whether the person leads it)."""
    binds = {"session_id": session_id, "user_id": user.id}
    found = db.session.execute(GROUP_SESSION_TO_POLL, binds).first()
    if found is None or (found[0].leader_id != user.id and found[1] is None):
        refuse(user, "group_session", session_id)
    return found[0], found[0].leader_id == user.id


def group_session_reach(user: User, session: GroupSession) -> ColumnElement[bool]:
    """A condition on User: whom the leader may mark present ("Närvarande utan telefon"):
    people they may see, and for a förvaltning's session only people placed in it."""
    condition = visible_people(user) & User.active.is_(True)
    if session.administration_id is not None:
        units = (
            select(Unit.id)
            .join(Department, Department.id == Unit.department_id)
            .where(Department.administration_id == session.administration_id)
        )
        condition = condition & User.unit_id.in_(units)
    return condition


def access_person_to_mark_present(user: User, session: GroupSession, person_id: int) -> User:
    """A person the session's leader may mark present (anyone else: 404)."""
    person = db.session.scalar(
        select(User).where(User.id == person_id, group_session_reach(user, session))
    )
    if person is None:
        refuse(user, "user", person_id)
    return person


def access_participant_to_remove(session: GroupSession, participant_id: int) -> GroupParticipant:
    """A participant of this very session (another session's: 404)."""
    participant = db.session.get(GroupParticipant, participant_id)
    if participant is None or participant.group_session_id != session.id:
        abort(404)
    return participant
