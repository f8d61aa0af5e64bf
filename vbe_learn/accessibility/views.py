"""The tillgänglighetsredogörelse page (HTTP only; no login needed)."""

from flask import render_template

from . import bp
from .statement import ASSESSED_ON, AXE_CORE_VERSION, PHONE_VIEWPORT, UPDATED_ON


@bp.get("/tillganglighet")
def statement():
    """How accessible the service is, its known shortcomings and how to report problems."""
    return render_template(
        "accessibility/statement.html",
        axe_version=AXE_CORE_VERSION,
        assessed_on=ASSESSED_ON,
        updated_on=UPDATED_ON,
        phone_viewport=PHONE_VIEWPORT,
    )
