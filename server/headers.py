"""Security headers (https://owasp.org/www-project-secure-headers/) on every answer, and Expect: 100-continue.

HTML pages run only the server's own scripts (no inline script, no plugins), cannot be framed, and leak
no path to other sites; every answer forbids MIME sniffing.
"""
from __future__ import annotations

from flask import Flask, Response

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def init_app(app: Flask) -> None:
    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        if response.mimetype in ("text/html", "application/xhtml+xml"):
            response.headers["Content-Security-Policy"] = CSP
            response.headers["X-Frame-Options"] = "DENY"  # frame-ancestors for older browsers
            response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Server"] = "ungass-kg"
        return response
