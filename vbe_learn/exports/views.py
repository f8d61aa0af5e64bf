"""Export pages (HTTP only): the form, the downloads and the export log.

A download is a POST (with CSRF): it writes the export log, so it is not a read. A
deltagarlista's XLSX is written to a temporary file and sent; its CSV streams from the
snapshot it is read on (exports/services.py).
"""

import tempfile

from flask import (
    Response,
    abort,
    current_app,
    render_template,
    send_file,
)
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..core.extensions import db
from ..learning.status import validity_years
from ..models import User
from ..models.types import city_today
from ..permissions import (
    access_administration,
    access_unit,
    administrations_in_reach,
    may_export_summary,
    may_follow_up,
    may_see_export_log,
    may_see_team,
    require,
    visible_people,
)
from . import bp
from .forms import ParticipantExportForm, SummaryExportForm
from .participants import ParticipantFilters
from .services import (
    TEAM,
    administration_options,
    export_participants,
    recent_exports,
    summary_file,
    unit_options,
)
from .writers import CSV_MIMETYPE, XLSX_MIMETYPE

MIMETYPES = {"xlsx": XLSX_MIMETYPE, "csv": CSV_MIMETYPE}


def _years() -> int:
    return validity_years(current_app.config["DEFAULT_COURSE"])


def _page(form: ParticipantExportForm, summary_form: SummaryExportForm):
    options = administration_options(
        administrations_in_reach(current_user), may_see_team(current_user)
    )
    form.administration.choices = [SelectChoice(value, label) for value, label in options]
    units = unit_options(visible_people(current_user), current_user)
    form.unit.choices = [SelectChoice(value, label) for value, label in units]
    return render_template(
        "exports/export.html",
        form=form,
        summary_form=summary_form if may_export_summary(current_user) else None,
        today=city_today(),
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
        require(may_see_team(current_user))
        chosen["team_of"] = db.session.get(User, current_user.id)  # the person, not the proxy
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
    if not form.validate_on_submit():
        return _page(form, SummaryExportForm())
    filters = ParticipantFilters(
        **_chosen_scope(form),
        status=form.status.data or None,
        completed_from=form.completed_from.data,
        completed_to=form.completed_to.data,
    )
    scope = visible_people(current_user)
    export = export_participants(file_format, current_user, scope, filters, city_today(), _years())
    if export.file is not None:
        return send_file(
            export.file, XLSX_MIMETYPE, as_attachment=True, download_name=export.filename
        )
    response = Response(iter(export.csv), mimetype=CSV_MIMETYPE)
    response.call_on_close(export.csv.close)  # the snapshot ends even if the body is not read
    return _attachment(response, export.filename)


@bp.post("/uppfoljning/export/samlad-bild.<any(xlsx, csv):file_format>")
@login_required
def summary(file_format: str):
    """Download the samlad bild (one row per förvaltning): the central samordnare only."""
    require(may_export_summary(current_user))
    form = SummaryExportForm()
    if not form.validate_on_submit():
        return _page(ParticipantExportForm(), form)
    as_of = form.as_of.data or city_today()
    file = tempfile.TemporaryFile()
    summary_file(file, file_format, current_user, as_of, _years(), sort=form.sort.data)
    file.seek(0)
    filename = f"samlad-bild-{as_of.isoformat()}.{file_format}"
    return send_file(file, MIMETYPES[file_format], as_attachment=True, download_name=filename)


@bp.get("/admin/exporter")
@login_required
def export_log():
    """Every export, newest first (admins)."""
    require(may_see_export_log(current_user))
    return render_template("exports/log.html", entries=recent_exports())
