"""Follow-up pages for chefer, samordnare and the central samordnare (HTTP only)."""

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..core.urls import database_id
from ..learning.status import STATUSES, valid_until, validity_years
from ..models import Administration
from ..models.types import CITY_TIMEZONE, city_today, utcnow
from ..permissions import (
    access_administration,
    access_employee,
    administrations_in_reach,
    may_export_summary,
    may_follow_up,
    may_see_administration_overview,
    may_see_question_analysis,
    may_see_team,
    may_see_whole_city,
    require,
)
from . import bp
from . import question_analysis as analysis
from .question_page import question_analysis_page
from .services import (
    CITY_SORTS,
    DEFAULT_CITY_SORT,
    administration_report,
    city_overview,
    person_completions,
    team_report,
)


def _years() -> int:
    return validity_years(current_app.config["DEFAULT_COURSE"])


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
    report = administration_report(administration.id, city_today(), _years())
    return render_template(
        "followup/administration.html", administration=administration, report=report
    )


@bp.get("/team")
@login_required
def team():
    """A chef's team, every level below them: sortable, filterable, with counts."""
    require(may_see_team(current_user))
    sort = request.args.get("sortera", "namn")
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    text = request.args.get("sok", "")[:100]
    years = _years()
    report = team_report(current_user, city_today(), years, sort, status, text)
    return render_template(
        "followup/team.html",
        report=report,
        sort=sort,
        status=status,
        text=text,
        statuses=STATUSES,
        valid_until=lambda day: valid_until(day, years),
    )


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
        question_bars=analysis.question_bars,
    )
