"""Export pages (HTTP only): the form, Mina exporter, the downloads and the export log.

Asking for a file is a POST: it adds a queued export file, which a job worker makes
(exports/files.py), and answers with *Mina exporter*. A download is a POST too (with
CSRF): it writes an audit event, so it is not a read.
"""

import io

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..core.extensions import db
from ..core.i18n import swedish_data_attributes
from ..models import User
from ..models.types import city_today
from ..permissions import (
    access_administration,
    access_export_file,
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
from .files import KIND_TEXTS, MIMETYPES, downloaded, export_files_of
from .forms import ParticipantExportForm, SummaryExportForm
from .participants import ParticipantFilters
from .services import (
    PARTICIPANTS,
    SUMMARY,
    TEAM,
    administration_options,
    participant_request,
    recent_exports,
    unit_options,
)
from .tasks import queue_export


def _choices(options: list[tuple[str, str]]) -> list[SelectChoice]:
    """A select's choices; the names (not "Alla …", "Mitt team") marked as Swedish data."""
    names = swedish_data_attributes()
    return [
        SelectChoice(value, label, render_kw=names if value not in ("", TEAM) else None)
        for value, label in options
    ]


def _page(form: ParticipantExportForm, summary_form: SummaryExportForm):
    options = administration_options(
        administrations_in_reach(current_user), may_see_team(current_user)
    )
    form.administration.choices = _choices(options)
    form.unit.choices = _choices(unit_options(visible_people(current_user), current_user))
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


def _to_my_exports():
    flash(gettext("Din fil förbereds. Den visas här när den är klar."), "info")
    return redirect(url_for("exports.my_exports"))


@bp.post("/uppfoljning/export/deltagarlista.<any(xlsx, csv):file_format>")
@login_required
def participants(file_format: str):
    """Ask for the deltagarlista (people within reach and the chosen filters) as a file."""
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
    asked = participant_request("reach", filters)
    queue_export(current_user, PARTICIPANTS, file_format, asked)
    return _to_my_exports()


@bp.post("/uppfoljning/export/samlad-bild.<any(xlsx, csv):file_format>")
@login_required
def summary(file_format: str):
    """Ask for the samlad bild (one row per förvaltning) as a file: the central samordnare."""
    require(may_export_summary(current_user))
    form = SummaryExportForm()
    if not form.validate_on_submit():
        return _page(ParticipantExportForm(), form)
    as_of = form.as_of.data or city_today()
    asked = {"as_of": as_of.isoformat(), "sort": form.sort.data}
    queue_export(current_user, SUMMARY, file_format, asked)
    return _to_my_exports()


@bp.get("/mina-exporter")
@login_required
def my_exports():
    """The person's own export files, newest first: made, under way or failed."""
    require(may_follow_up(current_user))
    files = export_files_of(current_user)
    pending = any(file.pending for file in files)
    return render_template("exports/mine.html", files=files, pending=pending)


@bp.post("/mina-exporter/<id:export_id>")
@login_required
def download(export_id: int):
    """Download one of the person's made export files (audit-logged)."""
    export = access_export_file(current_user, export_id)
    data = downloaded(current_user, export)
    return send_file(io.BytesIO(data), MIMETYPES[export.format], as_attachment=True,
                     download_name=export.filename)  # fmt: skip


@bp.get("/admin/exporter")
@login_required
def export_log():
    """Every export, newest first (admins)."""
    require(may_see_export_log(current_user))
    return render_template("exports/log.html", entries=recent_exports(), kinds=KIND_TEXTS)
