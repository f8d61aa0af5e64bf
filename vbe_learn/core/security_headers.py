"""Security headers on every response; pages with personal data are never cached."""

from flask import Flask, Response, request

# img-src allows data: URIs: Designsystemet draws its icons (alerts, validation messages,
# details, breadcrumbs) as CSS masks of inline SVG data; an image cannot run script.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# Set on every response unless the view set its own (an SVG image has a stricter policy).
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


def init_app(app: Flask) -> None:
    """Register the header hook."""

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        present = set(headers.keys(lower=True))  # one pass, not one per header
        headers.extend(pair for pair in SECURITY_HEADERS if pair[0].lower() not in present)
        if request.endpoint != "static" and not request.path.endswith(".svg"):
            headers["Cache-Control"] = "no-store"
        return response
