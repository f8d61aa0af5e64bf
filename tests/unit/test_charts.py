"""Server-drawn SVG charts: valid XML, escaped text, gaps for missing values, readable
without colour (dash pattern and marker shape differ per series), with <title> and <desc>."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from markupsafe import Markup

from vbe_learn.followup.charts import (
    _marker,
    bar_chart,
    format_value,
    line_chart,
    responsive_bar_chart,
    responsive_line_chart,
    series_style,
)

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = [f"2025-{month:02d}" for month in range(1, 13)]


def parse(chart: Markup) -> ET.Element:
    assert isinstance(chart, Markup)
    return ET.fromstring(str(chart))  # noqa: S314 - our own output


def texts(root: ET.Element) -> list[str]:
    """The chart's texts, with the no-break space before a unit read as a plain space."""
    return [
        "".join(element.itertext()).replace("\u00a0", " ") for element in root.iter(f"{SVG}text")
    ]


def accessible_name_and_description(root: ET.Element) -> tuple[str, str]:
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    assert by_id[title_id].tag == f"{SVG}title" and by_id[desc_id].tag == f"{SVG}desc"
    return by_id[title_id].text, by_id[desc_id].text.replace("\u00a0", " ")


def test_bar_chart_is_valid_svg_with_title_desc_labels_and_scale():
    root = parse(bar_chart("Andel genomförda", [("Förvaltning A", 42.4), ("Förvaltning B", 87.6)]))
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox").startswith("0 0 ") and root.get("width") == "100%"
    title, desc = accessible_name_and_description(root)
    assert title == "Andel genomförda"
    assert "Förvaltning A: 42 %" in desc and "Förvaltning B: 88 %" in desc
    shown = texts(root)
    assert {"Förvaltning A", "Förvaltning B", "42 %", "88 %"} <= set(shown)
    for tick in ("0 %", "25 %", "50 %", "75 %", "100 %"):  # a visible scale
        assert tick in shown
    gridlines = {line.get("x1") for line in root.iter(f"{SVG}line") if line.get("x1")}
    assert len(gridlines) >= 5
    assert len(list(root.iter(f"{SVG}rect"))) == 2


def test_bar_lengths_follow_the_values():
    root = parse(bar_chart("t", [("halv", 50), ("hel", 100), ("för mycket", 150), ("noll", 0)]))
    widths = [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    assert widths[0] * 2 == widths[1] == widths[2]  # clipped at max_value
    assert widths[3] == 0


def test_missing_values_are_a_dash_not_a_bar():
    root = parse(bar_chart("t", [("Tom enhet", None), ("Enhet", 10)]))
    assert "–" in texts(root)
    assert len(list(root.iter(f"{SVG}rect"))) == 1
    assert "Tom enhet: –" in accessible_name_and_description(root)[1]


def test_every_text_is_escaped():
    evil = '<script>alert("x")</script> & Co'
    for chart in (
        bar_chart(evil, [(evil, 10)]),
        line_chart(evil, [(evil, [(evil, 10), ("2025-02", 20)])]),
    ):
        assert "<script>" not in str(chart)
        assert "&lt;script&gt;" in str(chart)
        root = parse(chart)  # still well-formed XML
        assert accessible_name_and_description(root)[0] == evil
        assert not any(element.tag.endswith("script") for element in root.iter())


def test_control_characters_in_names_do_not_break_the_xml():
    parse(bar_chart("t", [("Enhet\x00\x1b", 10)]))


def test_line_chart_series_differ_in_dash_marker_and_colour():
    series = [
        (f"Förvaltning {n}", [(m, 10 * n + i) for i, m in enumerate(MONTHS)]) for n in range(6)
    ]
    root = parse(line_chart("Andel per månad", series))
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 6
    assert len({line.get("stroke-dasharray", "solid") for line in lines}) == 6
    assert len({line.get("stroke") for line in lines}) == 6
    markers = []
    for number in range(6):
        group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == f"series-{number + 1}")
        first_point = next(child for child in group if child.tag == f"{SVG}g")
        markers.append(tuple(element.tag.removeprefix(SVG) for element in first_point[1:]))
    assert markers == [("circle",), ("rect",), ("polygon",), ("polygon",), ("polygon",),
                       ("line", "line")]  # fmt: skip
    legend = texts(root)
    for number in range(6):
        assert f"Förvaltning {number}" in legend


