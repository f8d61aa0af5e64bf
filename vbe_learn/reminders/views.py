"""Deadlines, the send log and the chef's "Påminn" buttons (HTTP only)."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..core.forms import ActionForm
from ..learning.status import validity_years
from ..models.types import city_today
from ..permissions import (
    access_administration,
    administrations_in_reach,
    may_manage_deadlines,
    may_remind,
    may_see_reminder_log,
    may_see_team,
    may_set_deadline,
    require,
)
from . import bp
from .deadlines import city_deadline, deadline_changes, deadline_rows, set_deadline
from .forms import CITY, DeadlineForm
from .log import STATUS_LABELS, send_log
from .manual import remind_team
from .planning import KIND_LABELS, Schedule


def _reach_ids():
    return administrations_in_reach(current_user)


def _schedule() -> Schedule:
    years = validity_years(current_app.config["DEFAULT_COURSE"])
    return Schedule.from_config(current_app.config, city_today(), years)


@bp.route("/", methods=["GET", "POST"])
@login_required
def deadlines():
    """Deadlines within reach, a form to change one, and the log of changes."""
    require(may_manage_deadlines(current_user))
    rows = deadline_rows(_reach_ids())
    form = DeadlineForm()
    form.scope.choices = [SelectChoice(str(a.id), a.name) for a, _ in rows]
    if may_set_deadline(current_user, None):
        form.scope.choices.insert(0, SelectChoice(CITY, "Hela staden"))
    if form.validate_on_submit():
        scope = None
        if form.scope.data != CITY:
            chosen = form.scope.data or ""
            scope = access_administration(current_user, int(chosen) if chosen.isdigit() else 0)
        require(may_set_deadline(current_user, scope.id if scope else None))
        change = set_deadline(scope, form.due_on.data, current_user)
        flash("Sista dag är ändrad." if change else "Ingen ändring.", "success")
        return redirect(url_for(".deadlines"))
    return render_template(
        "reminders/deadlines.html", form=form, rows=rows, city=city_deadline(),
        changes=deadline_changes(_reach_ids()),
    )  # fmt: skip


@bp.get("/logg")
@login_required
def log():
    """What was sent to whom (the newest 500), within the samordnare's förvaltningar."""
    require(may_see_reminder_log(current_user))
    return render_template(
        "reminders/log.html", rows=send_log(_reach_ids()), kinds=KIND_LABELS,
        statuses=STATUS_LABELS,
    )  # fmt: skip


@bp.post("/paminn/<id:person_id>")
@login_required
def remind_one(person_id: int):
    """Remind one team member (at most once a day)."""
    require(may_remind(current_user, person_id))
    if ActionForm().validate_on_submit():
        count = remind_team(
            current_user, person_id, _schedule(), current_app.config["DEFAULT_COURSE"]
        )
        flash(_reminded_text(count), "success")
    return redirect(url_for("followup.team"))


@bp.post("/paminn-alla")
@login_required
def remind_all():
    """Remind everyone in the chef's team who is not done (each at most once a day)."""
    require(may_see_team(current_user))
    if ActionForm().validate_on_submit():
        count = remind_team(current_user, None, _schedule(), current_app.config["DEFAULT_COURSE"])
        flash(_reminded_text(count), "success")
    return redirect(url_for("followup.team"))


def _reminded_text(count: int) -> str:
    if count == 0:
        return "Ingen ny påminnelse: alla har redan fått en i dag eller är klara."
    who = "1 person" if count == 1 else f"{count} personer"
    return f"En påminnelse skickas till {who} vid nästa utskick."
