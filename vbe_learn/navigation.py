"""The main menu: which links a person sees (the decisions come from permissions.py)."""

from flask import Flask, current_app, url_for
from flask_login import current_user

from .models.org import ROLE_LABELS
from .permissions import main_menu

# Endpoints the page layout links to on every page; their URLs never change while the app
# runs, so they are built once per app instead of once per page view.
LAYOUT_ENDPOINTS = (
    "learning.dashboard",
    "certificates.mine",
    "privacy.mine",
    "followup.overview",
    "reminders.deadlines",
    "roster.upload",
    "admin.roles",
    "admin.audit_log",
    "exports.export_log",
    "auth.logout",
    "accessibility.statement",
)


def layout_links(app: Flask) -> dict[str, str]:
    """The layout's URLs by endpoint (plus the stylesheet and icon), built on first use."""
    links = app.extensions.get("layout_links")
    if links is None:
        links = {endpoint: url_for(endpoint) for endpoint in LAYOUT_ENDPOINTS}
        links["stylesheet"] = url_for("static", filename="css/app.css")
        links["icon"] = url_for("static", filename="img/favicon.svg")
        app.extensions["layout_links"] = links
    return links


STABLE_URLS_KEPT = 10_000  # per app; when full, it starts over


def stable_url(endpoint: str, **values) -> str:
    """`url_for` for a link whose URL never changes while the app runs (a course page's
    "Föregående" and "Nästa": a bounded set), built once per app and arguments."""
    urls = current_app.extensions["stable_urls"]
    key = (endpoint, *values.items())
    url = urls.get(key)
    if url is None:
        if len(urls) >= STABLE_URLS_KEPT:
            urls.clear()
        url = urls[key] = url_for(endpoint, **values)
    return url


def init_app(app: Flask) -> None:
    """Give templates the layout's links and the menu entries the current person may use,
    and `stable_url`."""
    app.extensions["stable_urls"] = {}
    app.add_template_global(stable_url)

    @app.context_processor
    def menu() -> dict:
        links = layout_links(app)
        user = current_user._get_current_object()  # once, not through the proxy per entry
        if not user.is_authenticated:
            return {"menu": {}, "role_labels": ROLE_LABELS, "links": links}
        return {"role_labels": ROLE_LABELS, "links": links, "menu": main_menu(user)}
