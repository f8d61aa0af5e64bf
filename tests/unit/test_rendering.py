"""Course Markdown is rendered safely: nothing executable reaches a page."""

from vbe_learn.courses.rendering import render_markdown, sanitise_html


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
