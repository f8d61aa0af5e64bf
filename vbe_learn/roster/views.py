"""Roster import in the browser: upload → preview (every change and problem) → confirm."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from ..core.extensions import db
from ..models import RosterImport
from ..permissions import may_import_roster, require
from . import bp
from .forms import ConfirmRosterForm, RosterUploadForm
from .limits import ImportLimits
from .tasks import queue_roster_import
from .uploads import discard_upload, keep_upload, latest_import_of, upload_to_confirm


def _recent_imports() -> list[RosterImport]:
    return list(db.session.scalars(select(RosterImport).order_by(RosterImport.id.desc()).limit(10)))


def _upload_page(form: RosterUploadForm, problems=None) -> str:
    latest = latest_import_of(current_user.id)
    return render_template(
        "roster/upload.html", form=form, problems=problems, imports=_recent_imports(), latest=latest
    )


@bp.route("/personallista", methods=["GET", "POST"])
@login_required
def upload():
    """Upload a roster file and see what importing it would do."""
    from .services import plan_roster_file  # pandas: loaded when a roster is read
    from .validation import Problems

    require(may_import_roster(current_user))
    form = RosterUploadForm()
    if not form.validate_on_submit():
        return _upload_page(form)
    data, filename = form.file.data.read(), form.file.data.filename or "personallista"
    limits = ImportLimits.from_config(current_app.config)
    plan = plan_roster_file(data, filename, form.as_of.data, limits)
    if isinstance(plan, Problems):
        return _upload_page(form, plan)
    kept = keep_upload(data, filename, form.as_of.data, current_user.id)
    return render_template(
        "roster/preview.html",
        plan=plan,
        token=kept.token,
        filename=filename,
        form=ConfirmRosterForm(),
    )


@bp.post("/personallista/<token>")
@login_required
def confirm(token: str):
    """Queue a previewed roster's import, once planned again (the database may have changed
    since): refused here when it has problems or lacks the number of a mass deactivation."""
    from .services import plan_roster_file  # pandas: loaded when a roster is read
    from .validation import Problems

    require(may_import_roster(current_user))
    kept = upload_to_confirm(token, current_user.id)
    form = ConfirmRosterForm()
    if kept is None or not form.validate_on_submit():
        abort(404)
    limits = ImportLimits.from_config(current_app.config)
    plan = plan_roster_file(kept.data, kept.filename, kept.as_of, limits)
    if isinstance(plan, Problems):
        return _upload_page(RosterUploadForm(), plan)
    if not plan.count_confirmed(form.typed_count()):  # a mass deactivation, number not typed
        form.refuse_count(len(plan.deactivated))
        return render_template(
            "roster/preview.html", plan=plan, token=token, filename=kept.filename, form=form
        )
    queue_roster_import(kept, form.typed_count())
    return redirect(url_for(".upload"))


@bp.post("/personallista/<token>/avbryt")
@login_required
def cancel(token: str):
    """Drop a previewed roster without importing it."""
    require(may_import_roster(current_user))
    kept = upload_to_confirm(token, current_user.id)
    if kept is None or not ConfirmRosterForm().validate_on_submit():
        abort(404)
    discard_upload(kept)
    flash(gettext("Importen är avbruten. Inget har ändrats."), "info")
    return redirect(url_for(".upload"))
