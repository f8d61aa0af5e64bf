"""Export pages (HTTP only): the form, the downloads and the export log.

A download is a POST (with CSRF): it writes the export log, so it is not a read.
"""

import tempfile
from datetime import date

from flask import (
    Response,
    abort,
    current_app,
    render_template,
    send_file,
    stream_with_context,
)
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..db import stream_then_commit
from ..followup.services import validity_years
from ..permissions import (
    access_administration,
    access_unit,
    may_follow_up,
    may_manage_roles,
    reach_of,
    require,
    visible_people,
)
from . import bp
from .forms import ParticipantExportForm, SummaryExportForm
from .participants import ParticipantFilters
from .services import (
    TEAM,
    XLSX,
    administration_options,
    participants_csv,
    participants_xlsx,
    recent_exports,
    summary_file,
    unit_options,
)
from .writers import CSV_MIMETYPE, XLSX_MIMETYPE

MIMETYPES = {"xlsx": XLSX_MIMETYPE, "csv": CSV_MIMETYPE}


def _years() -> int:
    return validity_years(current_app.config["DEFAULT_COURSE"])


def _page(form: ParticipantExportForm, summary_form: SummaryExportForm):
    reach = reach_of(current_user)
    options = administration_options(reach)
    form.administration.choices = [SelectChoice(value, label) for value, label in options]
    units = unit_options(visible_people(current_user), current_user)
    form.unit.choices = [SelectChoice(value, label) for value, label in units]
    return render_template(
        "exports/export.html",
        form=form,
        summary_form=summary_form if reach.is_central else None,
        today=date.today(),
    )


@bp.get("/uppfoljning/export")
@login_required
def export_page():
    """The export form: deltagarlista (and samlad bild for the central samordnare)."""
    require(may_follow_up(current_user))
    return _page(ParticipantExportForm(), SummaryExportForm())


def _id(value: str) -> int:
    if not (value.isascii() and value.isdigit() and len(value) <= 9):  # fits an INTEGER
        abort(404)
    return int(value)


def _chosen_scope(form: ParticipantExportForm) -> dict:
    """Förvaltning ("Mitt team" or an id) and enhet, each within reach or 404."""
    chosen: dict = {}
    administration = form.administration.data or ""
    if administration == TEAM:
        require(reach_of(current_user).is_manager)
        chosen["team_of"] = current_user._get_current_object()
    elif administration:
        chosen["administration"] = access_administration(current_user, _id(administration))
    if form.unit.data:
        chosen["units"] = (access_unit(current_user, _id(form.unit.data)),)
    return chosen


def _attachment(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.post("/uppfoljning/export/deltagarlista.<any(xlsx, csv):file_format>")
@login_required
def participants(file_format: str):
    """Download the deltagarlista: people within reach and the chosen filters."""
    require(may_follow_up(current_user))
    form = ParticipantExportForm()
    chosen = _chosen_scope(form)
    if not form.validate_on_submit():
        return _page(form, SummaryExportForm())
    filters = ParticipantFilters(
        **chosen,
        status=form.status.data or None,
        completed_from=form.completed_from.data,
        completed_to=form.completed_to.data,
    )
    today = date.today()
    filename = f"deltagarlista-{today.isoformat()}.{file_format}"
    scope = visible_people(current_user)
    if file_format == XLSX:
        file = tempfile.TemporaryFile()
        participants_xlsx(file, current_user, scope, "reach", filters, today, _years())
        file.seek(0)
        return send_file(file, XLSX_MIMETYPE, as_attachment=True, download_name=filename)
    export = participants_csv(current_user, scope, "reach", filters, today, _years())
    body = stream_then_commit(export.chunks, export.record_row_count)
    return _attachment(Response(stream_with_context(body), mimetype=CSV_MIMETYPE), filename)


@bp.post("/uppfoljning/export/samlad-bild.<any(xlsx, csv):file_format>")
@login_required
def summary(file_format: str):
    """Download the samlad bild (one row per förvaltning): the central samordnare only."""
    require(reach_of(current_user).is_central)
    form = SummaryExportForm()
    if not form.validate_on_submit():
        return _page(ParticipantExportForm(), form)
    as_of = form.as_of.data or date.today()
    file = tempfile.TemporaryFile()
    summary_file(file, file_format, current_user, as_of, _years())
    file.seek(0)
    filename = f"samlad-bild-{as_of.isoformat()}.{file_format}"
    return send_file(file, MIMETYPES[file_format], as_attachment=True, download_name=filename)


@bp.get("/admin/exporter")
@login_required
def export_log():
    """Every export, newest first (admins)."""
    require(may_manage_roles(current_user))
    return render_template("exports/log.html", entries=recent_exports())
