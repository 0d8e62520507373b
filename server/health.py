"""/health: is the service up, and which data does it serve (JSON, for monitors and deploy scripts).

It names the build and the backend, never a path on the host.
"""
from __future__ import annotations

import os

from flask import Blueprint, Response, current_app, jsonify

blueprint = Blueprint("health", __name__)


@blueprint.route("/health", methods=["GET"])
def health() -> Response:
    report = current_app.extensions["backend"].health()
    ok = report.pop("ok", True)  # the remote backend: no replica in service
    response = jsonify({"ok": ok, "process": os.getpid(), **report})
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
