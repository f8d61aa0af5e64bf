"""Mina uppgifter: what the platform holds about me, and the download of all of it."""

from flask import Response, render_template
from flask_login import current_user, login_required

from ..models.types import utcnow
from ..permissions import may_download_own_data, require
from . import bp
from .personal_data import personal_data_counts, personal_data_json, training_status


@bp.get("/mina-uppgifter")
@login_required
def mine():
    """The kinds of data held about the person, with counts, and the download button."""
    require(may_download_own_data(current_user))
    return render_template(
        "privacy/mine.html",
        counts=personal_data_counts(current_user),
        statuses=training_status(current_user),
    )


@bp.get("/mina-uppgifter/hamta")
@login_required
def download():
    """Everything about the person as one JSON file (never cached)."""
    require(may_download_own_data(current_user))
    now = utcnow()
    filename = f"mina-uppgifter-{now.date().isoformat()}.json"
    return Response(
        personal_data_json(current_user, now),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
