"""Roles: list, give, take away (admins only)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..core.extensions import db
from ..core.forms import ActionForm
from ..models import RoleAssignment
from ..permissions import may_manage_roles, may_see_audit_log, require
from . import bp
from .forms import GrantRoleForm
from .services import (
    MANY_REFUSALS,
    RoleRefused,
    administration_choices,
    audit_page,
    grant_role,
    refused_often,
    revoke_role,
    role_holders,
)


@bp.route("/roller", methods=["GET", "POST"])
@login_required
def roles():
    """Every role holder, and a form to give a role."""
    require(may_manage_roles(current_user))
    form = GrantRoleForm()
    form.administration.choices = [SelectChoice(i, n) for i, n in administration_choices()]
    if form.validate_on_submit():
        grant_role(current_user, form.user, form.role.data, form.administration.data or None)
        flash(f"{form.user.full_name} har fått rollen.", "info")
        return redirect(url_for(".roles"))
    return render_template(
        "admin/roles.html", form=form, holders=role_holders(), remove_form=ActionForm()
    )


@bp.post("/roller/<id:assignment_id>/ta-bort")
@login_required
def remove_role(assignment_id: int):
    """Take a role away."""
    require(may_manage_roles(current_user))
    assignment = db.session.get(RoleAssignment, assignment_id)
    if assignment is None or not ActionForm().validate_on_submit():
        abort(404)
    try:
        revoke_role(current_user, assignment)
    except RoleRefused as refused:
        flash(str(refused), "error")
        return redirect(url_for(".roles"))
    flash("Rollen är borttagen.", "info")
    return redirect(url_for(".roles"))


@bp.get("/logg")
@login_required
def audit_log():
    """The audit log, newest first, a page at a time (admins)."""
    require(may_see_audit_log(current_user))
    page = request.args.get("sida", 1, type=int)
    return render_template(
        "admin/log.html",
        log=audit_page(page),
        refused=refused_often(),
        many_refusals=MANY_REFUSALS,
    )
