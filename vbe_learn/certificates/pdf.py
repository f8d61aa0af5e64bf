"""The intyg as a PDF (fpdf2, built-in fonts: no font or image is fetched), with a QR code
of its verification address (segno, drawn here), in Swedish or English."""

from io import BytesIO

import segno
from flask_babel import gettext
from fpdf import FPDF

from ..core.i18n import current_locale, long_date
from .services import CertificateFacts

QR_SIZE_MM = 36
QR_SCALE, QR_BORDER = 6, 4  # pixels per module; modules of quiet zone


def verification_qr(url: str) -> segno.QRCode:
    """The QR code of an intyg's verification address."""
    return segno.make(url, error="m", micro=False)


def qr_png(qr: segno.QRCode) -> BytesIO:
    """A QR code as a black-on-white PNG with its quiet zone (segno writes the PNG itself)."""
    buffer = BytesIO()
    qr.save(buffer, kind="png", scale=QR_SCALE, border=QR_BORDER)
    buffer.seek(0)
    return buffer


def certificate_pdf(facts: CertificateFacts, verify_url: str) -> bytes:
    """Render an intyg on one A4 page, in the interface language in force (the caller picks
    it with flask_babel.force_locale)."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(f"{gettext('Intyg')} - {facts.course_title}")
    pdf.set_author(gettext("Stockholms stad"))
    pdf.set_lang(current_locale())
    pdf.add_page()
    pdf.set_draw_color(0, 94, 160)
    pdf.set_line_width(1.2)
    pdf.rect(12, 12, 186, 273)
    pdf.set_y(40)
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 8, gettext("STOCKHOLMS STAD"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(16)
    pdf.set_font("Helvetica", "B", 34)
    pdf.cell(0, 16, gettext("Intyg"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.set_font("Helvetica", "", 14)
    pdf.cell(0, 8, gettext("Härmed intygas att"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 22)
    pdf.multi_cell(0, 11, facts.name, align="C", new_x="LMARGIN", new_y="NEXT")
    if facts.administration:
        pdf.set_font("Helvetica", "", 13)
        pdf.multi_cell(0, 8, facts.administration, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("Helvetica", "", 14)
    pdf.cell(0, 8, gettext("har genomfört"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, facts.course_title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 12)
    lines = [
        gettext("Datum: %(date)s", date=long_date(facts.completed_on)),
        gettext("Giltigt till och med: %(date)s", date=long_date(facts.valid_until)),
        gettext("Kursversion: %(version)s", version=facts.version_label),
    ]
    if facts.score_percent is not None:
        lines.append(
            gettext("Resultat på kunskapskontrollerna: %(percent)d %%", percent=facts.score_percent)
        )
    for line in lines:
        pdf.cell(0, 7, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.image(qr_png(verification_qr(verify_url)), x=(210 - QR_SIZE_MM) / 2, y=194, w=QR_SIZE_MM)
    pdf.set_y(235)
    pdf.set_font("Helvetica", "", 10)
    code_line = gettext("Verifieringskod: %(code)s", code=facts.code)
    check_line = gettext("Kontrollera intyget på %(url)s", url=verify_url)
    pdf.cell(0, 6, code_line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, check_line, align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
