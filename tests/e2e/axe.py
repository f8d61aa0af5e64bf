"""axe-core in a Playwright page: inject the pinned npm package, run WCAG 2.x A/AA, report.

The app's CSP (script-src 'self') refuses inline scripts, so page.add_script_tag cannot
inject axe; page.evaluate goes through the DevTools protocol, which the CSP does not
govern, and so the pages are scanned exactly as they are served.
"""

import json
from functools import cache
from pathlib import Path

from tests.conftest import skip_or_fail

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
PACKAGE_LOCK = REPO_ROOT / "package-lock.json"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


def pinned_axe_version() -> str:
    """The axe-core version package-lock.json pins."""
    lock = json.loads(PACKAGE_LOCK.read_text(encoding="utf-8"))
    return lock["packages"]["node_modules/axe-core"]["version"]


@cache
def axe_source() -> str:
    """axe.min.js from node_modules (make installs it with npm ci)."""
    if not AXE_JS.exists():
        skip_or_fail(f"{AXE_JS} is missing: run `make node_modules` (npm ci)")
    return AXE_JS.read_text(encoding="utf-8")


def violations(page) -> list[dict]:
    """Run axe-core with the WCAG 2.0/2.1 A and AA rules on the page; return its violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source() + "\n;void 0")
    return page.evaluate(RUN_AXE, list(WCAG_TAGS))


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
        if found:
            self.failures.append(describe(f"{label} ({page.url})", found))

    def assert_clean(self) -> None:
        """Fail with every violation found, page by page."""
        assert not self.failures, "\n\n".join(self.failures)
