"""Entry point: `flask` (from the repository root) and `gunicorn app:app` both find `app`."""

from vbe_learn import create_app

app = create_app()
