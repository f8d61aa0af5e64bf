"""Links: absolute ones for e-mails, PDFs and the CLI (from PUBLIC_BASE_URL), and the test
for a same-site path that may be followed after login."""

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for
from werkzeug.routing import IntegerConverter, Map


def absolute_url(endpoint: str, **values) -> str:
    """PUBLIC_BASE_URL + the endpoint's path; works in requests and in CLI commands."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context():
            path = url_for(endpoint, **values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def is_same_site_path(target: str | None) -> bool:
    """Whether a ?next= value is a path on this site (browsers drop tabs and newlines from
    URLs, so "/\\t/evil.example" would become "//evil.example": any such character is refused)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(
        character.isspace() or ord(character) < 32 or ord(character) == 127 for character in target
    ):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


# The largest id a database integer column holds (PostgreSQL's integer; SQLite's is wider).
MAX_DATABASE_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<id:name>`: a positive whole number a database id can be; a larger one is no match,
    so the URL answers 404 before any query (a query with it would fail on PostgreSQL)."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=MAX_DATABASE_ID)


def database_id(text: str) -> int:
    """A query-string id (`request.args.get(name, type=database_id)`): ValueError unless
    it is a whole number a database id can be."""
    number = int(text)
    if not 1 <= number <= MAX_DATABASE_ID:
        raise ValueError(f"not a database id: {text!r}")
    return number
