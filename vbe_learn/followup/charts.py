"""Charts drawn on the server as inline SVG: no JavaScript, no external files.

Every chart has a <title> and a <desc> (role="img", aria-labelledby), writes each value
as text next to its bar or line end, and tells series apart by dash pattern and marker
shape as well as by colour, so nothing depends on colour alone. All text is escaped (names
come from HR files). The width is a viewBox, so a chart scales with its box; on a phone
that would shrink its text to about 5 px, so responsive_line_chart / responsive_bar_chart
draw it twice, wide and narrow (for about 320 px, larger text, fewer labels), and the
stylesheet shows one (the wide one in print).
Only presentation attributes are used (no style attributes): the CSP allows no inline CSS.
The texts are in the interface language; with `names_in_swedish` the names (series, bars:
förvaltningar) are marked lang="sv" when the interface is not Swedish (WCAG 3.1.2).
"""

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from markupsafe import Markup, escape

from ..core.i18n import SOURCE_LOCALE, current_locale
from ..core.numbers import MISSING, THIN_SPACE, swedish_number

WIDTH = 640
NARROW_WIDTH = 330
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"'
TEXT_COLOUR = "#1b1b1b"
MUTED_COLOUR = "#595959"  # 7:1 on white
GRID_COLOUR = "#c8c8c8"
BAR_COLOUR = "#005a9c"
TARGET_COLOUR = "#1b7f4d"  # 5:1 on white
TARGET_DASH = "8 4"
DEADLINE_COLOUR = "#b00020"  # 6:1 on white
DEADLINE_DASH = "3 3"
SCALE_STEPS = (0, 0.25, 0.5, 0.75, 1)

# Series styles: colour, dash pattern and marker shape all change from one series to the
# next (6 dash patterns × 7 shapes: the first 42 series differ in pattern and shape).
COLOURS = ("#005a9c", "#b34700", "#1b7f4d", "#8e3a8e", "#6b5b00", "#c0264c", "#333333")
DASHES = ("", "9 4", "2 3", "12 3 2 3", "5 5", "14 3 2 3 2 3")
MARKERS = ("circle", "square", "triangle", "diamond", "triangle-down", "cross", "plus")

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: object) -> str:
    """Escaped text, without characters XML cannot hold."""
    return str(escape(_NOT_XML.sub("", str(value))))


def _names_lang(names_in_swedish: bool) -> str | None:
    """The lang to mark the names with: "sv" for Swedish names in another interface."""
    return "sv" if names_in_swedish and current_locale() != SOURCE_LOCALE else None


def _name(value: object, lang: str | None) -> str:
    """An escaped name inside a title or desc, in a span with its lang when it has one."""
    return f'<span lang="{lang}">{_text(value)}</span>' if lang else _text(value)


def _lang(lang: str | None) -> str:
    """A text element's lang attribute (none when the name is in the page's language)."""
    return f' lang="{lang}"' if lang else ""


