"""Signing in through the login form, as a person does: the browser tests' one way in."""

import re

from tests.e2e.playwright_api import expect
from tests.factories import PASSWORD


def log_in(page, email: str, password: str = PASSWORD) -> None:
    """Sign in with e-post and password and land on Min utbildning."""
    page.goto("/logga-in")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord", exact=True).fill(password)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(re.compile(r"/min-utbildning$"))
