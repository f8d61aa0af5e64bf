"""Course Markdown → sanitised HTML, with links to other pages rewritten and checked.

Raw HTML in the Markdown is not rendered, and the result passes through a sanitiser
(nh3) so that scripts, event handlers and javascript:/data: links never reach a page.

The one attribute syntax is a span with a language: `[orosanmälan]{lang=sv}` renders
`<span lang="sv">orosanmälan</span>` (WCAG 3.1.2, a Swedish term inside English text), in
pages and, through `render_inline`, in every other course text shown on a page (question
texts, page titles and sources, module summaries, discuss prompts, the course description).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from html import escape

import nh3
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin

from .languages import HTML_LANG
from .readability import readable_text

DECISION_TREE_INFO = "beslutstrad"
EXTERNAL_SCHEMES = ("http://", "https://", "mailto:")
# A decision tree's own words (its name for screen readers, the link back to its start) in
# the language of the page it stands on; lättläst uses the Swedish.
DECISION_TREE_WORDS = {
    "sv": {"name": "Flödesschema", "restart": "Börja om"},
    "en": {"name": "Flowchart", "restart": "Start again"},
}

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "div", "em", "figure", "figcaption", "h2", "h3",
    "h4", "hr", "img", "li", "nav", "ol", "p", "pre", "section", "span", "strong", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
# A span's only attribute is its language, one of the course's HTML languages (sv, en).
SPAN_LANGUAGES = frozenset(HTML_LANG.values())
ALLOWED_ATTRIBUTES = {
    "*": {"class"},
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "section": {"id", "tabindex", "aria-labelledby"},
    "div": {"role", "aria-label"},
    "nav": {"aria-label"},
    "th": {"scope"},
}


@dataclass
class RenderedMarkdown:
    """The HTML of a page and what `courses check` must verify in it."""

    html: str
    problems: list[tuple[int, str]] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    # Each decision tree's shape (its start, and every step's name with its goto targets):
    # a language variant keeps the same shape (`courses check` compares them).
    decision_trees: list[tuple] = field(default_factory=list)


LinkResolver = Callable[[str], str | None]


@cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    # `[text]{lang=sv}` only: no attributes after links or images, no other attribute.
    attrs_plugin(md, spans=True, allowed=["lang"], after=())
    return md


def render_inline(text: str) -> str:
    """A course text outside a page body (a question's prompt, an option, a title, …) as safe
    inline HTML, with the pages' inline Markdown (e.g. `[orosanmälan]{lang=sv}`)."""
    return sanitise_html(_markdown().renderInline(text))


def inline_plain_text(text: str) -> str:
    """What the learner reads of an inline course text: without its markup."""
    return readable_text(render_inline(text))


def render_markdown(
    body: str, resolve_page_link: LinkResolver, language: str = "sv"
) -> RenderedMarkdown:
    """Render a page body; relative .md links go through resolve_page_link (None = broken);
    a decision tree's own words are in `language` (Swedish unless English)."""
    words = DECISION_TREE_WORDS.get(language, DECISION_TREE_WORDS["sv"])
    md = _markdown()
    result = RenderedMarkdown(html="")
    tokens = md.parse(body)
    for token in tokens:
        line = token.map[0] + 1 if token.map else 1
        if token.type == "fence" and token.info.strip() == DECISION_TREE_INFO:
            token.type = "html_block"
            token.content = _decision_tree_html(token.content, line, result, words)
        for child in token.children or []:
            _check_inline(child, line, resolve_page_link, result)
            _check_span(child, line, result)
    html = md.renderer.render(tokens, md.options, {})
    result.html = sanitise_html(html)
    return result


def sanitise_html(html: str) -> str:
    """Remove everything that is not plain, safe content markup."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values={"span": {"lang": set(SPAN_LANGUAGES)}},
        attribute_filter=_span_lang_only,
        url_schemes={"http", "https", "mailto"},
        strip_comments=True,
    )


def _span_lang_only(tag: str, attribute: str, value: str) -> str | None:
    """A span keeps only its lang (not even the class every other tag may have)."""
    return None if tag == "span" and attribute != "lang" else value


def _check_span(token: Token, line: int, result: RenderedMarkdown) -> None:
    """A span's attributes: only lang, with a language the course has (sv, en)."""
    if token.type != "span_open":
        return
    written = {**token.attrs, **token.meta.get("insecure_attrs", {})}
    if set(written) != {"lang"} or written["lang"] not in SPAN_LANGUAGES:
        given = " ".join(f"{name}={value}" for name, value in written.items())
        allowed = " eller ".join(f"{{lang={code}}}" for code in sorted(SPAN_LANGUAGES))
        message = f"{{{given}}}: efter [text] får det bara stå {allowed}"
        result.problems.append((line, message))


def _check_inline(token: Token, line: int, resolve: LinkResolver, result: RenderedMarkdown) -> None:
    if token.type == "link_open":
        href = str(token.attrs.get("href", ""))
        if href.startswith(EXTERNAL_SCHEMES) or href.startswith("#"):
            return
        target = resolve(href)
        if target is None:
            result.problems.append((line, f"länken {href!r} pekar inte på någon sida i kursen"))
        else:
            token.attrs["href"] = target
    elif token.type == "image":
        src = str(token.attrs.get("src", ""))
        result.images.append(src)
        if not token.content.strip():
            result.problems.append((line, f"bilden {src!r} saknar alt-text"))
        if not (src.startswith("bilder/") and src.endswith(".svg") and ".." not in src):
            result.problems.append((line, f"bilden {src!r} ska vara en SVG-fil i mappen bilder/"))


def _decision_tree_html(source: str, line: int, result: RenderedMarkdown, words: dict) -> str:
    """Render a `beslutstrad` block: one section per step, answers link to the next step."""
    problems = result.problems
    try:
        tree = yaml.safe_load(source) or {}
    except yaml.YAMLError as error:
        problems.append((line, f"flödesschemat är inte giltig YAML: {error}"))
        return ""
    steps = tree.get("steps") if isinstance(tree, dict) else None
    start = tree.get("start") if isinstance(tree, dict) else None
    if not isinstance(steps, dict) or start not in (steps or {}):
        problems.append((line, "flödesschemat behöver start: och steps: där start är ett steg"))
        return ""
    problems.extend((line, problem) for problem in decision_tree_problems(start, steps))
    result.decision_trees.append(decision_tree_shape(start, steps))
    # The heading keeps the heading order valid wherever the tree stands (its steps are h3).
    parts = [
        f'<div class="decision-tree" role="group" aria-label="{words["name"]}">',
        f'<h2 class="visually-hidden">{words["name"]}</h2>',
    ]
    for name, step in steps.items():
        parts.append(_decision_step_html(name, step or {}, name == start, start, words))
    parts.append("</div>")
    return "\n".join(parts)


def _decision_step_html(name: str, step: dict, is_start: bool, start: str, words: dict) -> str:
    css = "decision-step decision-start" if is_start else "decision-step"
    if "result" in step:
        css += " decision-result"
        body = f"<p>{render_inline(str(step['result']))}</p>"
        body += f'<p><a href="#steg-{escape(start)}">{words["restart"]}</a></p>'
    else:
        answers = "".join(
            '<li><a href="#steg-{}">{}</a></li>'.format(
                escape(str(answer.get("goto", ""))), render_inline(str(answer.get("label", "")))
            )
            for answer in step.get("answers") or []
        )
        question = render_inline(str(step.get("question", "")))
        body = f'<h3>{question}</h3><ul class="decision-answers">{answers}</ul>'
    return f'<section id="steg-{escape(name)}" class="{css}" tabindex="-1">{body}</section>'


def decision_tree_shape(start: str, steps: dict) -> tuple:
    """A tree without its text: (start, ((step name, (goto, …)), …)) in the written order."""
    return (
        start,
        tuple(
            (name, tuple(str(a.get("goto")) for a in (step or {}).get("answers") or []))
            for name, step in steps.items()
        ),
    )


def decision_tree_problems(start: str, steps: dict) -> list[str]:
    """Every step has a question with answers or a result; every goto exists; all reachable."""
    found = []
    for name, step in steps.items():
        step = step or {}
        if "result" in step:
            continue
        answers = step.get("answers") or []
        if not step.get("question") or not answers:
            found.append(f"steget {name!r} behöver question: och answers: (eller result:)")
        for answer in answers:
            if answer.get("goto") not in steps:
                found.append(f"steget {name!r}: goto {answer.get('goto')!r} finns inte")
    reachable, queue = set(), [start]
    while queue:
        name = queue.pop()
        if name in reachable or name not in steps:
            continue
        reachable.add(name)
        queue.extend(a.get("goto") for a in (steps[name] or {}).get("answers") or [])
    found.extend(
        f"steget {name!r} kan inte nås från start" for name in steps if name not in reachable
    )
    return found
