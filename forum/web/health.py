"""/healthz: whether this process can serve, for load balancers and `make serve` checks."""

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from forum.extensions import db

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


def database_check() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("health: database check failed: %s", type(error).__name__)
        return {"ok": False, "error": "the database does not answer"}
    return {"ok": True}


@bp.get("/healthz")
def healthz():
    """200 when every check passes, 503 otherwise; the body says which failed."""
    checks = {"database": database_check()}
    healthy = all(check["ok"] for check in checks.values())
    response = jsonify(status="ok" if healthy else "failing", checks=checks)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
