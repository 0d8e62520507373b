"""/health: is the service up, and which data does it serve (JSON, for monitors and deploy scripts)."""
from __future__ import annotations

import os

from flask import Blueprint, Response, current_app, jsonify

blueprint = Blueprint("health", __name__)


@blueprint.route("/health", methods=["GET"])
def health() -> Response:
    report = current_app.extensions["backend"].health()
    workers = report.get("workers")
    ok = workers is None or workers["alive"] > 0  # no worker left: every replacement failed
    ok = ok and report.pop("ok", True)  # the remote backend: no replica in service
    response = jsonify({"ok": ok, "process": os.getpid(), **report})
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
