"""Follow-up pages for chefer, samordnare and the central samordnare."""

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from ..permissions import (
    access_administration,
    access_employee,
    may_follow_up,
    reach_of,
    require,
)
from . import bp
from .services import administration_counts, person_completions, team_rows, unit_counts


@bp.get("/")
@login_required
def overview():
    """The förvaltningar within reach; a chef without other roles goes to their team."""
    require(may_follow_up(current_user))
    reach = reach_of(current_user)
    if not reach.is_central and not reach.administration_ids:
        return redirect(url_for(".team"))
    ids = None if reach.is_central else reach.administration_ids
    return render_template("followup/overview.html", rows=administration_counts(ids), reach=reach)


@bp.get("/forvaltning/<int:administration_id>")
@login_required
def administration(administration_id: int):
    """One förvaltning: headcount and completed per enhet."""
    administration = access_administration(current_user, administration_id)
    rows = unit_counts(administration.id)
    return render_template("followup/administration.html", administration=administration, rows=rows)


@bp.get("/team")
@login_required
def team():
    """A chef's team, every level below them."""
    require(reach_of(current_user).is_manager)
    return render_template("followup/team.html", rows=team_rows(current_user))


@bp.get("/person/<int:person_id>")
@login_required
def person(person_id: int):
    """One person within reach: place in the organisation and completions."""
    employee = access_employee(current_user, person_id)
    completions = person_completions(employee)
    return render_template("followup/person.html", person=employee, completions=completions)
