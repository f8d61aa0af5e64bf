"""Deadlines, the send log and "Påminn" (a chef's team, a samordnare's förvaltning) (HTTP only)."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..core.forms import ActionForm
from ..core.i18n import swedish_data_attributes
from ..followup import missing
from ..learning.status import validity_years
from ..models.types import city_today
from ..permissions import (
    access_administration,
    administrations_in_reach,
    may_manage_deadlines,
    may_remind,
    may_remind_in_administration,
    may_see_reminder_log,
    may_see_team,
    may_set_deadline,
    require,
)
from . import bp
from .deadlines import city_deadline, deadline_changes, deadline_rows, set_deadline
from .forms import CITY, DeadlineForm
from .log import KIND_TEXTS, STATUS_LABELS, error_text, send_log
from .manual import preview_message, remind_people
from .planning import Schedule


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
    names = swedish_data_attributes()
    form.scope.choices = [SelectChoice(str(a.id), a.name, render_kw=names) for a, _ in rows]
    if may_set_deadline(current_user, None):
        form.scope.choices.insert(0, SelectChoice(CITY, gettext("Hela staden")))
    if form.validate_on_submit():
        scope = None
        if form.scope.data != CITY:
            chosen = form.scope.data or ""
            scope = access_administration(current_user, int(chosen) if chosen.isdigit() else 0)
        require(may_set_deadline(current_user, scope.id if scope else None))
        change = set_deadline(scope, form.due_on.data, current_user)
        flash(gettext("Sista dag är ändrad.") if change else gettext("Ingen ändring."), "success")
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
        "reminders/log.html", rows=send_log(_reach_ids()), kinds=KIND_TEXTS,
        statuses=STATUS_LABELS, error_text=error_text,
    )  # fmt: skip


@bp.route("/paminn/<id:person_id>", methods=["GET", "POST"])
@login_required
def remind_one(person_id: int):
    """Remind one team member (at most once a day): GET shows the message, POST sends it."""
    require(may_remind(current_user, person_id))
    return _remind(missing.Scope(manager_id=current_user.id), person_id)


@bp.route("/paminn-alla", methods=["GET", "POST"])
@login_required
def remind_all():
    """Remind everyone the chef's filtered team list shows who is not done: GET shows the
    message and the recipients, POST sends (each at most once a day)."""
    require(may_see_team(current_user))
    return _remind(missing.Scope(manager_id=current_user.id), None)


@bp.route("/forvaltning/<id:administration_id>/paminn/<id:person_id>", methods=["GET", "POST"])
@login_required
def remind_one_in_administration(administration_id: int, person_id: int):
    """A samordnare reminds one person not done in their förvaltning (confirm first)."""
    administration = access_administration(current_user, administration_id)
    require(may_remind_in_administration(current_user, administration.id, person_id))
    return _remind(missing.Scope(administration_id=administration.id), person_id)


@bp.route("/forvaltning/<id:administration_id>/paminn-alla", methods=["GET", "POST"])
@login_required
def remind_all_in_administration(administration_id: int):
    """A samordnare reminds everyone their filtered list of people not done shows."""
    administration = access_administration(current_user, administration_id)
    require(may_remind_in_administration(current_user, administration.id))
    return _remind(missing.Scope(administration_id=administration.id), None)


def _list_url(scope, filters, person_id: int | None) -> str:
    anchor = f"person-{person_id}" if person_id else "lista"
    if scope.manager_id is not None:
        return url_for("followup.team", **filters.query_args(), _anchor=anchor)
    return url_for(
        "followup.not_done", administration_id=scope.administration_id,
        **filters.query_args(), _anchor=anchor,
    )  # fmt: skip


def _remind(scope, person_id: int | None):
    """The confirmation page (GET), or the reminders and back to the same list (POST)."""
    posted = request.method == "POST"
    filters = missing.ListFilter.read(request.form if posted else request.args, scope.statuses)
    schedule, course = _schedule(), current_app.config["DEFAULT_COURSE"]
    to_remind, already = missing.recipients(scope, schedule, course, filters, person_id)
    back = _list_url(scope, filters, person_id)
    if posted:
        if ActionForm().validate_on_submit():
            count = remind_people([p.due for p in to_remind], current_user, schedule, scope.sender)
            flash(_reminded_text(count), "success")
        return redirect(back)
    sample = (to_remind or already or [None])[0]
    return render_template(
        "reminders/confirm.html", to_remind=to_remind, already=already, filters=filters,
        back=back, person_id=person_id, names_shown=missing.NAMES_SHOWN,
        message=preview_message(sample.due, scope.sender) if sample else None,
    )  # fmt: skip


def _reminded_text(count: int) -> str:
    if count == 0:
        return gettext("Ingen ny påminnelse: alla har redan fått en i dag eller är klara.")
    return ngettext(
        "En påminnelse skickas till %(num)d person vid nästa utskick.",
        "En påminnelse skickas till %(num)d personer vid nästa utskick.",
        count,
    )
