"""What a gruppomgång's screens and polls read: the counts, the answers' distribution,
the people, and the small JSON the screens poll (no flask.request here).

The poll is cheap: the participant's is the one query that checks their access (the
state is the session row); the leader's adds one for the counts. Its ETag is the state
version (and, for the leader, the answers counted and the code's time window).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

from flask_babel import gettext
from sqlalchemy import bindparam, func, select

from ..core.extensions import db
from ..courses.rendering import inline_plain_text
from ..models import AnswerChoice, Attempt, AttemptAnswer, User
from ..models.groups import CHECK_STEP, OPEN, PAGE_STEP, GroupParticipant, GroupSession
from ..permissions import group_session_reach, team_ids
from . import codes
from .services import session_outline

MIN_ANSWERS = 5  # fewer people answered: no distribution (nobody's answer can be told)
TEAM_LIST_MAX = 200  # a chef's team up to this size is offered as a list to mark present
SEARCH_MAX = 20

_ACTIVE = GroupParticipant.removed_at.is_(None) & GroupParticipant.left_at.is_(None)


@dataclass(frozen=True)
class Counts:
    """How many are present, how many of them have a phone, and how many have answered the
    current module's knowledge check at the session."""

    present: int
    with_phone: int
    answered: int


# The counts of the leader's poll (every 2 s): built once at import, binds "session_id" and
# "module_id" (the attempts found by the index on group_session_id).
_IN_SESSION = GroupParticipant.group_session_id == bindparam("session_id")
_ANSWERED = (
    select(func.count(func.distinct(Attempt.user_id)))
    .where(
        Attempt.group_session_id == bindparam("session_id"),
        Attempt.module_id == bindparam("module_id"),
        Attempt.submitted_at.is_not(None),
        Attempt.user_id.in_(select(GroupParticipant.user_id).where(_IN_SESSION, _ACTIVE)),
    )
    .scalar_subquery()
)
SESSION_COUNTS = select(
    func.count(GroupParticipant.id).filter(_ACTIVE),
    func.count(GroupParticipant.id).filter(_ACTIVE & GroupParticipant.has_no_phone.is_(False)),
    _ANSWERED,
).where(_IN_SESSION)


def session_counts(session: GroupSession) -> Counts:
    """The counts, in one query (the attempts by an index on group_session_id)."""
    module = session_outline(session).module(session.current_module)
    binds = {"session_id": session.id, "module_id": module.id}
    present, phones, answered_count = db.session.execute(SESSION_COUNTS, binds).one()
    return Counts(present, phones, answered_count or 0)


@dataclass(frozen=True)
class OptionShare:
    """An answer option and the share of the question's answers that chose it."""

    text: str
    is_correct: bool
    chosen: int
    answers: int

    @property
    def percent(self) -> int:
        """The share in whole percent."""
        return round(100 * self.chosen / self.answers) if self.answers else 0


@dataclass(frozen=True)
class QuestionShare:
    """A question of the module drawn for someone at the session, with its answers."""

    prompt: str
    scenario: str
    answers: int
    options: list[OptionShare]


@dataclass(frozen=True)
class Distribution:
    """The anonymous answers to a module's check at the session; no questions when fewer
    than MIN_ANSWERS people answered."""

    answered: int
    questions: list[QuestionShare] = field(default_factory=list)

    @property
    def enough(self) -> bool:
        """Whether enough people answered for the distribution to be shown."""
        return self.answered >= MIN_ANSWERS


def answer_distribution(session: GroupSession, module_position: int) -> Distribution:
    """Per question of the module, the share per option over the session's submitted
    attempts (grouped in SQL); empty under MIN_ANSWERS people."""
    module = session_outline(session).module(module_position)
    attempts = select(Attempt.id).where(
        Attempt.group_session_id == session.id,
        Attempt.module_id == module.id,
        Attempt.submitted_at.is_not(None),
    )
    answered = db.session.scalar(
        select(func.count(func.distinct(Attempt.user_id))).where(Attempt.id.in_(attempts))
    )
    if (answered or 0) < MIN_ANSWERS:
        return Distribution(answered or 0)
    per_question = dict(
        db.session.execute(
            select(AttemptAnswer.question_id, func.count(AttemptAnswer.id))
            .where(AttemptAnswer.attempt_id.in_(attempts))
            .group_by(AttemptAnswer.question_id)
        ).all()
    )
    per_option = dict(
        db.session.execute(
            select(AnswerChoice.option_id, func.count(AnswerChoice.id))
            .join(AttemptAnswer, AttemptAnswer.id == AnswerChoice.answer_id)
            .where(AttemptAnswer.attempt_id.in_(attempts))
            .group_by(AnswerChoice.option_id)
        ).all()
    )
    questions = []
    for question in module.questions:
        answers = per_question.get(question.id)
        if answers:
            options = [
                OptionShare(o.text, o.is_correct, per_option.get(o.id, 0), answers)
                for o in question.options
            ]
            questions.append(QuestionShare(question.prompt, question.scenario, answers, options))
    return Distribution(answered, questions)