def _number(value: float) -> str:
    """A coordinate, short."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def format_value(value: float | None, unit: str = "%") -> str:
    """'42 %' (rounded), '3,5 h' for small non-integers, '−4 %', or '–' when missing."""
    if value is None:
        return MISSING
    decimals = 0 if abs(value) >= 10 or float(value).is_integer() else 1
    number = swedish_number(value, decimals)
    return f"{number}{THIN_SPACE}{unit}" if unit else number


def _chart_id(kind: str, title: str, data: object) -> str:
    digest = hashlib.sha256(repr((kind, title, data)).encode()).hexdigest()[:10]
    return f"chart-{digest}"


def _shorten(label: str, most: int) -> str:
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


def _open_svg(
    chart_id: str, height: float, css_class: str, width: int = WIDTH, font_size: int = 13
) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" '
        f'viewBox="0 0 {width} {_number(height)}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" {FONT} font-size="{font_size}" '
        f'fill="{TEXT_COLOUR}">'
    ]


def _title_and_desc(chart_id: str, title: str, desc: str, size: int = 15) -> list[str]:
    """The title and the text alternative (`desc`: already escaped, names maybe marked)."""
    return [
        f'<title id="{chart_id}-title">{_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{desc}</desc>',
        f'<text x="0" y="{size + 1}" font-size="{size}" font-weight="bold">{_text(title)}</text>',
    ]


def _scale_label(value: float, unit: str) -> str:
    return format_value(value, unit)


def _scale(unit: str, max_value: float) -> str:
    return gettext(
        "skala %(low)s–%(high)s", low=format_value(0, unit), high=format_value(max_value, unit)
    )


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, float | None]],
    unit: str = "%",
    max_value: float = 100,
    *,
    chart_id: str | None = None,
    narrow: bool = False,
    css_class: str = "",
    names_in_swedish: bool = False,
) -> Markup:
    """Horizontal bars with their values written out, a 0–100 % scale and a text summary.

    `narrow` draws it for a phone: each name above its bar, larger text; `css_class` is
    added to the svg's classes; `names_in_swedish`: the bars' names are Swedish data."""
    lang = _names_lang(names_in_swedish)
    bars = [(str(label), value) for label, value in bars]
    chart_id = (chart_id or _chart_id("bar", title, bars)) + ("-smal" if narrow else "")
    max_value = max_value if max_value and max_value > 0 else 100
    longest = max((len(label) for label, _ in bars), default=0)
    if narrow:  # the name on its own line above the bar
        width, font, small, title_size = NARROW_WIDTH, 15, 14, 16
        label_width, plot_left = 0, 4
        row_height, bar_height, bar_offset = 46, 16, 23
        most_chars = int((width - 8) / (font * 0.6))
    else:
        width, font, small, title_size = WIDTH, 13, 11, 15
        label_width = min(280, max(80, 7 * longest))
        plot_left = label_width + 12
        row_height, bar_height, bar_offset = 24, 16, 4
        most_chars = max(8, int(label_width / 7))
    plot_width = width - plot_left - 60
    top = 39 + small  # title, then the upper scale labels
    rows_bottom = top + row_height * max(len(bars), 1)
    height = rows_bottom + small + 15

    def x_of(value: float) -> float:
        share = min(max(value / max_value, 0), 1)
        return plot_left + share * plot_width

    summary = "; ".join(
        f"{_name(label, lang)}: {_text(format_value(value, unit))}" for label, value in bars
    )
    kind = _text(gettext("Liggande stapeldiagram, %(scale)s.", scale=_scale(unit, max_value)))
    desc = f"{kind} {summary or _text(gettext('Inga uppgifter.'))}"
    parts = _open_svg(chart_id, height, f"chart chart-bar {css_class}".strip(), width, font)
    parts += _title_and_desc(chart_id, title, desc, title_size)
    parts.append('<g aria-hidden="true">')
    for step in SCALE_STEPS:
        x = _number(x_of(step * max_value))
        value = _text(_scale_label(step * max_value, unit))
        anchor = "start" if narrow and step == 0 else "middle"
        parts.append(
            f'<line x1="{x}" y1="{top - 6}" x2="{x}" y2="{rows_bottom}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
        for y in (top - 12, rows_bottom + small + 5):
            parts.append(
                f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="{small}" '
                f'fill="{MUTED_COLOUR}">{value}</text>'
            )
    for index, (label, value) in enumerate(bars):
        y = top + index * row_height
        bar_top = y + (bar_offset if narrow else (row_height - bar_height) / 2)
        middle = _number(bar_top + bar_height / 2 + font / 3)
        label_y = _number(y + font + 2) if narrow else middle
        label_x, label_anchor = (plot_left, "start") if narrow else (label_width, "end")
        parts.append("<g>")
        parts.append(f"<title>{_name(label, lang)}: {_text(format_value(value, unit))}</title>")
        parts.append(
            f'<text x="{label_x}" y="{label_y}" text-anchor="{label_anchor}"{_lang(lang)}>'
            f"{_text(_shorten(label, most_chars))}</text>"
        )
        if value is None:
            parts.append(
                f'<text x="{plot_left + 4}" y="{middle}" fill="{MUTED_COLOUR}">{MISSING}</text>'
            )
        else:
            end = x_of(value)
            parts.append(
                f'<rect x="{plot_left}" y="{_number(bar_top)}" '
                f'width="{_number(end - plot_left)}" height="{bar_height}" fill="{BAR_COLOUR}"/>'
            )
            parts.append(
                f'<text x="{_number(end + 5)}" y="{middle}" font-weight="bold">'
                f"{_text(format_value(value, unit))}</text>"
            )
        parts.append("</g>")
    if not bars:
        parts.append(
            f'<text x="{plot_left + 4}" y="{top + 16}" fill="{MUTED_COLOUR}">'
            f"{_text(gettext('Inga uppgifter'))}</text>"
        )
    parts.append(
        f'<line x1="{plot_left}" y1="{top - 6}" x2="{plot_left}" y2="{rows_bottom}" '
        f'stroke="{TEXT_COLOUR}" stroke-width="1"/>'
    )
    parts.append("</g></svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through _text()


def responsive_bar_chart(*args, **kwargs) -> Markup:
    """The bar chart twice: wide (desktop and print) and narrow (phones); CSS shows one."""
    wide = bar_chart(*args, **kwargs, css_class="chart-wide")
    return wide + bar_chart(*args, **kwargs, narrow=True, css_class="chart-narrow")


def series_style(index: int) -> tuple[str, str, str]:
    """(colour, dash pattern, marker shape) of the index-th series."""
    return (
        COLOURS[index % len(COLOURS)],
        DASHES[index % len(DASHES)],
        MARKERS[index % len(MARKERS)],
    )


def _marker(shape: str, x: float, y: float, colour: str, size: float = 4.5) -> str:
    """One data point's marker, drawn around (x, y)."""
    s = size
    paint = f'fill="{colour}" stroke="{colour}" stroke-width="1"'
    if shape == "circle":
        return f'<circle cx="{_number(x)}" cy="{_number(y)}" r="{_number(s)}" {paint}/>'
    if shape == "square":
        return (
            f'<rect x="{_number(x - s)}" y="{_number(y - s)}" width="{_number(2 * s)}" '
            f'height="{_number(2 * s)}" {paint}/>'
        )
    if shape in ("cross", "plus"):
        if shape == "cross":
            lines = ((x - s, y - s, x + s, y + s), (x - s, y + s, x + s, y - s))
        else:
            lines = ((x - s - 1, y, x + s + 1, y), (x, y - s - 1, x, y + s + 1))
        return "".join(
            f'<line x1="{_number(a)}" y1="{_number(b)}" x2="{_number(c)}" y2="{_number(d)}" '
            f'stroke="{colour}" stroke-width="2.5"/>'
            for a, b, c, d in lines
        )
    points = {
        "triangle": ((x, y - s - 1), (x + s + 1, y + s), (x - s - 1, y + s)),
        "triangle-down": ((x, y + s + 1), (x + s + 1, y - s), (x - s - 1, y - s)),
        "diamond": ((x, y - s - 1), (x + s + 1, y), (x, y + s + 1), (x - s - 1, y)),
    }[shape]
    text = " ".join(f"{_number(px)},{_number(py)}" for px, py in points)
    return f'<polygon points="{text}" {paint}/>'


