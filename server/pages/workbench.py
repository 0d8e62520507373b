"""/workbench: a SPARQL editor page with the query library's examples, run against /sparql from the browser.

A small page of our own (server/static/workbench.js, plain JS, no build step, nothing from a CDN), not
YASGUI: YASGUI would put npm and a bundler into `make` and CI and ship ~1 MB of script for what this
page needs (an editor, a table with links, downloads, a shareable URL). The examples are read from
queries/*.rq: each file's `#+` YAML header gives the summary and the example values of its parameters.
"""
from __future__ import annotations

import json

import yaml
from flask import Blueprint, Response, current_app, render_template

from server.config import ROOT, Config

blueprint = Blueprint("workbench", __name__)
LIBRARY = ROOT / "queries"


def examples() -> list[dict]:
    """Every published query: name, summary, text (header removed), the example value of each parameter."""
    out = []
    for path in sorted(LIBRARY.glob("*.rq")):
        lines = path.read_text(encoding="utf-8").splitlines()
        try:
            header = yaml.safe_load("\n".join(line[3:] if line.startswith("#+ ") else line[2:]
                                              for line in lines if line.startswith("#+"))) or {}
        except yaml.YAMLError as error:  # shown, not hidden: the query library's tests refuse such a file
            first = str(error).splitlines()[0]
            header = {"summary": f"{path.stem} (its header does not parse: {first})"}
        body = "\n".join(line for line in lines if not line.startswith("#+")).strip() + "\n"
        params = [{"name": p["name"], "type": p.get("type", "string"), "example": p["example"]}
                  for p in header.get("params") or [] if p.get("example") is not None]
        out.append({"name": path.stem, "summary": header.get("summary", path.stem), "text": body,
                    "params": params})
    return out


@blueprint.route("/workbench", methods=["GET"])
def workbench() -> Response:
    config: Config = current_app.config["SERVER"]
    listed = examples()
    as_json = json.dumps(listed).replace("<", "\\u003c")  # cannot close the <script> it sits in
    body = render_template("workbench.html", title="Query workbench", examples=listed,
                           examples_json=as_json, base_iri=config.base_iri)
    return Response(body, content_type="text/html; charset=utf-8")
