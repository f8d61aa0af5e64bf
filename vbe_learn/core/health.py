"""`/healthz` for the load balancer: 200 "ok" when the database answers, 503 otherwise."""

import logging

from flask import Blueprint, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def database_reachable() -> bool:
    """Whether `SELECT 1` works on a connection of its own (the request's session is untouched)."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log.error("event=healthz_failed error=%s", type(error).__name__)
        return False
    return True


@bp.get("/healthz")
def healthz() -> Response:
    """No login needed; says nothing but ok/unavailable."""
    if database_reachable():
        return Response("ok\n", status=200, mimetype="text/plain")
    return Response("unavailable\n", status=503, mimetype="text/plain")