def _dash(pattern: str) -> str:
    return f' stroke-dasharray="{pattern}"' if pattern else ""


def _spread(wanted: list[float], gap: float, low: float, high: float) -> list[float]:
    """Move label positions apart (at least `gap`), keeping their order, within low…high."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed = [0.0] * len(wanted)
    previous = low - gap
    for i in order:
        placed[i] = max(wanted[i], previous + gap)
        previous = placed[i]
    overflow = previous - high
    if overflow > 0:
        for i in order:
            placed[i] -= overflow
    return placed


@dataclass(frozen=True)
class LineLayout:
    """A line chart's geometry: the wide one (desktop, print) or the narrow one (phones)."""

    width: int
    font_size: int  # names, values, the legend
    small_size: int  # the scale and the x labels
    title_size: int
    plot_left: int
    right_margin: int
    plot_top: int
    plot_height: int
    legend_step: int
    legend_left: int
    suffix: str  # keeps the two variants' ids apart on one page


WIDE = LineLayout(WIDTH, 13, 11, 15, 52, 64, 40, 210, 20, 52, "")
# Drawn for a phone's width (about 320 px of chart at 375 px), so that its text is about
# as large as the page's and never smaller than 12 px.
NARROW = LineLayout(NARROW_WIDTH, 15, 14, 16, 50, 58, 50, 190, 24, 4, "-smal")


