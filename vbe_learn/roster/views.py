"""Roster import in the browser: upload → preview (every change and problem) → confirm."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..core.extensions import db
from ..models import RosterImport
from ..permissions import may_import_roster, require
from . import bp
from .forms import ConfirmRosterForm, RosterUploadForm
from .limits import ImportLimits
from .uploads import discard_upload, keep_upload, upload_to_confirm


def _recent_imports() -> list[RosterImport]:
    return list(db.session.scalars(select(RosterImport).order_by(RosterImport.id.desc()).limit(10)))


@bp.route("/personallista", methods=["GET", "POST"])
@login_required
def upload():
    """Upload a roster file and see what importing it would do."""
    from .services import plan_roster_file  # pandas: loaded when a roster is read
    from .validation import Problems

    require(may_import_roster(current_user))
    form = RosterUploadForm()
    if not form.validate_on_submit():
        return render_template("roster/upload.html", form=form, imports=_recent_imports())
    data, filename = form.file.data.read(), form.file.data.filename or "personallista"
    limits = ImportLimits.from_config(current_app.config)
    plan = plan_roster_file(data, filename, form.as_of.data, limits)
    if isinstance(plan, Problems):
        return render_template(
            "roster/upload.html", form=form, problems=plan, imports=_recent_imports()
        )
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
    """Apply a previewed roster (planned again: the database may have changed since)."""
    from .plan import RosterPlan
    from .services import import_roster_file  # pandas: loaded when a roster is read
    from .validation import Problems

    require(may_import_roster(current_user))
    kept = upload_to_confirm(token, current_user.id)
    form = ConfirmRosterForm()
    if kept is None or not form.validate_on_submit():
        abort(404)
    filename, limits = kept.filename, ImportLimits.from_config(current_app.config)
    result = import_roster_file(
        kept.data, filename, kept.as_of, current_user, limits, form.typed_count()
    )
    if isinstance(result, RosterPlan):  # a mass deactivation without the right number
        form.refuse_count(len(result.deactivated))
        return render_template(
            "roster/preview.html", plan=result, token=token, filename=filename, form=form
        )
    if isinstance(result, Problems):
        form = RosterUploadForm()
        return render_template(
            "roster/upload.html", form=form, problems=result, imports=_recent_imports()
        )
    discard_upload(kept)
    flash(
        f"Personallistan är importerad: {result.added} nya, {result.changed} ändrade, "
        f"{result.deactivated} avaktiverade.",
        "info",
    )
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
    flash("Importen är avbruten. Inget har ändrats.", "info")
    return redirect(url_for(".upload"))
