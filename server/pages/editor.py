"""/editor: YASGUI (@zazuko/yasgui, https://docs.triply.cc/yasgui/) over /sparql, with the query library as examples.

YASGUI's built files are served from this origin (`/vendor/yasgui/…`, from the npm package that
`make web` installs: package.json), never from a CDN. The page's own script (static/editor.js) sets
it up: our endpoint only, the dataset's prefixes, the library's queries to open in tabs, share links
that fill the editor without running anything, result IRIs of the dataset linked to their pages here
and no link at all for an IRI that is not http(s). /workbench, the page it replaces, redirects here.
"""
from __future__ import annotations

import json
import re

from flask import Blueprint, Response, current_app, redirect, render_template, send_from_directory

from server.config import ROOT, Config
from server.errors import NotFound
from server.library.api import describe, library
from server.pages.terms import PREFIXES

blueprint = Blueprint("editor", __name__)
YASGUI = ROOT / "node_modules" / "@zazuko" / "yasgui" / "build"
VENDOR = {"yasgui.min.js": "text/javascript", "yasgui.min.css": "text/css"}


PREFIX_LINE = re.compile(r"^@prefix\s+([A-Za-z][\w-]*):\s*<([^>]+)>\s*\.\s*$")


def dataset_prefixes() -> dict[str, str]:
    """The curators' prefixes (data/prefixes.txt: `stmt:`, `doc:`, `para:`…) after the vocabularies', for results."""
    found = dict(PREFIXES)
    for line in (ROOT / "data" / "prefixes.txt").read_text(encoding="utf-8").splitlines():
        match = PREFIX_LINE.match(line.strip())
        if match:
            found.setdefault(match[1], match[2])
    return found


def examples() -> list[dict]:
    """Every published query: name, summary, and its text with the example values of its parameters bound."""
    return [{"name": q["name"], "summary": q["summary"], "text": q["example_query"]} for q in map(describe, library())]


@blueprint.route("/editor", methods=["GET"])
def editor() -> Response:
    config: Config = current_app.config["SERVER"]
    setup = {"examples": examples(), "prefixes": dataset_prefixes(), "base": config.base_iri, "endpoint": "/sparql"}
    body = render_template("editor.html", title="Query editor", examples=setup["examples"],
                           setup=json.dumps(setup).replace("<", "\\u003c"), installed=(YASGUI / "yasgui.min.js").is_file())
    return Response(body, content_type="text/html; charset=utf-8")


@blueprint.route("/workbench", methods=["GET"])
def workbench() -> Response:
    return redirect("/editor", code=301)


@blueprint.route("/vendor/yasgui/<name>", methods=["GET"])
def vendor(name: str) -> Response:
    if name not in VENDOR or not (YASGUI / name).is_file():
        raise NotFound(f"/vendor/yasgui/{name}: not here (YASGUI's files come from npm: run `make web`)")
    return send_from_directory(YASGUI, name, mimetype=VENDOR[name], max_age=3600)
