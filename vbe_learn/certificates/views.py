"""Intyg pages: mine, the PDF, and the public verification page."""

from flask import Response, current_app, make_response, render_template, request
from flask_babel import force_locale
from flask_login import current_user, login_required

from ..core.i18n import UI_LOCALES, current_locale
from ..core.urls import absolute_url
from ..learning.status import status_in_course
from ..models.types import city_today
from ..permissions import access_certificate_verification, access_own_certificate
from . import bp
from .services import certificate_facts, my_certificates


def verify_url(code: str) -> str:
    """The absolute address of an intyg's verification page."""
    return absolute_url("certificates.verify", code=code)


@bp.get("/intyg")
@login_required
def mine():
    """The learner's intyg, with download links."""
    certificates = my_certificates(current_user)
    standing = status_in_course(current_user.id, current_app.config["DEFAULT_COURSE"], city_today())
    return render_template(
        "certificates/mine.html",
        certificates=certificates,
        verify_url=verify_url,
        status=standing.status if standing else None,
    )


@bp.get("/intyg/<code>")
def verify(code: str):
    """Public verification: only name, course, date and Giltigt till (or that it has expired);
    never indexed by search engines, and limited per IP address (core/rate_limits.py) so
    that codes cannot be tried in bulk."""
    facts = certificate_facts(access_certificate_verification(code))
    response = make_response(render_template("certificates/verify.html", facts=facts))
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/intyg/<code>/intyg.pdf")
@login_required
def pdf(code: str):
    """The intyg as a PDF, for its holder: in the interface language, or in the one asked
    for (`?lang=sv` or `?lang=en`, the two links on Mina intyg)."""
    from .pdf import certificate_pdf  # fpdf2: loaded when an intyg is downloaded

    completion = access_own_certificate(current_user, code)
    language = request.args.get("lang")
    if language not in UI_LOCALES:
        language = current_locale()
    with force_locale(language):
        body = certificate_pdf(certificate_facts(completion), verify_url(code))
    filename = f"intyg-{code}.pdf" if language == "sv" else f"certificate-{code}.pdf"
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
