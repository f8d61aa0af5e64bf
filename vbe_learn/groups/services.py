"""What a gruppomgång does: start, step through, join, leave, remove, mark present, end.

Each change bumps the session's state_version (the polls' ETag). What the leader shows
counts for everyone joined and not removed or gone: each page shown is recorded as read
for them by the learner's own service (learning.services.progress.record_page_read), and
their knowledge checks are their own attempts (learning.services.attempts), marked with
the session. Services flush, never commit; starting, ending and removing are audited.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext, lazy_gettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from ..core.audit import record
from ..core.extensions import db
from ..learning.services.attempts import start_module_check
from ..learning.services.outline import Outline, outline_for
from ..learning.services.progress import (
    NoSuchPage,
    record_page_read,
    record_page_read_together,
)
from ..models import Attempt, Course, User
from ..models.groups import (
    CHECK_STEP,
    DISCUSS_STEP,
    ENDED,
    OPEN,
    PAGE_STEP,
    GroupParticipant,
    GroupSession,
)
from ..models.types import utcnow
from . import codes

log = logging.getLogger(__name__)

STARTED, ENDED_EVENT, REMOVED = (
    "group_session.started",
    "group_session.ended",
    "group_session.participant_removed",
)
WRONG_CODE = lazy_gettext(
    "Koden stämmer inte. Kontrollera siffrorna och skriv koden som visas på skärmen nu."
)
EXPIRED_CODE = lazy_gettext(
    "Koden har gått ut – den byts var 30:e sekund. Skriv koden som visas på skärmen nu."
)
JOINING_CLOSED = lazy_gettext(
    "Anslutningen till gruppomgången är stängd. Be den som leder att öppna den."
)
SESSION_ENDED = lazy_gettext("Gruppomgången är avslutad.")
REMOVED_FROM = lazy_gettext("Den som leder gruppomgången har tagit bort dig från den.")
AMBIGUOUS_CODE = lazy_gettext(
    "Koden gäller flera gruppomgångar just nu. Vänta på nästa kod och skriv den."
)


class GroupRefused(Exception):
    """The change cannot be made; the message is for the person (Swedish)."""


@dataclass(frozen=True)
class Step:
    """One step of a session: a module's page, its check or its discussion."""

    module: int
    kind: str
    page: int | None = None


def session_outline(session: GroupSession) -> Outline:
    """The course version the session shows (cached per process)."""
    return outline_for(session.course_version_id)


def steps_of(outline: Outline, module_positions: list[int]) -> list[Step]:
    """Every step in order: each chosen module's pages, then its check, then its discussion."""
    steps = []
    for module in outline.modules:
        if module.position in module_positions:
            steps += [Step(module.position, PAGE_STEP, page.position) for page in module.pages]
            steps += [Step(module.position, CHECK_STEP), Step(module.position, DISCUSS_STEP)]
    return steps


def current_step(session: GroupSession) -> Step:
    """Where the session stands."""
    return Step(session.current_module, session.current_step, session.current_page)


def start_session(
    leader: User, course: Course, module_positions: list[int], administration_id: int | None
) -> GroupSession:
    """Start a gruppomgång on the course's current version with the chosen modules (audited)."""
    outline = outline_for(course.current_version_id)
    chosen = sorted({m.position for m in outline.modules} & set(module_positions))
    if not chosen:
        raise GroupRefused(gettext("Välj minst en modul."))
    first = steps_of(outline, chosen)[0]
    session = GroupSession(
        course_id=course.id,
        course_version_id=outline.version_id,
        leader_id=leader.id,
        administration_id=administration_id,
        module_positions=chosen,
        status=OPEN,
        joining_open=True,
        current_module=first.module,
        current_step=first.kind,
        current_page=first.page,
        revealed_modules=[],
        join_secret=codes.new_join_secret(),
        state_version=1,
    )
    db.session.add(session)
    db.session.flush()
    details = {"modules": chosen, "administration_id": administration_id}
    record(leader, STARTED, f"group_session:{session.id}", **details)
    return session


