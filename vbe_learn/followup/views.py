"""Follow-up pages for chefer, samordnare and the central samordnare (HTTP only)."""

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..core.urls import database_id
from ..learning.status import validity_years
from ..models import Administration
from ..models.types import CITY_TIMEZONE, city_today, utcnow
from ..permissions import (
    access_administration,
    access_employee,
    access_unit_report,
    administrations_in_reach,
    may_export_summary,
    may_follow_up,
    may_see_administration_overview,
    may_see_question_analysis,
    may_see_team,
    may_see_whole_city,
    require,
)
from ..reminders.planning import Schedule
from . import bp, missing
from . import question_analysis as analysis
from .question_page import question_analysis_page
from .services import (
    CITY_SORTS,
    DEFAULT_CITY_SORT,
    administration_report,
    city_overview,
    person_completions,
)
from .units import GROUP_SORTS, unit_report


def _years() -> int:
    return validity_years(current_app.config["DEFAULT_COURSE"])


def _course() -> str:
    return current_app.config["DEFAULT_COURSE"]


def _schedule() -> Schedule:
    return Schedule.from_config(current_app.config, city_today(), _years())


def _target_share() -> float | None:
    """The target share for the charts (FOLLOWUP_TARGET_SHARE; 0: none)."""
    return current_app.config["FOLLOWUP_TARGET_SHARE"] or None


@bp.get("/")
@login_required
def overview():
    """The samlad bild (central) or the samordnare's förvaltningar; a chef goes to the team."""
    require(may_follow_up(current_user))
    if not may_see_administration_overview(current_user):
        return redirect(url_for(".team"))
    sort = request.args.get("sortera", DEFAULT_CITY_SORT)
    sort = sort if sort in CITY_SORTS else DEFAULT_CITY_SORT
    today = city_today()
    report = city_overview(today, _years(), administrations_in_reach(current_user), sort)
    return render_template(
        "followup/overview.html",
        report=report,
        today=today,
        printed_at=utcnow().astimezone(CITY_TIMEZONE),
        sort=sort,
        sorts=CITY_SORTS,
        target=_target_share(),
        sees_whole_city=may_see_whole_city(current_user),
        may_export_summary=may_export_summary(current_user),
        may_see_team=may_see_team(current_user),
        may_see_question_analysis=may_see_question_analysis(current_user),
    )


@bp.get("/forvaltning/<id:administration_id>")
@login_required
def administration(administration_id: int):
    """One förvaltning: breakdowns, trends, people without completion after 30 days."""
    administration = access_administration(current_user, administration_id)
    sort = request.args.get("sortera", "namn")
    sort = sort if sort in GROUP_SORTS else "namn"
    report = administration_report(administration.id, city_today(), _years(), sort)
    return render_template(
        "followup/administration.html",
        administration=administration,
        report=report,
        sort=sort,
        target=_target_share(),
    )


@bp.get("/team")
@login_required
def team():
    """A chef's team, every level below them: Ej klara first, filterable, sortable, with
    deadlines, progress, Senast påmind and Påminn."""
    require(may_see_team(current_user))
    scope = missing.Scope(manager_id=current_user.id)
    filters = missing.ListFilter.read(request.args, scope.statuses)
    found = missing.listing(scope, _schedule(), _course(), filters, rates_too=True)
    return render_template("followup/team.html", listing=found, filters=filters, today=city_today())


@bp.get("/person/<id:person_id>")
@login_required
def person(person_id: int):
    """One person within reach: place in the organisation and completions."""
    employee = access_employee(current_user, person_id)
    completions = person_completions(employee)
    return render_template("followup/person.html", person=employee, completions=completions)


def _chosen_administration() -> Administration | None:
    """The förvaltning in ?forvaltning= (within reach or 404), or None for all in reach."""
    if not request.args.get("forvaltning"):
        return None
    chosen = request.args.get("forvaltning", type=database_id)
    if chosen is None:
        abort(404)
    return access_administration(current_user, chosen)


@bp.get("/fragor")
@login_required
def questions():
    """Frågeanalys: per question, the share right the first time and the usual wrong answer."""
    require(may_see_question_analysis(current_user))
    version_id = request.args.get("version", type=database_id)
    if request.args.get("version") and version_id is None:
        abort(404)
    page = question_analysis_page(
        current_app.config["DEFAULT_COURSE"],
        version_id,
        _chosen_administration(),
        administrations_in_reach(current_user),
    )
    require(page is not None)
    return render_template(
        "followup/questions.html",
        page=page,
        sees_whole_city=may_see_whole_city(current_user),
        min_group=analysis.MIN_GROUP,
        language_flag_min=analysis.LANGUAGE_FLAG_MIN_FIRST_TRIES,
        language_flag_points=int(100 * analysis.LANGUAGE_FLAG_GAP),
        question_bars=analysis.question_bars,
    )


@bp.get("/forvaltning/<id:administration_id>/ej-klara")
@login_required
def not_done(administration_id: int):
    """A förvaltning's people not done: filter by enhet, status, Försenad and name; Påminn."""
    administration = access_administration(current_user, administration_id)
    scope = missing.Scope(administration_id=administration.id)
    filters = missing.ListFilter.read(request.args, scope.statuses)
    found = missing.listing(scope, _schedule(), _course(), filters)
    return render_template(
        "followup/not_done.html", administration=administration, listing=found,
        filters=filters, units=missing.units_of(administration.id), today=city_today(),
    )  # fmt: skip


@bp.get("/enhet/<id:unit_id>")
@login_required
def unit(unit_id: int):
    """One enhet: its figures beside its förvaltning's, and its people, needing action first."""
    found = access_unit_report(current_user, unit_id)
    administration = found.department.administration
    report = unit_report(found, administration, _schedule())
    return render_template(
        "followup/unit.html",
        unit=found,
        administration=administration,
        report=report,
        target=_target_share(),
    )
