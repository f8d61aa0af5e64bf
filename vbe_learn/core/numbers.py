"""Numbers as Swedish readers write them: decimal comma, a true minus sign, a narrow space
between thousands, "42 %" and "+7,9 procentenheter". Used by templates (as filters),
charts and the printed reports alike."""

from flask import Flask

MINUS = "\u2212"  # the true minus sign, not a hyphen
THIN_SPACE = "\u00a0"  # thousands and the unit are kept on one line
MISSING = "–"


def swedish_number(value: float | int | None, decimals: int = 0) -> str:
    """12345.6 → '12 345,6' (decimals given), −3 → '−3'; '–' when missing."""
    if value is None:
        return MISSING
    text = f"{abs(value):,.{decimals}f}".replace(",", THIN_SPACE).replace(".", ",")
    negative = round(value, decimals) < 0
    return f"{MINUS if negative else ''}{text}"


def swedish_percent(share: float | None, decimals: int = 0) -> str:
    """A share 0..1 as '42 %' (or '41,7 %' with one decimal); '–' when missing."""
    if share is None:
        return MISSING
    return f"{swedish_number(share * 100, decimals)}{THIN_SPACE}%"


def swedish_points(points: float | None, decimals: int = 1) -> str:
    """A change in percentage points: '+7,9 procentenheter', '−2,0 procentenheter', '±0'."""
    if points is None:
        return MISSING
    number = swedish_number(points, decimals)
    if round(points, decimals) > 0:
        number = "+" + number
    elif round(points, decimals) == 0:
        number = "±" + swedish_number(0, decimals)
    return f"{number} procentenheter"


def init_app(app: Flask) -> None:
    """Register the formats as Jinja filters: sv_number, sv_percent, sv_points."""
    app.add_template_filter(swedish_number, "sv_number")
    app.add_template_filter(swedish_percent, "sv_percent")
    app.add_template_filter(swedish_points, "sv_points")
