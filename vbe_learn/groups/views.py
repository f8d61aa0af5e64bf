"""Gruppomgång pages: the leader's big screen, the phones' join and follow pages, and the
poll both use (HTTP only: load, authorise, validate, call one service, redirect)."""

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required

from ..core.forms import ActionForm
from ..core.urls import absolute_url, database_id
from ..learning.services.attempts import AttemptRefused
from ..learning.services.outline import outline_for
from ..learning.services.progress import NoSuchPage
from ..models import GroupSession
from ..models.groups import PAGE_STEP
from ..models.types import utcnow
from ..permissions import (
    access_administration,
    access_course,
    access_group_session,
    access_group_session_as_leader,
    access_group_session_as_participant,
    access_participant_to_remove,
    access_person_to_mark_present,
    may_lead_group_session,
    require,
)
from . import bp, codes, services, state
from .forms import JoinForm, StartForm


def _form_id(name: str) -> int | None:
    """A database id from the posted form, or None."""
    return request.form.get(name, type=database_id)


def _action(session_id: int) -> GroupSession:
    """The leader's session for a control button (its CSRF token checked)."""
    session = access_group_session_as_leader(current_user, session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return session


def _page_html(slug: str, module_no: int, page) -> str:
    """The page's HTML with its links and images pointing where the course page has them."""
    if page is None:
        return ""
    address = url_for("learning.page", slug=slug, module_no=module_no, page_no=page.position)
    return state.page_html(page.html, address)


def _back_to_lead(session: GroupSession):
    return redirect(url_for(".lead", session_id=session.id, _anchor="styrning"))


@bp.route("/ny", methods=["GET", "POST"])
@login_required
def start():
    """ "Starta gruppomgång": a chef for their team, a samordnare for a förvaltning."""
    chosen = request.values.get("forvaltning", "")
    administration = None
    if chosen:
        administration = access_administration(current_user, database_id_or_404(chosen))
    require(may_lead_group_session(current_user, administration and administration.id))
    course = access_course(current_app.config["DEFAULT_COURSE"])
    outline = outline_for(course.current_version_id)
    form = StartForm(moduler=[m.position for m in outline.modules], forvaltning=chosen)
    form.moduler.choices = [
        (m.position, m.title) for m in outline.modules
    ]  # "Modul N:" shown by the template
    if form.validate_on_submit():
        try:
            session = services.start_session(
                current_user, course, form.moduler.data, administration and administration.id
            )
        except services.GroupRefused as refused:
            flash(str(refused), "error")
        else:
            return redirect(url_for(".lead", session_id=session.id))
    return render_template(
        "groups/start.html", form=form, administration=administration,
        running=state.running_sessions(current_user),
    )  # fmt: skip


def database_id_or_404(text: str) -> int:
    """An id from the address, or 404."""
    try:
        return database_id(text)
    except ValueError:
        abort(404)


@bp.get("/<id:session_id>/leda")
@login_required
def lead(session_id: int):
    """The leader's screen: the course at presentation size, the code, the people."""
    session = access_group_session_as_leader(current_user, session_id)
    search = request.args.get("namn", "").strip()[:100]
    return render_template(
        "groups/lead.html", **_lead_context(session), search=search,
        team=state.team_to_mark_present(current_user, session),
        found=state.people_to_mark_present(current_user, session, search),
    )  # fmt: skip


def _lead_context(session: GroupSession) -> dict:
    outline = services.session_outline(session)
    module = outline.module(session.current_module)
    revealed = session.is_revealed(module.position) and session.current_step != PAGE_STEP
    now = utcnow()
    code = codes.current_code(session.join_secret, now)
    join_url = absolute_url("groups.join_page", kod=code, g=session.id)
    page = module.page(session.current_page) if session.current_step == PAGE_STEP else None
    return {
        "session": session,
        "outline": outline,
        "module": module,
        "page": page,
        "page_html": _page_html(outline.slug, module.position, page),
        "steps": services.steps_of(outline, session.module_positions),
        "step": services.current_step(session),
        "counts": state.session_counts(session),
        "participants": state.participant_rows(session),
        "distribution": state.answer_distribution(session, module.position) if revealed else None,
        "min_answers": state.MIN_ANSWERS,
        "code": code,
        "code_seconds": codes.seconds_left(now),
        "spaced": codes.spaced,
        "join_address": absolute_url("groups.join_page"),
        "qr": codes.qr_svg(join_url),
    }


@bp.get("/<id:session_id>/deltagare")
@login_required
def participants_fragment(session_id: int):
    """The leader's list of people present (fetched by the screen's script)."""
    session = access_group_session_as_leader(current_user, session_id)
    return render_template(
        "groups/_participants.html", session=session, counts=state.session_counts(session),
        participants=state.participant_rows(session),
    )  # fmt: skip


@bp.get("/<id:session_id>/kod")
@login_required
def code_fragment(session_id: int):
    """The leader's join box: the current code and its QR code (fetched by the script)."""
    session = access_group_session_as_leader(current_user, session_id)
    return render_template("groups/_join_box.html", **_lead_context(session))


@bp.post("/<id:session_id>/nasta")
@login_required
def next_step(session_id: int):
    """ "Nästa"."""
    return _control(session_id, lambda session: services.move(session, forward=True))


@bp.post("/<id:session_id>/foregaende")
@login_required
def previous_step(session_id: int):
    """ "Föregående"."""
    return _control(session_id, lambda session: services.move(session, forward=False))


@bp.post("/<id:session_id>/visa-svar")
@login_required
def reveal(session_id: int):
    """ "Visa svarsfördelning"."""
    return _control(session_id, services.reveal)


@bp.post("/<id:session_id>/stang")
@login_required
def close_joining(session_id: int):
    """ "Stäng anslutningen"."""
    return _control(session_id, lambda session: services.set_joining(session, False))


@bp.post("/<id:session_id>/oppna")
@login_required
def open_joining(session_id: int):
    """ "Öppna anslutningen"."""
    return _control(session_id, lambda session: services.set_joining(session, True))


@bp.post("/<id:session_id>/avsluta")
@login_required
def end(session_id: int):
    """ "Avsluta gruppomgången"."""
    return _control(session_id, lambda session: services.end_session(current_user, session))


def _control(session_id: int, change):
    session = _action(session_id)
    try:
        change(session)
    except services.GroupRefused as refused:
        flash(str(refused), "error")
    return _back_to_lead(session)


@bp.post("/<id:session_id>/ta-bort")
@login_required
def remove(session_id: int):
    """ "Ta bort" a participant (form field `deltagare`: the participant's id)."""
    session = _action(session_id)
    participant = access_participant_to_remove(session, _form_id("deltagare") or 0)
    services.remove(current_user, session, participant)
    flash(gettext("Deltagaren är borttagen från gruppomgången."), "success")
    return _back_to_lead(session)


@bp.post("/<id:session_id>/narvarande")
@login_required
def mark_present(session_id: int):
    """ "Närvarande utan telefon" (form field `person`: the person's id)."""
    session = _action(session_id)
    person_id = _form_id("person")
    if person_id is None:
        flash(gettext("Välj vem som är närvarande."), "error")
        return _back_to_lead(session)
    person = access_person_to_mark_present(current_user, session, person_id)
    try:
        services.mark_present(current_user, session, person)
    except services.GroupRefused as refused:
        flash(str(refused), "error")
    else:
        flash(gettext("%(name)s är markerad som närvarande.", name=person.full_name), "success")
    return _back_to_lead(session)


@bp.get("/<id:session_id>/status.json")
@login_required
def poll(session_id: int):
    """The state the screens poll: small JSON with an ETag (304 when unchanged)."""
    session, is_leader = access_group_session(current_user, session_id)
    if is_leader:
        etag, body = state.leader_poll(session, utcnow())
    else:
        etag, body = state.participant_poll(session)
    response: Response = jsonify(body)
    response.set_etag(etag)
    return response.make_conditional(request)


@bp.route("/delta", methods=["GET", "POST"])
@login_required
def join_page():
    """Join with the code (the QR code's address has it filled in): `kod`, `gruppomgang`."""
    form = JoinForm(kod=request.args.get("kod", "")[:20], gruppomgang=request.args.get("g", ""))
    if form.validate_on_submit():
        session_id = None
        if form.gruppomgang.data:
            session_id = database_id_or_404(form.gruppomgang.data)
        try:
            session = services.join(current_user, form.kod.data, utcnow(), session_id)
        except services.GroupRefused as refused:
            form.kod.errors = [*form.kod.errors, str(refused)]
        else:
            return redirect(url_for(".follow", session_id=session.id))
    return render_template("groups/join.html", form=form)


@bp.get("/<id:session_id>")
@login_required
def follow(session_id: int):
    """A participant's phone: what the screen shows, and their own knowledge check."""
    session, participant = access_group_session_as_participant(current_user, session_id)
    outline = services.session_outline(session)
    module = outline.module(session.current_module)
    page = module.page(session.current_page) if session.current_step == PAGE_STEP else None
    return render_template(
        "groups/follow.html", session=session, participant=participant, outline=outline,
        module=module, form=ActionForm(), page=page,
        page_html=_page_html(outline.slug, module.position, page),
    )  # fmt: skip


@bp.post("/<id:session_id>/kunskapskontroll")
@login_required
def start_check(session_id: int):
    """The participant's own knowledge check of the module on the screen."""
    session, participant = access_group_session_as_participant(current_user, session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        attempt_id = services.start_group_check(session, participant)
    except NoSuchPage:
        abort(404)
    except (AttemptRefused, services.GroupRefused) as refused:
        flash(str(refused), "error")
        return redirect(url_for(".follow", session_id=session.id))
    return redirect(url_for("learning.attempt", attempt_id=attempt_id))


@bp.post("/<id:session_id>/lamna")
@login_required
def leave(session_id: int):
    """ "Lämna gruppomgången": continue alone from where the session stands."""
    session, participant = access_group_session_as_participant(current_user, session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    step = services.leave(session, participant)
    flash(gettext("Du har lämnat gruppomgången och fortsätter på egen hand."), "success")
    where = {"slug": services.session_outline(session).slug, "module_no": step.module}
    if step.kind == PAGE_STEP:
        return redirect(url_for("learning.page", **where, page_no=step.page))
    return redirect(url_for("learning.check", **where))