def _refuse_if_ended(session: GroupSession) -> None:
    if not session.is_open:
        raise GroupRefused(str(SESSION_ENDED))


def move(session: GroupSession, forward: bool) -> None:
    """ "Nästa" or "Föregående": go one step; a page shown counts as read for everyone joined."""
    _refuse_if_ended(session)
    steps = steps_of(session_outline(session), session.module_positions)
    here = steps.index(current_step(session)) if current_step(session) in steps else 0
    there = steps[max(0, min(len(steps) - 1, here + (1 if forward else -1)))]
    session.current_module, session.current_step, session.current_page = (
        there.module,
        there.kind,
        there.page,
    )
    session.bump()
    db.session.flush()
    if there.kind == PAGE_STEP:
        record_shown_page(session, active_participants(session))


def reveal(session: GroupSession) -> None:
    """ "Visa svarsfördelning": show the current module's answers (from its check on to its
    discussion; the numbers themselves appear only with enough answers, see state.py)."""
    _refuse_if_ended(session)
    if session.current_step == PAGE_STEP:
        raise GroupRefused(gettext("Svarsfördelningen visas efter modulens kunskapskontroll."))
    if not session.is_revealed(session.current_module):
        session.revealed_modules = [*(session.revealed_modules or []), session.current_module]
    session.current_step = DISCUSS_STEP
    session.bump()
    db.session.flush()


def set_joining(session: GroupSession, joining_open: bool) -> None:
    """ "Stäng anslutningen" / "Öppna anslutningen"."""
    _refuse_if_ended(session)
    session.joining_open = joining_open
    session.bump()
    db.session.flush()


def end_session(leader: User, session: GroupSession) -> None:
    """ "Avsluta gruppomgången" (audited); the participants continue alone."""
    _refuse_if_ended(session)
    session.status = ENDED
    session.joining_open = False
    session.ended_at = utcnow()
    session.bump()
    db.session.flush()
    record(leader, ENDED_EVENT, f"group_session:{session.id}", participants=_count(session))


def _count(session: GroupSession) -> int:
    return len(active_participants(session))


def active_participants(session: GroupSession) -> list[GroupParticipant]:
    """The people joined (or marked present) and neither removed nor gone, with their users."""
    return list(
        db.session.scalars(
            select(GroupParticipant)
            .join(GroupParticipant.user)
            .options(contains_eager(GroupParticipant.user))
            .where(
                GroupParticipant.group_session_id == session.id,
                GroupParticipant.removed_at.is_(None),
                GroupParticipant.left_at.is_(None),
            )
            .order_by(User.first_name, User.last_name, User.id)
        )
    )


def record_shown_page(session: GroupSession, participants: list[GroupParticipant]) -> None:
    """The page on the screen counts as read for these participants: at once for all whose
    enrollment is on the session's version and going on, then by the learner's own service
    for the rest (each in their own enrollment; a page their version lacks is skipped)."""
    if session.current_step != PAGE_STEP or not session.is_open:
        return
    outline = session_outline(session)
    page = outline.module(session.current_module).page(session.current_page)
    covered = record_page_read_together(
        [participant.user_id for participant in participants],
        session.course_id,
        session.course_version_id,
        page.id,
    )
    slug = outline.slug
    for participant in participants:
        if participant.user_id in covered:
            continue
        try:
            record_page_read(participant.user, slug, session.current_module, session.current_page)
        except NoSuchPage:
            log.info("group %s: no such page for user %s", session.id, participant.user_id)


