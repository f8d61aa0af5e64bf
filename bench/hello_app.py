"""The ceiling for bench/learner.py: a bare Flask app, served by gunicorn like the real one."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """Hello world: what Flask + gunicorn cost without any app code or database."""
    return "Hello, World!"