def _chart_day(value: date) -> str:
    return value.isoformat()


def _deadline_x(deadline: date, days: Sequence[date], x_of) -> float | None:
    """Where a date falls on an axis of days (interpolated), or None outside it."""
    if not days or deadline < days[0] or deadline > days[-1]:
        return None
    for index in range(len(days) - 1):
        first, second = days[index], days[index + 1]
        if first <= deadline <= second:
            fraction = (deadline - first).days / max((second - first).days, 1)
            return x_of(index) + fraction * (x_of(index + 1) - x_of(index))
    return x_of(len(days) - 1)


def _deadline_note(deadline: date, days: Sequence[date] | None) -> str:
    """'Sista dag 2027-01-31', and where it falls when the chart cannot show it."""
    text = gettext("Sista dag %(date)s", date=_chart_day(deadline))
    if days and deadline > days[-1]:
        return gettext("%(deadline)s, efter diagrammets sista punkt", deadline=text)
    if days and deadline < days[0]:
        return gettext("%(deadline)s, före diagrammets första punkt", deadline=text)
    return text


def line_chart(
    title: str,
    series: Sequence[tuple[str, Sequence[tuple[str, float | None]]]],
    unit: str = "%",
    *,
    max_value: float | None = None,
    chart_id: str | None = None,
    target: float | None = None,
    deadline: date | None = None,
    days: Sequence[date] | None = None,
    layout: LineLayout = WIDE,
    css_class: str = "",
    names_in_swedish: bool = False,
) -> Markup:
    """Lines over labelled points (months, tertials), told apart by dash, marker and colour.

    `target` (in `unit`) is drawn as a labelled horizontal line ("Mål 90 %"); `deadline` as
    a labelled vertical line where it falls among `days` (the date of each label), and
    named in the legend when it falls outside them. Both are in the text alternative.
    `layout` NARROW draws it for a phone; `css_class` is added to the svg's classes;
    `names_in_swedish`: the series' names are Swedish data.
    """
    lang = _names_lang(names_in_swedish)
    series = [(str(name), [(str(x), v) for x, v in points]) for name, points in series]
    chart_id = (chart_id or _chart_id("line", title, (series, target, deadline))) + layout.suffix
    labels: list[str] = []
    for _, points in series:
        labels += [x for x, _ in points if x not in labels]
    days = list(days) if days is not None and len(days) == len(labels) else None
    values = [v for _, points in series for _, v in points if v is not None]
    if max_value is None or max_value <= 0:
        highest = max([*values, target or 0], default=0)
        max_value = 100 if unit == "%" else _nice_ceiling(highest)
    plot_left, plot_right = layout.plot_left, layout.width - layout.right_margin
    plot_top = layout.plot_top
    plot_bottom = plot_top + layout.plot_height
    notes = []  # lines below the series in the legend: the target, the deadline
    if target is not None:
        notes.append(("target", _target_text(target, unit)))
    if deadline is not None:
        notes.append(("deadline", _deadline_note(deadline, days)))
    legend_top = plot_bottom + 2 * layout.small_size + 20
    rows = max(len(series), 1) + len(notes)
    height = legend_top + layout.legend_step * rows + 6

    def x_of(index: int) -> float:
        if len(labels) <= 1:
            return (plot_left + plot_right) / 2
        inner = 12
        return plot_left + inner + index * (plot_right - plot_left - 2 * inner) / (len(labels) - 1)

    def y_of(value: float) -> float:
        share = min(max(value / max_value, 0), 1)
        return plot_bottom - share * (plot_bottom - plot_top)

    summaries = []
    for name, points in series:
        text = ", ".join(f"{x} {format_value(v, unit)}" for x, v in points)
        summaries.append(f"{_name(name, lang)}: {_text(text or gettext('inga uppgifter'))}")
    kind = _text(gettext("Linjediagram, %(scale)s.", scale=_scale(unit, max_value)))
    desc = f"{kind} " + ("; ".join(summaries) or _text(gettext("Inga uppgifter.")))
    if notes:
        desc = desc.rstrip(".") + ". " + ". ".join(_text(note) for _, note in notes) + "."
    css_class = f"chart chart-line {css_class}".strip()
    parts = _open_svg(chart_id, height, css_class, layout.width, layout.font_size)
    parts += _title_and_desc(chart_id, title, desc, layout.title_size)
    parts.append('<g aria-hidden="true">')
    small = layout.small_size
    for step in SCALE_STEPS:
        y = _number(y_of(step * max_value))
        parts.append(
            f'<line x1="{plot_left}" y1="{y}" x2="{plot_right}" y2="{y}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{plot_left - 6}" y="{_number(float(y) + small / 3)}" text-anchor="end" '
            f'font-size="{small}" fill="{MUTED_COLOUR}">'
            f"{_text(format_value(step * max_value, unit))}</text>"
        )
    label_width = max((len(label) for label in labels), default=0) * small * 0.62 + 10
    step = max(1, math.ceil(len(labels) * label_width / (plot_right - plot_left)))
    for index, label in enumerate(labels):
        x = _number(x_of(index))
        parts.append(
            f'<line x1="{x}" y1="{plot_bottom}" x2="{x}" y2="{plot_bottom + 4}" '
            f'stroke="{MUTED_COLOUR}" stroke-width="1"/>'
        )
        if (len(labels) - 1 - index) % step == 0:
            parts.append(
                f'<text x="{x}" y="{plot_bottom + small + 6}" text-anchor="middle" '
                f'font-size="{small}" fill="{MUTED_COLOUR}">{_text(label)}</text>'
            )
    if target is not None:
        parts += _target_line(target, unit, y_of(target), plot_left, plot_right, layout)
    if deadline is not None and days is not None:
        x = _deadline_x(deadline, days, x_of)
        if x is not None:
            parts += _deadline_line(deadline, x, plot_top, plot_bottom, plot_left, plot_right)
    ends = []
    for number, (name, points) in enumerate(series):
        colour, dash, shape = series_style(number)
        where = {x: v for x, v in points}
        placed = [(labels.index(x), where[x]) for x in labels if where.get(x) is not None]
        parts.append(f'<g class="series-{number + 1}">')
        run: list[tuple[float, float]] = []
        previous_index = None
        for index, value in placed + [(None, None)]:
            if previous_index is None or index != previous_index + 1:  # a gap ends the run
                if len(run) > 1:
                    path = " ".join(f"{_number(px)},{_number(py)}" for px, py in run)
                    parts.append(
                        f'<polyline points="{path}" fill="none" stroke="{colour}" '
                        f'stroke-width="2.5"{_dash(dash)}/>'
                    )
                run = []
            if index is not None:
                run.append((x_of(index), y_of(value)))
            previous_index = index
        for index, value in placed:
            x, y = x_of(index), y_of(value)
            parts.append(
                f"<g><title>{_name(name, lang)}, {_text(labels[index])}: "
                f"{_text(format_value(value, unit))}</title>{_marker(shape, x, y, colour)}</g>"
            )
        parts.append("</g>")
        if placed:
            last_index, last_value = placed[-1]
            ends.append((x_of(last_index), y_of(last_value), last_value, colour))
    gap = layout.font_size + 1
    label_ys = _spread([y for _, y, _, _ in ends], gap, plot_top, plot_bottom + 4)
    for (x, _, value, colour), y in zip(ends, label_ys, strict=True):
        parts.append(
            f'<text x="{_number(x + 9)}" y="{_number(y + layout.font_size / 3)}" '
            f'font-weight="bold" fill="{colour}">{_text(format_value(value, unit))}</text>'
        )
    parts.append(
        f'<line x1="{plot_left}" y1="{plot_bottom}" x2="{plot_right}" y2="{plot_bottom}" '
        f'stroke="{TEXT_COLOUR}" stroke-width="1"/>'
    )
    legend_left = layout.legend_left
    for number, (name, _) in enumerate(series):
        colour, dash, shape = series_style(number)
        y = legend_top + layout.legend_step * number
        parts.append(
            f'<line x1="{legend_left}" y1="{y}" x2="{legend_left + 36}" y2="{y}" '
            f'stroke="{colour}" stroke-width="2.5"{_dash(dash)}/>'
        )
        parts.append(_marker(shape, legend_left + 18, y, colour))
        parts.append(
            f'<text x="{legend_left + 46}" y="{_number(y + layout.font_size / 3)}"{_lang(lang)}>'
            f"{_text(name)}</text>"
        )
    if not series:
        parts.append(
            f'<text x="{legend_left}" y="{legend_top + 4}" fill="{MUTED_COLOUR}">'
            f"{_text(gettext('Inga uppgifter'))}</text>"
        )
    for number, (kind, note) in enumerate(notes, max(len(series), 1)):
        y = legend_top + layout.legend_step * number
        if kind == "target":
            parts.append(
                f'<line x1="{legend_left}" y1="{y}" x2="{legend_left + 36}" y2="{y}" '
                f'stroke="{TARGET_COLOUR}" stroke-width="2"{_dash(TARGET_DASH)}/>'
            )
        else:
            parts.append(
                f'<line x1="{legend_left + 18}" y1="{y - 8}" x2="{legend_left + 18}" '
                f'y2="{y + 8}" stroke="{DEADLINE_COLOUR}" stroke-width="2"'
                f"{_dash(DEADLINE_DASH)}/>"
            )
        parts.append(
            f'<text x="{legend_left + 46}" y="{_number(y + layout.font_size / 3)}">'
            f"{_text(note)}</text>"
        )
    parts.append("</g></svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through _text()


def _halo() -> str:
    """A white outline behind a text, so that lines crossing it do not hide it."""
    return 'stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"'


def _target_text(target: float, unit: str) -> str:
    """'Mål 90 %' in the interface language."""
    return gettext("Mål %(target)s", target=format_value(target, unit))


def _target_line(target, unit, y, plot_left, plot_right, layout: LineLayout) -> list[str]:
    """The target: a dashed horizontal line, labelled "Mål 90 %" above its right end."""
    return [
        f'<line class="chart-target" x1="{plot_left}" y1="{_number(y)}" x2="{plot_right}" '
        f'y2="{_number(y)}" stroke="{TARGET_COLOUR}" stroke-width="2"{_dash(TARGET_DASH)}/>',
        f'<text class="chart-target-label" x="{plot_right}" y="{_number(y - 5)}" '
        f'text-anchor="end" font-weight="bold" fill="{TARGET_COLOUR}" {_halo()}>'
        f"{_text(_target_text(target, unit))}</text>",
    ]


def _deadline_line(deadline, x, plot_top, plot_bottom, plot_left, plot_right) -> list[str]:
    """The deadline: a dashed vertical line, labelled "Sista dag …" above the plot."""
    anchor = "end" if x > (plot_left + plot_right) / 2 else "start"
    return [
        f'<line class="chart-deadline" x1="{_number(x)}" y1="{plot_top - 4}" x2="{_number(x)}" '
        f'y2="{plot_bottom}" stroke="{DEADLINE_COLOUR}" stroke-width="2"'
        f"{_dash(DEADLINE_DASH)}/>",
        f'<text class="chart-deadline-label" x="{_number(x)}" y="{plot_top - 8}" '
        f'text-anchor="{anchor}" fill="{DEADLINE_COLOUR}" {_halo()}>'
        f"{_text(gettext('Sista dag %(date)s', date=_chart_day(deadline)))}</text>",
    ]


def responsive_line_chart(*args, **kwargs) -> Markup:
    """The chart twice: wide (desktop and print) and narrow (phones); CSS shows one."""
    wide = line_chart(*args, **kwargs, css_class="chart-wide")
    return wide + line_chart(*args, **kwargs, layout=NARROW, css_class="chart-narrow")


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^n that is at least value (1 for nothing)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= value:
            return factor * power
    return 10 * power