def test_marker_shapes_are_drawn_differently():
    shapes = [series_style(n)[2] for n in range(7)]
    assert len(set(shapes)) == 7
    drawn = {_marker(shape, 10, 10, "#000") for shape in shapes}
    assert len(drawn) == 7
    for markup in drawn:
        ET.fromstring(f'<svg xmlns="http://www.w3.org/2000/svg">{markup}</svg>')  # noqa: S314


def test_line_chart_has_title_desc_legend_and_last_values():
    root = parse(
        line_chart(
            "Andel genomförda per tertial",
            [("Förvaltning A", [("2025 T1", 40), ("2025 T2", 55)]), ("Staden", [("2025 T1", 30)])],
        )
    )
    title, desc = accessible_name_and_description(root)
    assert title == "Andel genomförda per tertial"
    assert "Förvaltning A: 2025 T1 40 %, 2025 T2 55 %" in desc and "Staden: 2025 T1 30 %" in desc
    shown = texts(root)
    assert {"Förvaltning A", "Staden", "2025 T1", "2025 T2", "55 %", "30 %"} <= set(shown)
    assert "40 %" not in shown  # only the last point of each series is labelled


def test_line_chart_leaves_gaps_for_missing_values():
    points = [("1", 10), ("2", 20), ("3", None), ("4", 40), ("5", 50), ("6", None), ("7", 70)]
    root = parse(line_chart("t", [("A", points)]))
    lines = list(root.iter(f"{SVG}polyline"))
    assert [len(line.get("points").split()) for line in lines] == [2, 2]  # 7 stands alone
    markers = [g for g in root.iter(f"{SVG}g") if g.find(f"{SVG}title") is not None]
    assert len(markers) == 5
    assert "3 –" in accessible_name_and_description(root)[1]
    assert "70 %" in texts(root)


def test_all_missing_and_empty_charts_still_render():
    parse(line_chart("t", [("A", [("1", None), ("2", None)])]))
    parse(line_chart("t", []))
    parse(bar_chart("t", []))


def test_format_value():
    assert format_value(42.4) == "42\u00a0%"
    assert format_value(None) == "–"
    assert format_value(3.5, "h") == "3,5\u00a0h"
    assert format_value(-4.25) == "\u22124,2\u00a0%"
    assert format_value(7, "") == "7"


def test_charts_with_the_same_content_get_the_same_ids_and_different_charts_not():
    first = bar_chart("t", [("a", 1)])
    assert first == bar_chart("t", [("a", 1)])
    assert parse(first).get("aria-labelledby") != parse(bar_chart("t", [("a", 2)])).get(
        "aria-labelledby"
    )


def test_the_target_is_a_labelled_horizontal_line_and_in_the_text_alternative():
    root = parse(line_chart("t", [("A", [("2025-01", 40), ("2025-02", 50)])], target=90))
    target = next(line for line in root.iter(f"{SVG}line") if line.get("class") == "chart-target")
    assert target.get("y1") == target.get("y2")
    zero = next(line for line in root.iter(f"{SVG}line") if line.get("y1") == "250")
    top = 40
    assert float(target.get("y1")) == pytest.approx(250 - 0.9 * (250 - top))
    assert float(target.get("y1")) < float(zero.get("y1"))
    assert "Mål 90 %" in texts(root)
    assert "Mål 90 %." in accessible_name_and_description(root)[1]


