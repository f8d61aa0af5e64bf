"""Learner pages: HTTP only (load, authorise, validate, call one service, redirect)."""

from pathlib import Path

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext, refresh
from flask_login import current_user, login_required

from ..core.forms import ActionForm
from ..courses.files import module_image_folder
from ..courses.languages import LANGUAGES
from ..permissions import access_attempt, access_course
from . import bp
from .forms import CourseLanguageForm, attempt_form
from .services.attempts import (
    AttemptRefused,
    attempt_module,
    shown_questions,
    start_module_check,
    submit_attempt,
)
from .services.language import UnknownLanguage, choose_course_language
from .services.position import page_position
from .services.progress import NoSuchPage, learner_progress, record_page_read
from .services.result import attempt_result


@bp.get("/")
def index():
    """Start page: the learner's course."""
    return redirect(url_for("learning.dashboard"))


@bp.get("/min-utbildning")
@login_required
def dashboard():
    """Min utbildning: progress per module, where to continue, the deadline, the intyg."""
    course = access_course(current_app.config["DEFAULT_COURSE"])
    progress = learner_progress(current_user, course, current_app.config["NEW_EMPLOYEE_DAYS"])
    form = CourseLanguageForm(language=progress.outline.language)
    return render_template(
        "learning/dashboard.html", course=course, progress=progress, language_form=form
    )


@bp.post("/min-utbildning/sprak")
@login_required
def choose_language():
    """Byt språk: the language the learner reads the course in (from now on; an open
    knowledge check stays in its language)."""
    form = CourseLanguageForm()
    if not form.validate_on_submit():
        refusal = form.language.errors[0] if form.language.errors else gettext("Försök igen.")
        flash(str(refusal), "error")
        return redirect(url_for(".dashboard", _anchor="sprak"))
    try:
        choose_course_language(current_user, form.language.data)
    except UnknownLanguage as refused:
        flash(str(refused), "error")
        return redirect(url_for(".dashboard", _anchor="sprak"))
    refresh()  # Flask-Babel: the confirmation in the newly chosen interface language
    flash(gettext("Kursens språk: %(name)s.", name=LANGUAGES[form.language.data]), "success")
    return redirect(url_for(".dashboard"))


@bp.get("/kurs/<slug>/<id:module_no>/<id:page_no>")
@login_required
def page(slug: str, module_no: int, page_no: int):
    """A module page with previous/next."""
    position = page_position(current_user, slug) or abort(404)
    module = position.outline.module(module_no) or abort(404)
    page_ref = module.page(page_no) or abort(404)
    previous, following = position.outline.neighbours(module, page_ref)
    return render_template(
        "learning/page.html",
        position=position,
        module=module,
        page=page_ref,
        previous=previous,
        following=following,
    )


@bp.post("/kurs/<slug>/<id:module_no>/<id:page_no>/last")
@login_required
def mark_read(slug: str, module_no: int, page_no: int):
    """ "Nästa": record the page as read and go on to the next page or the check (its CSRF
    token is checked by CSRFProtect, as for every POST: no form object on this hot path)."""
    try:
        next_module, next_page = record_page_read(current_user, slug, module_no, page_no)
    except NoSuchPage:
        abort(404)
    if next_page is None:
        return redirect(url_for(".check", slug=slug, module_no=next_module))
    return redirect(url_for(".page", slug=slug, module_no=next_module, page_no=next_page))


@bp.post("/kurs/<slug>/<id:module_no>/<id:page_no>/visad")
@login_required
def page_seen(slug: str, module_no: int, page_no: int):
    """A page reached by a link or the menu, reported by its own script (js/page-read.js)
    once it has loaded: record it as read, as "Nästa" does, and answer 204 (CSRF checked by
    CSRFProtect; the page view itself, a GET, writes nothing)."""
    try:
        record_page_read(current_user, slug, module_no, page_no)
    except NoSuchPage:
        abort(404)
    return "", 204


@bp.get("/kurs/<slug>/<id:module_no>/kunskapskontroll")
@login_required
def check(slug: str, module_no: int):
    """A module's knowledge check: rules, earlier attempts, start button."""
    course = access_course(slug)
    progress = learner_progress(current_user, course)
    module = progress.outline.module(module_no) or abort(404)
    state = next(m for m in progress.modules if m.module.id == module.id)
    return render_template(
        "learning/check.html", course=course, progress=progress, state=state, form=ActionForm()
    )


@bp.post("/kurs/<slug>/<id:module_no>/kunskapskontroll")
@login_required
def start_check(slug: str, module_no: int):
    """Start (or continue) an attempt at a module's knowledge check."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        attempt_id = start_module_check(current_user, slug, module_no)
    except NoSuchPage:
        abort(404)
    except AttemptRefused as refused:
        flash(str(refused), "error")
        return redirect(url_for(".check", slug=slug, module_no=module_no))
    return redirect(url_for(".attempt", attempt_id=attempt_id))


@bp.route("/kunskapskontroll/<id:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(attempt_id: int):
    """An open attempt's questions, or a submitted attempt's result with feedback."""
    attempt = access_attempt(current_user, attempt_id)
    if not attempt.is_open:
        if request.method == "POST":
            flash(gettext("Kunskapskontrollen är redan inlämnad."), "error")
            return redirect(url_for(".attempt", attempt_id=attempt.id))
        return render_template(
            "learning/result.html", attempt=attempt, result=attempt_result(attempt)
        )
    module, shown = attempt_module(attempt), shown_questions(attempt)
    form = attempt_form(shown)
    if request.method == "POST" and form.unexpected_fields(list(request.form)):
        abort(400)
    if form.validate_on_submit():
        try:
            submit_attempt(attempt, form.chosen_options(), shown)
        except AttemptRefused as refused:
            flash(str(refused), "error")
        return redirect(url_for(".attempt", attempt_id=attempt.id))
    return render_template(
        "learning/attempt.html", attempt=attempt, module=module, shown=shown, form=form
    )


@bp.get("/kurs/<slug>/<id:module_no>/bilder/<name>")
@login_required
def course_image(slug: str, module_no: int, name: str):
    """An SVG image of a course page (drawn in-house, served from courses/)."""
    folder = module_image_folder(Path(current_app.config["COURSES_DIR"]), slug, module_no)
    if folder is None or not name.endswith(".svg"):
        abort(404)
    response = send_from_directory(folder, name, mimetype="image/svg+xml", max_age=3600)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
