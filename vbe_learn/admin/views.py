"""Roles: find a person, give, take away after a confirmation; the Händelselogg (admins)."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..core.extensions import db
from ..core.forms import ActionForm
from ..core.i18n import swedish_data_attributes
from ..models import RoleAssignment
from ..permissions import may_manage_roles, may_see_audit_log, require
from . import bp
from .forms import GrantRoleForm, LogFilterForm, PersonSearchForm
from .log import MANY_REFUSALS, action_label, audit_page, export_log, refused_often
from .log_csv import log_csv_chunks
from .people import find_people
from .services import RoleRefused, administration_choices, grant_role, revoke_role, role_holders


@bp.route("/roller", methods=["GET", "POST"])
@login_required
def roles():
    """Every role holder, a person search, and a form to give a role."""
    require(may_manage_roles(current_user))
    form = GrantRoleForm()
    names = swedish_data_attributes()
    form.administration.choices = [
        SelectChoice(i, n, render_kw=names if i else None) for i, n in administration_choices()
    ]
    if form.validate_on_submit():
        grant_role(current_user, form.user, form.role.data, form.administration.data or None)
        flash(gettext("%(name)s har fått rollen.", name=form.user.full_name), "info")
        return redirect(url_for(".roles"))
    search = PersonSearchForm(formdata=request.args if "sok" in request.args else None)
    matches = find_people(search.sok.data) if "sok" in request.args and search.validate() else None
    if request.method == "GET" and request.args.get("epost"):
        form.email.data = request.args["epost"][:200]  # chosen from the search's matches
    return render_template(
        "admin/roles.html", form=form, holders=role_holders(), search=search, matches=matches
    )


@bp.get("/roller/<id:assignment_id>/ta-bort")
@login_required
def confirm_remove_role(assignment_id: int):
    """Ask before a role is taken away."""
    require(may_manage_roles(current_user))
    assignment = db.session.get(RoleAssignment, assignment_id)
    if assignment is None:
        abort(404)
    return render_template("admin/remove_role.html", assignment=assignment, form=ActionForm())


@bp.post("/roller/<id:assignment_id>/ta-bort")
@login_required
def remove_role(assignment_id: int):
    """Take a role away (the confirmation page's button)."""
    require(may_manage_roles(current_user))
    assignment = db.session.get(RoleAssignment, assignment_id)
    if assignment is None or not ActionForm().validate_on_submit():
        abort(404)
    try:
        revoke_role(current_user, assignment)
    except RoleRefused as refused:
        flash(str(refused), "error")
        return redirect(url_for(".roles"))
    flash(gettext("Rollen är borttagen."), "info")
    return redirect(url_for(".roles"))


@bp.get("/logg")
@login_required
def audit_log():
    """The audit log in words, filtered, newest first, a page at a time (admins)."""
    require(may_see_audit_log(current_user))
    form = LogFilterForm(formdata=request.args)
    return render_template(
        "admin/log.html",
        form=form,
        log=audit_page(request.args.get("sida", 1, type=int), form.filters()),
        refused=refused_often(),
        many_refusals=MANY_REFUSALS,
        export_form=ActionForm(),
        action_label=action_label,
    )


@bp.post("/logg/export")
@login_required
def export_audit_log():
    """The filtered log as CSV (admins); the export is itself logged."""
    require(may_see_audit_log(current_user))
    if not ActionForm().validate_on_submit():
        abort(404)
    rows = export_log(current_user, LogFilterForm(formdata=request.args).filters())
    return Response(
        log_csv_chunks(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="handelselogg.csv"'},
    )
