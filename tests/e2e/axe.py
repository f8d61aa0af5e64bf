"""axe-core in a Playwright page: inject the pinned npm package, run WCAG 2.x A/AA, report.

The best-practice rules run too: heading order and landmarks are not WCAG rules in axe.

The app's CSP (script-src 'self') refuses inline scripts, so page.add_script_tag cannot
inject axe; page.evaluate goes through the DevTools protocol, which the CSP does not
govern, and so the pages are scanned exactly as they are served.
"""

import json
import re
from functools import cache
from pathlib import Path

from tests.conftest import skip_or_fail

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
PACKAGE_LOCK = REPO_ROOT / "package-lock.json"
# WCAG 2.0 and 2.1, levels A and AA, and axe's best practices (heading order, landmarks).
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


# axe-core leaves the contrast of text inside an inline SVG "incomplete" (it cannot tell the
# background behind an image node), so the scan measures the charts' text itself.
SVG_TEXTS = """() => [...document.querySelectorAll("svg text")].map((text) => {
  let box = text.closest("svg").parentElement, background = "rgba(0, 0, 0, 0)";
  while (box && getComputedStyle(box).backgroundColor.endsWith(", 0)")) box = box.parentElement;
  if (box) background = getComputedStyle(box).backgroundColor;
  return {text: text.textContent, fill: getComputedStyle(text).fill, background};
})"""
MIN_TEXT_CONTRAST = 4.5  # WCAG 2.1 1.4.3, text in the charts is under 18.66 px bold


def pinned_axe_version() -> str:
    """The axe-core version package-lock.json pins."""
    lock = json.loads(PACKAGE_LOCK.read_text(encoding="utf-8"))
    return lock["packages"]["node_modules/axe-core"]["version"]


def require_axe() -> None:
    """Skip (locally) or fail (CI, VBE_REQUIRE_ALL=1) when axe-core is not installed."""
    if not AXE_JS.exists():
        skip_or_fail(
            "axe-core is not installed (node_modules/axe-core/axe.min.js is missing): the "
            "accessibility scans are skipped locally; `make node_modules` (npm ci) installs it, "
            "and CI requires it"
        )


@cache
def axe_source() -> str:
    """axe.min.js from node_modules (`make node_modules` installs it with npm ci)."""
    require_axe()
    return AXE_JS.read_text(encoding="utf-8")


def violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA, best practices) on the page; return its violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source() + "\n;void 0")
    return page.evaluate(RUN_AXE, list(AXE_TAGS))


def _luminance(css_colour: str) -> float:
    """Relative luminance (WCAG 2.x) of an rgb()/rgba() colour as getComputedStyle gives it."""
    red, green, blue = (float(part) / 255 for part in re.findall(r"[\d.]+", css_colour)[:3])
    linear = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two CSS colours."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def svg_text_contrast_problems(page) -> list[dict]:
    """The texts in inline SVGs whose fill has less than 4.5:1 against the box behind the SVG."""
    problems = []
    for item in page.evaluate(SVG_TEXTS):
        ratio = contrast(item["fill"], item["background"])
        if ratio < MIN_TEXT_CONTRAST:
            summary = f"{item['fill']} on {item['background']}: {ratio:.2f}:1"
            problems.append({"target": f"svg text {item['text']!r}", "summary": summary})
    return problems


def describe(label: str, found: list[dict]) -> str:
    """A readable list: per violation its rule, impact and help, then each element."""
    lines = [f"{label}: {len(found)} axe-core violation(s)"]
    for violation in found:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"      {node['target']} — {summary[:300]}")
    return "\n".join(lines)


class AxeReport:
    """Collects the violations of many scans; one assertion at the end lists them all."""

    def __init__(self):
        self.scanned: list[str] = []
        self.failures: list[str] = []

    def scan(self, page, label: str) -> None:
        """Scan the page as it is now, under a label naming the page and its state."""
        self.scanned.append(label)
        found = violations(page)
        svg_problems = svg_text_contrast_problems(page)
        if svg_problems:
            help_text = f"Text in SVG charts must have {MIN_TEXT_CONTRAST}:1 contrast"
            found.append(
                {"id": "svg-text-contrast", "impact": "serious", "help": help_text,
                 "nodes": svg_problems}
            )  # fmt: skip
        if found:
            self.failures.append(describe(f"{label} ({page.url})", found))

    def assert_clean(self) -> None:
        """Fail with every violation found, page by page."""
        assert not self.failures, "\n\n".join(self.failures)