def test_a_deadline_among_the_days_is_a_vertical_line_where_it_falls():
    days = [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)]
    points = [("2025-01", 10), ("2025-02", 20), ("2025-03", 30)]
    deadline = date(2025, 2, 14)  # half-way between the first two points
    root = parse(line_chart("t", [("A", points)], deadline=deadline, days=days))
    marker = next(line for line in root.iter(f"{SVG}line") if line.get("class") == "chart-deadline")
    assert marker.get("x1") == marker.get("x2")
    circles = [float(c.get("cx")) for c in root.iter(f"{SVG}circle")][:2]
    assert float(marker.get("x1")) == pytest.approx((circles[0] + circles[1]) / 2, abs=0.2)
    assert "Sista dag 2025-02-14" in texts(root)
    assert "Sista dag 2025-02-14." in accessible_name_and_description(root)[1]


def test_a_deadline_outside_the_days_is_named_not_drawn():
    days = [date(2025, 1, 31), date(2025, 2, 28)]
    points = [("2025-01", 10), ("2025-02", 20)]
    for deadline, where in ((date(2025, 6, 30), "efter diagrammets sista punkt"),
                            (date(2024, 6, 30), "före diagrammets första punkt")):  # fmt: skip
        root = parse(line_chart("t", [("A", points)], deadline=deadline, days=days))
        assert not [line for line in root.iter(f"{SVG}line") if line.get("class")]
        note = f"Sista dag {deadline.isoformat()}, {where}"
        assert note in texts(root) and note in accessible_name_and_description(root)[1]


def test_the_narrow_chart_is_drawn_for_a_phone_with_larger_text_and_its_own_ids():
    points = [(f"2025-{m:02d}", 5 * m) for m in range(1, 13)]
    both = responsive_line_chart("Andel per månad", [("A", points)], target=90)
    root = ET.fromstring(f"<charts>{both}</charts>")  # noqa: S314 - our own output
    wide, narrow = list(root)
    assert "chart-wide" in wide.get("class") and "chart-narrow" in narrow.get("class")
    assert narrow.get("viewBox").split()[2] == "330"
    assert wide.get("aria-labelledby") != narrow.get("aria-labelledby")
    assert accessible_name_and_description(wide) == accessible_name_and_description(narrow)
    sizes = [int(t.get("font-size") or narrow.get("font-size")) for t in narrow.iter(f"{SVG}text")]
    assert min(sizes) >= 14  # about 13 px at 375 px, where the chart is about 317 px wide
    x_labels = [t for t in texts(narrow) if t.startswith("2025-")]
    assert 2 <= len(x_labels) <= 4 and "2025-12" in x_labels  # fewer labels, the last kept


def test_only_the_responsive_pair_is_marked_for_the_phone_switch():
    assert "chart-wide" not in parse(line_chart("t", [("A", [("1", 1)])])).get("class")
    assert "chart-wide" not in parse(bar_chart("t", [("a", 1)])).get("class")


def test_the_narrow_bar_chart_puts_each_name_above_its_bar_in_larger_text():
    name = "Skärholmens stadsdelsförvaltning"
    both = responsive_bar_chart("Andel per förvaltning", [(name, 42), ("Kultur", 88)])
    root = ET.fromstring(f"<charts>{both}</charts>")  # noqa: S314 - our own output
    wide, narrow = list(root)
    assert "chart-wide" in wide.get("class") and "chart-narrow" in narrow.get("class")
    assert accessible_name_and_description(wide) == accessible_name_and_description(narrow)
    assert narrow.get("viewBox").split()[2] == "330"
    sizes = [int(t.get("font-size") or narrow.get("font-size")) for t in narrow.iter(f"{SVG}text")]
    assert min(sizes) >= 14
    label = next(t for t in narrow.iter(f"{SVG}text") if t.text == name)  # not shortened
    bar = next(iter(narrow.iter(f"{SVG}rect")))
    assert float(label.get("y")) < float(bar.get("y"))  # above its bar
    assert {"42 %", "88 %"} <= set(texts(narrow))
