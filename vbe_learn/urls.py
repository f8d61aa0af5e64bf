"""Absolute links for e-mails, PDFs and the CLI, based on PUBLIC_BASE_URL."""

from flask import current_app, has_request_context, url_for


def absolute_url(endpoint: str, **values) -> str:
    """PUBLIC_BASE_URL + the endpoint's path; works in requests and in CLI commands."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context():
            path = url_for(endpoint, **values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path
