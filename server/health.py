"""/health: is the service up, and which data does it serve (JSON, for monitors and deploy scripts).

It names the build and the backend, never a path on the host.
"""
from __future__ import annotations

import os

from flask import Blueprint, Response, current_app, jsonify

blueprint = Blueprint("health", __name__)


@blueprint.route("/health", methods=["GET"])
def health() -> Response:
    response = jsonify({"ok": True, "process": os.getpid(), **current_app.extensions["backend"].health()})
    response.headers["Cache-Control"] = "no-store"
    return response
