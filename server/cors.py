"""CORS (https://fetch.spec.whatwg.org/#http-cors-protocol) on the read endpoints, for browser clients on other origins.

Everything this server answers is a read, so every response carries it, errors included (a browser
client must be able to read why its query failed), and every path answers the preflight.
"""
from __future__ import annotations

from flask import Flask, Response, request

EXPOSED = "X-Row-Limit, X-Result-Truncated, Retry-After, Content-Length"


def init_app(app: Flask, origin: str) -> None:
    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSED
        if origin != "*":
            response.vary.add("Origin")
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = request.headers.get(
                "Access-Control-Request-Headers", "Accept, Content-Type")
            response.headers["Access-Control-Max-Age"] = "86400"
        return response