def participant_rows(session: GroupSession) -> list[tuple[GroupParticipant, User]]:
    """The people present, by name (the leader's list)."""
    return list(
        db.session.execute(
            select(GroupParticipant, User)
            .join(User, User.id == GroupParticipant.user_id)
            .where(GroupParticipant.group_session_id == session.id, _ACTIVE)
            .order_by(User.first_name, User.last_name, User.id)
        ).tuples()
    )


def team_to_mark_present(leader: User, session: GroupSession) -> list[User]:
    """A chef's team (up to TEAM_LIST_MAX) not present yet, by name: "Närvarande utan
    telefon" as a list (a förvaltning's session searches by name instead)."""
    if session.administration_id is not None:
        return []
    present = select(GroupParticipant.user_id).where(
        GroupParticipant.group_session_id == session.id, _ACTIVE
    )
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.id.in_(team_ids(leader.id)),
                User.active.is_(True),
                User.id.not_in(present),
            )
            .order_by(User.first_name, User.last_name, User.id)
            .limit(TEAM_LIST_MAX)
        )
    )


def people_to_mark_present(leader: User, session: GroupSession, text: str) -> list[User]:
    """People within the session's reach whose name or e-post contains the text."""
    from ..admin.people import person_matches

    if not text.strip():
        return []
    return list(
        db.session.scalars(
            select(User)
            .where(group_session_reach(leader, session), person_matches(text))
            .order_by(User.first_name, User.last_name, User.id)
            .limit(SEARCH_MAX)
        )
    )


_RELATIVE_LINK = re.compile(r'(src|href)="(?![a-z][a-z0-9+.-]*:|#|/)([^"]*)"')


def page_html(html: str, page_address: str) -> str:
    """A course page's HTML shown away from its own address: its relative links and
    images ("bilder/x.svg", "../2/3") made absolute against the page's address."""
    return _RELATIVE_LINK.sub(
        lambda match: f'{match.group(1)}="{urljoin(page_address, match.group(2))}"', html
    )


def running_sessions(leader: User) -> list[GroupSession]:
    """The leader's sessions still going on, newest first."""
    return list(
        db.session.scalars(
            select(GroupSession)
            .where(GroupSession.leader_id == leader.id, GroupSession.status == OPEN)
            .order_by(GroupSession.id.desc())
        )
    )


def position_title(session: GroupSession) -> str:
    """What the screen shows, in words: the page's title, or the module's check or talk."""
    module = session_outline(session).module(session.current_module)
    if session.current_step == PAGE_STEP:
        return inline_plain_text(module.page(session.current_page).title)
    if session.current_step == CHECK_STEP:
        return gettext("Kunskapskontroll: %(title)s", title=module.title)
    return gettext("Diskutera: %(title)s", title=module.title)


def participant_poll(session: GroupSession) -> tuple[str, dict]:
    """(ETag, JSON) for a participant's phone: the state version and the position."""
    etag = f"p{session.id}-{session.state_version}"
    return etag, {
        "v": session.state_version,
        "status": session.status,
        "position": session.position_key,
        "module": session.current_module,
        "step": session.current_step,
        "page": session.current_page,
        "title": position_title(session),
    }


def leader_poll(session: GroupSession, at: datetime) -> tuple[str, dict]:
    """(ETag, JSON) for the leader's screen: the participant's, plus the counts and the
    join code while joining is open."""
    counts = session_counts(session)
    window = codes.time_window(at) if session.joining_open and session.is_open else 0
    etag = f"l{session.id}-{session.state_version}-{counts.answered}-{window}"
    _etag, body = participant_poll(session)
    body.update(
        joining=session.joining_open,
        present=counts.present,
        with_phone=counts.with_phone,
        answered=counts.answered,
    )
    if window:
        body.update(
            code=codes.current_code(session.join_secret, at),
            code_seconds=codes.seconds_left(at),
        )
    return etag, body
