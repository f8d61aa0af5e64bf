"""The vendored Designsystemet CSS is exactly the npm package package-lock.json pins."""

import json
from pathlib import Path

from tests.conftest import skip_or_fail

REPO_ROOT = Path(__file__).resolve().parents[2]
VENDORED = REPO_ROOT / "vbe_learn" / "static" / "vendor" / "designsystemet"
PACKAGE = REPO_ROOT / "node_modules" / "@digdir" / "designsystemet-css"


def test_package_json_pins_the_design_system_exactly():
    dev = json.loads((REPO_ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"]
    lock = json.loads((REPO_ROOT / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    for name in ("@digdir/designsystemet-css", "@digdir/designsystemet"):
        assert dev[name][0].isdigit(), f"{name} must be pinned to an exact version"
        assert lock[f"node_modules/{name}"]["version"] == dev[name]


def test_vendored_css_is_the_pinned_package_byte_for_byte():
    if not PACKAGE.exists():
        skip_or_fail(
            "@digdir/designsystemet-css is not installed (node_modules is missing it): "
            "`make node_modules` (npm ci) installs it, and CI requires it"
        )
    installed = json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))["version"]
    lock = json.loads((REPO_ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert installed == lock["packages"]["node_modules/@digdir/designsystemet-css"]["version"]
    vendored = (VENDORED / "designsystemet.css").read_bytes()
    assert vendored == (PACKAGE / "dist" / "src" / "index.css").read_bytes(), (
        "vbe_learn/static/vendor/designsystemet/designsystemet.css differs from the pinned "
        "package: run `make design-system`"
    )
    assert (VENDORED / "LICENSE").read_bytes() == (PACKAGE / "LICENSE").read_bytes()
