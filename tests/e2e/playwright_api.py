"""Playwright's API for the browser tests, imported once: a missing package skips the module
that imports this locally, and fails it in CI (requirements-dev.txt has it)."""

import pytest

from tests.conftest import REQUIRE_ALL

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import expect
except ImportError as error:
    if REQUIRE_ALL:
        raise
    pytest.skip(f"playwright is not installed: {error}", allow_module_level=True)

__all__ = ["PlaywrightTimeoutError", "expect"]
