"""Course Markdown is rendered safely: nothing executable reaches a page."""

from vbe_learn.courses.readability import readable_text
from vbe_learn.courses.rendering import (
    inline_plain_text,
    render_inline,
    render_markdown,
    sanitise_html,
)


def render(body: str) -> str:
    return render_markdown(body, lambda href: None).html


def test_raw_html_and_scripts_are_not_rendered():
    html = render("Hej <script>alert(1)</script> <b onclick='x()'>fet</b>")
    assert "<script" not in html and "<b " not in html
    assert "&lt;script&gt;" in html  # shown as text, never run


def test_javascript_and_data_links_are_removed():
    html = render(
        "[a](javascript:alert(1)) [b](data:text/html;base64,xx) [c](https://stockholm.se)"
    )
    assert 'href="javascript:' not in html and 'href="data:' not in html
    assert 'href="https://stockholm.se"' in html


def test_sanitiser_removes_event_handlers_and_styles():
    html = sanitise_html('<p onmouseover="x()" style="color:red">t</p><iframe src="x"></iframe>')
    assert html == "<p>t</p>"


def test_markdown_basics_and_tables():
    html = render("## Rubrik\n\n- ett\n- två\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<h2>Rubrik</h2>" in html and "<li>två</li>" in html and "<td>2</td>" in html


def test_decision_tree_renders_linked_steps():
    body = (
        "```beslutstrad\nstart: a\nsteps:\n  a:\n    question: Akut fara?\n    answers:\n"
        "      - label: Ja\n        goto: b\n      - label: Nej\n        goto: c\n"
        "  b:\n    result: Ring 112.\n  c:\n    result: Prata med din chef.\n```\n"
    )
    result = render_markdown(body, lambda href: None)
    assert result.problems == []
    assert 'id="steg-a" class="decision-step decision-start"' in result.html
    # an h2 before the steps' h3 headings, so the heading order holds right after the h1
    assert result.html.index('<h2 class="visually-hidden">Flödesschema</h2>') < result.html.index(
        "<h3>Akut fara?</h3>"
    )
    assert '<a href="#steg-b" rel="noopener noreferrer">Ja</a>' in result.html
    assert "Ring 112." in result.html and 'href="#steg-a"' in result.html


def test_decision_tree_text_is_escaped():
    body = "```beslutstrad\nstart: a\nsteps:\n  a:\n    result: <img src=x onerror=alert(1)>\n```\n"
    html = render(body)
    assert "<img" not in html and "&lt;img" in html


def test_sanitiser_drops_dangerous_urls():
    html = sanitise_html(
        '<a href="javascript:alert(1)">a</a><img src="data:image/png;base64,x" alt="b">'
    )
    assert "javascript:" not in html and "data:" not in html


def test_a_swedish_term_is_a_span_with_its_language():
    result = render_markdown("A report of concern ([orosanmälan]{lang=sv}).", lambda href: None)
    assert result.problems == []
    assert result.html == '<p>A report of concern (<span lang="sv">orosanmälan</span>).</p>\n'
    assert readable_text(result.html) == "A report of concern (orosanmälan)."


def test_a_span_takes_only_lang_sv_or_en():
    result = render_markdown(
        "[a]{lang=fr} [b]{lang=sv .klass #id onclick=x title=t} [c]{lang=en}", lambda h: None
    )
    expected = '<p><span>a</span> <span lang="sv">b</span> <span lang="en">c</span></p>\n'
    assert result.html == expected
    assert [line for line, _ in result.problems] == [1, 1]
    assert "{lang=fr}" in result.problems[0][1]
    assert "onclick=x" in result.problems[1][1] and "{lang=sv}" in result.problems[1][1]


def test_no_attributes_after_links_or_images():
    html = render("[länk](https://stockholm.se){lang=sv} ![bild](bilder/x.svg){lang=sv}")
    assert "lang=" not in html.replace("{lang=sv}", "")
    assert html.count("{lang=sv}") == 2, "shown as written, not applied"


def test_sanitiser_keeps_only_lang_sv_or_en_on_a_span():
    html = sanitise_html(
        '<span lang="sv" class="x" title="t" onclick="y()" style="color:red">a</span>'
        '<span lang="fr">b</span><span lang="sv-lattlast">c</span><p lang="sv">d</p>'
    )
    assert html == '<span lang="sv">a</span><span>b</span><span>c</span><p>d</p>'


def test_inline_course_text_has_the_same_syntax():
    html = render_inline("Make a report of concern ([orosanmälan]{lang=sv}) <b>now</b>")
    assert html == (
        'Make a report of concern (<span lang="sv">orosanmälan</span>) &lt;b&gt;now&lt;/b&gt;'
    )
    assert render_inline("[x]{lang=sv onmouseover=y}") == '<span lang="sv">x</span>'
    assert inline_plain_text("The [Säpo]{lang=sv} tip service &") == "The Säpo tip service &"


def test_a_decision_tree_step_may_mark_a_swedish_term():
    body = (
        "```beslutstrad\nstart: a\nsteps:\n  a:\n    question: Worried ([orosanmälan]{lang=sv})?\n"
        "    answers:\n      - label: Ask your manager ([chef]{lang=sv})\n        goto: b\n"
        "  b:\n    result: Tell [Säpo]{lang=sv}.\n```\n"
    )
    html = render(body)
    assert '<h3>Worried (<span lang="sv">orosanmälan</span>)?</h3>' in html
    assert 'Ask your manager (<span lang="sv">chef</span>)</a>' in html
    assert '<p>Tell <span lang="sv">Säpo</span>.</p>' in html
