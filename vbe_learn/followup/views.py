"""Follow-up pages for chefer, samordnare and the central samordnare (HTTP only)."""

from datetime import date

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..learning.services.progress import COMPLETED, NOT_STARTED, RENEWAL_DUE, STARTED
from ..permissions import (
    access_administration,
    access_employee,
    may_follow_up,
    may_see_question_analysis,
    reach_of,
    require,
)
from . import bp
from . import question_analysis as analysis
from .people import valid_until
from .services import (
    administration_report,
    city_overview,
    person_completions,
    team_report,
    validity_years,
)

STATUSES = (COMPLETED, RENEWAL_DUE, STARTED, NOT_STARTED)


def _years() -> int:
    return validity_years(current_app.config["DEFAULT_COURSE"])


@bp.get("/")
@login_required
def overview():
    """The samlad bild (central) or the samordnare's förvaltningar; a chef goes to the team."""
    require(may_follow_up(current_user))
    reach = reach_of(current_user)
    if not reach.is_central and not reach.administration_ids:
        return redirect(url_for(".team"))
    ids = None if reach.is_central else reach.administration_ids
    rows, before_day = city_overview(date.today(), _years(), ids)
    return render_template(
        "followup/overview.html", rows=rows, before_day=before_day, reach=reach, today=date.today()
    )


@bp.get("/forvaltning/<int:administration_id>")
@login_required
def administration(administration_id: int):
    """One förvaltning: breakdowns, trends, people without completion after 30 days."""
    administration = access_administration(current_user, administration_id)
    report = administration_report(administration.id, date.today(), _years())
    return render_template(
        "followup/administration.html", administration=administration, report=report
    )


@bp.get("/team")
@login_required
def team():
    """A chef's team, every level below them: sortable, filterable, with counts."""
    require(reach_of(current_user).is_manager)
    sort = request.args.get("sortera", "namn")
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    text = request.args.get("sok", "")[:100]
    report = team_report(current_user, date.today(), _years(), sort, status, text)
    years = _years()
    return render_template(
        "followup/team.html",
        report=report,
        sort=sort,
        status=status,
        text=text,
        statuses=STATUSES,
        valid_until=lambda day: valid_until(day, years),
    )


@bp.get("/person/<int:person_id>")
@login_required
def person(person_id: int):
    """One person within reach: place in the organisation and completions."""
    employee = access_employee(current_user, person_id)
    completions = person_completions(employee)
    return render_template("followup/person.html", person=employee, completions=completions)


@bp.get("/fragor")
@login_required
def questions():
    """Frågeanalys: per question, the share right the first time and the usual wrong answer."""
    require(may_see_question_analysis(current_user))
    version_id = request.args.get("version", type=int)
    administration_id = request.args.get("forvaltning", type=int)
    if request.args.get("version") and version_id is None:
        abort(404)
    version = analysis.find_version(version_id, current_app.config["DEFAULT_COURSE"])
    if version is None:
        abort(404)
    reach = reach_of(current_user)
    within_reach = None if reach.is_central else reach.administration_ids
    administration = None
    if request.args.get("forvaltning"):
        administration = access_administration(current_user, administration_id or 0)
    ids = [administration.id] if administration else within_reach
    return render_template(
        "followup/questions.html",
        version=version,
        administration=administration,
        modules=analysis.by_module(analysis.question_analysis(version.id, ids)),
        versions=analysis.version_choices(version.course_id),
        administrations=analysis.administration_choices(within_reach),
        reach=reach,
        min_group=analysis.MIN_GROUP,
        question_bars=analysis.question_bars,
    )
