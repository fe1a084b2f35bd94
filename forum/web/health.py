"""/healthz: whether this process can serve, for load balancers and `make serve` checks."""

import logging

from flask import Blueprint, current_app, jsonify
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


def add_degrading_check(app, name: str, check) -> None:
    """A check that degrades, not fails: when it is not ok, /healthz says "degraded" with 200.

    Features below the web layer's importers register theirs (the mail outbox's queue).
    """
    app.extensions.setdefault("forum.health_checks", {})[name] = check


@bp.get("/healthz")
def healthz():
    """200 when every check passes ("degraded" when only a degrading check does not), 503 when
    a vital one fails; the body says which."""
    checks = {"database": database_check()}
    healthy = checks["database"]["ok"]
    degraded = False
    if healthy:
        for name, check in current_app.extensions.get("forum.health_checks", {}).items():
            checks[name] = check()
            degraded = degraded or not checks[name]["ok"]
    status = "failing" if not healthy else ("degraded" if degraded else "ok")
    response = jsonify(status=status, checks=checks)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