def find_session_by_code(code: str, at: datetime, session_id: int | None = None) -> GroupSession:
    """The open session whose current (or previous) code this is; refused with a Swedish
    message when the code is wrong, expired, or joining is closed."""
    code = codes.normalised_code(code)
    if not codes.is_code_shaped(code):
        raise GroupRefused(gettext("Skriv koden med sex siffror."))
    query = select(GroupSession).where(GroupSession.status == OPEN)
    if session_id is not None:
        query = query.where(GroupSession.id == session_id)
    candidates = list(db.session.scalars(query))
    matching = [s for s in candidates if codes.code_is_valid(s.join_secret, code, at)]
    joinable = [s for s in matching if s.joining_open]
    if len(joinable) == 1:
        return joinable[0]
    if len(joinable) > 1:
        raise GroupRefused(str(AMBIGUOUS_CODE))
    if matching:
        raise GroupRefused(str(JOINING_CLOSED))
    if any(codes.code_has_expired(s.join_secret, code, at) for s in candidates):
        raise GroupRefused(str(EXPIRED_CODE))
    raise GroupRefused(str(WRONG_CODE))


def join(user: User, code: str, at: datetime, session_id: int | None = None) -> GroupSession:
    """Join the session the code opens (again, after leaving); the page on the screen counts
    as read at once."""
    session = find_session_by_code(code, at, session_id)
    participant = participant_of(session, user)
    if participant is not None and participant.removed_at is not None:
        raise GroupRefused(str(REMOVED_FROM))
    if participant is None:
        participant = GroupParticipant(group_session_id=session.id, user_id=user.id)
        try:
            with db.session.begin_nested():
                db.session.add(participant)
        except IntegrityError:  # joined in parallel (a double tap)
            participant = participant_of(session, user)
    else:
        participant.left_at = None
        participant.has_no_phone = False
        participant.joined_at = utcnow()
    session.bump()
    db.session.flush()
    record_shown_page(session, [participant])
    return session


def participant_of(session: GroupSession, user: User) -> GroupParticipant | None:
    """The person's row in the session, removed or gone included."""
    return db.session.scalar(
        select(GroupParticipant).where(
            GroupParticipant.group_session_id == session.id, GroupParticipant.user_id == user.id
        )
    )


def _unmark_open_attempts(session: GroupSession, user_id: int) -> None:
    """Open attempts started at the session no longer count as made there."""
    db.session.execute(
        update(Attempt)
        .where(
            Attempt.group_session_id == session.id,
            Attempt.user_id == user_id,
            Attempt.submitted_at.is_(None),
        )
        .values(group_session_id=None)
        .execution_options(synchronize_session=False)
    )


def leave(session: GroupSession, participant: GroupParticipant) -> Step:
    """ "Lämna gruppomgången": continue alone; return the step the session was at."""
    participant.left_at = utcnow()
    _unmark_open_attempts(session, participant.user_id)
    session.bump()
    db.session.flush()
    return current_step(session)


def remove(leader: User, session: GroupSession, participant: GroupParticipant) -> None:
    """ "Ta bort": nothing shown from now on counts for them (audited)."""
    if participant.removed_at is not None:
        return
    participant.removed_at = utcnow()
    _unmark_open_attempts(session, participant.user_id)
    session.bump()
    db.session.flush()
    record(leader, REMOVED, f"user:{participant.user_id}", group_session_id=session.id)


def mark_present(leader: User, session: GroupSession, person: User) -> GroupParticipant:
    """ "Närvarande utan telefon": the pages shown count for them; they take the knowledge
    checks later themselves. Someone already joined on their phone stays as they are."""
    _refuse_if_ended(session)
    participant = participant_of(session, person)
    if participant is not None and participant.is_active:
        return participant
    if participant is None:
        participant = GroupParticipant(group_session_id=session.id, user_id=person.id)
        db.session.add(participant)
    participant.removed_at = participant.left_at = None
    participant.has_no_phone = True
    participant.marked_present_by_id = leader.id
    session.bump()
    db.session.flush()
    record_shown_page(session, [participant])
    return participant


def start_group_check(session: GroupSession, participant: GroupParticipant) -> int:
    """The participant's own knowledge check of the module on the screen (the same rules as
    alone); the attempt is marked as made at the session."""
    _refuse_if_ended(session)
    if session.current_step == PAGE_STEP:
        raise GroupRefused(gettext("Kunskapskontrollen öppnas när den som leder kommer dit."))
    slug = session_outline(session).slug
    return start_module_check(participant.user, slug, session.current_module, session.id)
