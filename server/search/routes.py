"""/search?q=…: ranked hits (server.search) as a page for people, or JSON for programs (by Accept or format=).

Each hit has its kind (the label of its type), its display name (server.pages.names), a snippet of its
text with the query's words highlighted, and the paragraph of the source that states it. 20 a page.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from markupsafe import Markup

from server import conneg
from server.config import Config
from server.errors import BadParameter, Busy, EndpointError
from server.pages.error import page as error_page
from server.pages.names import shorten
from server.pages.terms import Labels, Links
from server.search import MAX_QUERY, SearchIndex, open_index

blueprint = Blueprint("search", __name__)
blueprint.register_error_handler(EndpointError, error_page)
PAGE_SIZE = 20
TYPES = {"html": "text/html", "json": "application/json"}


def index() -> SearchIndex:
    """The index of the build being served (opened once per build)."""
    config: Config = current_app.config["SERVER"]
    # The loader's store link names the build being served (the remote mode's too: the build it published).
    folder = Path(config.store).resolve() / "search"
    kept = current_app.extensions.get("search")
    if kept is None or kept[0] != folder:
        found = open_index(folder)
        if found is None:
            raise Busy(f"no search index in {folder}: rebuild the store with `python -m loader build`"
                       + (" (search needs the loader's build, beside the remote endpoint)" if config.remote else ""))
        kept = current_app.extensions["search"] = (folder, found)
    return kept[1]


def _format() -> str:
    return conneg.choose("/search", request.args.get("format"), request.headers.get("Accept"), TYPES, "html")


@blueprint.route("/search", methods=["GET"])
def search() -> Response:
    unknown = sorted(set(request.args) - {"q", "page", "format"})
    if unknown:
        raise BadParameter(f"/search takes q=, page= and format=, not {', '.join(unknown)}")
    fmt = _format()
    text = request.args.get("q", "")
    if len(text) > MAX_QUERY:
        raise BadParameter(f"q= has {len(text)} characters; a search has at most {MAX_QUERY}")
    raw_page = request.args.get("page", "1")
    if not raw_page.isdigit() or int(raw_page) < 1:
        raise BadParameter(f"page={raw_page!r}: a page number is 1 or more")
    page = int(raw_page)
    found, total = index().search(text, PAGE_SIZE, (page - 1) * PAGE_SIZE) if text.strip() else ([], 0)
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages:
        raise BadParameter(f"page={page}: this search has {pages} page(s)")
    labels = Labels(Links())
    hits = [_hit(hit, labels) for hit in found]
    if fmt == "json":
        response = jsonify({"query": text, "total": total, "page": page, "pages": pages, "hits": hits})
    else:
        for hit in hits:
            hit["snippet"] = Markup(hit["snippet"])
        more = {"prev": f"?{urlencode({'q': text, 'page': page - 1})}" if page > 1 else None,
                "next": f"?{urlencode({'q': text, 'page': page + 1})}" if page < pages else None}
        body = render_template("search.html", title=f"Search: {text}" if text else "Search", query=text,
                               hits=hits, total=total, page=page, pages=pages, start=(page - 1) * PAGE_SIZE + 1, **more)
        response = Response(body, content_type="text/html; charset=utf-8")
    response.vary.add("Accept")
    return response


def _hit(hit, labels: Labels) -> dict:
    links = labels.links
    kinds = sorted({_kind(labels(t)) for t in hit.types}, key=str.casefold)
    paragraphs = sorted(hit.paragraphs, key=labels.names.sort_key)
    return {"iri": hit.iri, "href": links.href(hit.iri), "label": labels(hit.iri),
            "lang": getattr(labels(hit.iri), "lang", ""), "symbols": list(hit.symbols), "kind": ", ".join(kinds), "score": round(hit.score, 4),
            "snippet": hit.snippet or str(Markup.escape(shorten(hit.text, 240))),
            "paragraphs": [{"iri": p, "href": links.href(p), "label": labels.short(p)} for p in paragraphs]}


def _kind(name: str) -> str:
    """A class's name as a kind: a prefixed name of another vocabulary (`cito:Citation`) by its local name."""
    if ":" in name and " " not in name:
        local = name.split(":", 1)[1]
        return "".join(" " + c.lower() if c.isupper() else c for c in local).strip()
    return name
