"""The typed errors (server.errors) of the pages' routes as a page for a browser, with the site's header and search box.

A client that does not ask for HTML, and every 5xx, gets the plain-text answer of server.errors, whose
STATUS table gives the status code either way.
"""
from __future__ import annotations

from flask import Response, render_template, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from server import errors
from server.errors import EndpointError


def page(error: EndpointError) -> Response:
    status = errors.status_of(error)
    accept = parse_accept_header(request.headers.get("Accept"), MIMEAccept)
    if status >= 500 or accept.best_match(["text/plain", "text/html"], "text/plain") != "text/html":
        return errors.text_response(status, f"{status} {type(error).__name__}: {error.message}", error.headers)
    body = render_template("error.html", status=status, name=type(error).__name__, message=error.message,
                           title=f"{status} {type(error).__name__}")
    response = Response(body, status=status, content_type="text/html; charset=utf-8")
    response.headers.update(error.headers)
    return response
