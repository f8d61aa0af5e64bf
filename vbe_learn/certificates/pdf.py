"""The intyg as a PDF (fpdf2, built-in fonts: no font or image is fetched)."""

from fpdf import FPDF

from .services import CertificateFacts

SWEDISH_MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip


def swedish_date(day) -> str:
    """A date the Swedish way: 24 november 2026."""
    return f"{day.day} {SWEDISH_MONTHS[day.month - 1]} {day.year}"


def certificate_pdf(facts: CertificateFacts, verify_url: str) -> bytes:
    """Render an intyg on one A4 page."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(f"Intyg - {facts.course_title}")
    pdf.set_author("Stockholms stad")
    pdf.set_lang("sv")
    pdf.add_page()
    pdf.set_draw_color(0, 94, 160)
    pdf.set_line_width(1.2)
    pdf.rect(12, 12, 186, 273)
    pdf.set_y(40)
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 8, "STOCKHOLMS STAD", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(16)
    pdf.set_font("Helvetica", "B", 34)
    pdf.cell(0, 16, "Intyg", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.set_font("Helvetica", "", 14)
    pdf.cell(0, 8, "Härmed intygas att", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 22)
    pdf.multi_cell(0, 11, facts.name, align="C", new_x="LMARGIN", new_y="NEXT")
    if facts.administration:
        pdf.set_font("Helvetica", "", 13)
        pdf.multi_cell(0, 8, facts.administration, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("Helvetica", "", 14)
    pdf.cell(0, 8, "har genomfört", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, facts.course_title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 12)
    lines = [
        f"Datum: {swedish_date(facts.completed_on)}",
        f"Giltigt till och med: {swedish_date(facts.valid_until)}",
        f"Kursversion: {facts.version_label}",
    ]
    if facts.score_percent is not None:
        lines.append(f"Resultat på kunskapskontrollerna: {facts.score_percent} %")
    for line in lines:
        pdf.cell(0, 7, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(235)
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, f"Verifieringskod: {facts.code}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"Kontrollera intyget på {verify_url}", align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
