"""``/healthz`` for the load balancer: no login, no CSRF, no session cookie, never cached."""
from flask import Blueprint, jsonify

from app.services import health

bp = Blueprint("health", __name__)


@bp.route("/healthz", methods=["GET"])
def healthz():
    """Return this node's state as JSON: 200 for ``ok`` and ``degraded``, 503 for ``down``
    (database unreachable or disk nearly full). Holds no record contents and no secrets."""
    report = health.system_status()
    database = {key: report["database"][key] for key in ("ok", "ms", "error")}
    disk = {key: report["disk"][key] for key in ("free_bytes", "path", "ok")}
    response = jsonify(status=report["status"], database=database, index=report["index"], disk=disk)
    response.status_code = report["http_status"]
    response.headers["Cache-Control"] = "no-store"
    return response
