"""/browse: the classes of the dataset, and each class's members sorted by name, paged, with facets.

`/browse` lists the classes the VoID description counts (server.pages.home), and documents of every
type; `/browse/<prefix:Name>` (`/browse/ukg:ReportedStatement`) lists the members of a class and of
its sub-classes by display name (server.pages.names), 50 a page, with facets where the data has them:
statements by chapter, speech act, quantifier and subject; seats by chapter, role and seat kind;
documents by type. A facet is a query parameter whose value is the IRI of the value
(`?speech-act=https://w3id.org/ungass-kg/ont#CalledFor`); several facets narrow together.
"""
from __future__ import annotations

from urllib.parse import quote, urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request

from server.errors import BadParameter, EndpointError, NotFound
from server.pages import queries as pages_queries
from server.pages.home import dataset_summary
from server.pages.error import page as error_page
from server.pages.terms import PREFIXES, Labels, Links, Value

blueprint = Blueprint("browse", __name__)
blueprint.register_error_handler(EndpointError, error_page)
PAGE_SIZE = 50
UKG = PREFIXES["ukg"]
DOCUMENT = UKG + "Document"
# The facets, in the order a listing shows them, with the heading a person reads.
FACETS = {"chapter": "Chapter", "type": "Type", "speech-act": "Speech act", "quantifier": "Quantifier",
          "role": "Role", "seat-kind": "Seat kind", "subject": "Subject"}
FACET_VALUES_SHOWN = 12  # the most frequent values of a facet are shown; the others behind "more"


def class_iri(name: str) -> str:
    """`ukg:ReportedStatement` (or a full IRI) -> the class IRI; a 404 for an unknown prefix."""
    prefix, colon, local = name.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    if name.startswith(("http://", "https://")):
        return name
    raise NotFound(f"/browse/{name}: name a class as prefix:Name, e.g. /browse/ukg:ReportedStatement "
                   f"(prefixes: {', '.join(PREFIXES)})")


def class_path(iri: str, links: Links) -> str:
    curie = links.curie(iri)
    # a full IRI keeps its '#' and '?' as part of the path (vcard:Organization is …/ns#Organization)
    return "/browse/" + (curie if ":" in curie and not curie.startswith("http") else quote(iri, safe=":/"))


def classes(labels: Labels) -> list[dict]:
    """The classes with members, biggest first; documents (of every type) among them."""
    counted = dataset_summary()["classes"]
    found = [{"iri": iri, "name": labels(iri), "count": n, "href": class_path(iri, labels.links)}
             for iri, n in counted]
    if DOCUMENT not in {c["iri"] for c in found}:
        documents = len({r.item.value for r in pages_queries.rows("members", **{"class": ox.NamedNode(DOCUMENT)})})
        if documents:
            found.append({"iri": DOCUMENT, "name": labels(DOCUMENT), "count": documents,
                          "href": class_path(DOCUMENT, labels.links)})
    return sorted(found, key=lambda c: (-c["count"], c["name"].casefold()))


@blueprint.route("/browse", methods=["GET"])
def index() -> Response:
    labels = Labels(Links())
    body = render_template("browse.html", title="Browse the graph", classes=classes(labels), listing=None)
    return Response(body, content_type="text/html; charset=utf-8")


@blueprint.route("/browse/<path:name>", methods=["GET"])
def members(name: str) -> Response:
    iri = class_iri(name)
    try:
        cls = ox.NamedNode(iri)
    except ValueError as error:
        raise NotFound(f"/browse/{name}: not an IRI: {error}") from None
    labels = Labels(Links())
    chosen = _chosen()
    items: dict[str, dict[str, set[str]]] = {}
    for r in pages_queries.rows("members", **{"class": cls}):
        facets = items.setdefault(r.item.value, {})
        if r.type is not None and r.type.value != iri:
            facets.setdefault("type", set()).add(r.type.value)
        if r.facet is not None and isinstance(r.value, ox.NamedNode):
            facets.setdefault(r.facet.value, set()).add(r.value.value)
    if not items:
        raise NotFound(f"no resource in the graph is of the class <{iri}>")
    kept = [item for item, facets in items.items()
            if all(value in facets.get(facet, ()) for facet, value in chosen)]
    kept.sort(key=labels.names.sort_key)
    pages = max(1, -(-len(kept) // PAGE_SIZE))
    page = _page(pages)
    shown = [Value(labels(i), labels.links.href(i), i) for i in kept[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]]
    listing = {"iri": iri, "name": labels(iri), "total": len(kept), "all": len(items), "members": shown,
               "page": page, "pages": pages, "facets": _facets(items, kept, chosen, labels),
               "chosen": [{"facet": FACETS.get(f, f), "name": labels(v), "remove": _url(chosen, drop=(f, v))}
                          for f, v in chosen],
               "prev": _url(chosen, page=page - 1) if page > 1 else None,
               "next": _url(chosen, page=page + 1) if page < pages else None}
    body = render_template("browse.html", title=f"{listing['name']}: members", classes=None, listing=listing)
    return Response(body, content_type="text/html; charset=utf-8")


def _chosen() -> list[tuple[str, str]]:
    chosen = []
    for key, value in request.args.items(multi=True):
        if key == "page":
            continue
        if key not in FACETS:
            raise BadParameter(f"{key}= is not a facet of /browse; facets: page, {', '.join(FACETS)}")
        if not value.startswith(("http://", "https://")):
            raise BadParameter(f"{key}={value!r}: a facet's value is the IRI of what it filters by")
        chosen.append((key, value))
    return chosen


def _page(pages: int) -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= pages:
        raise BadParameter(f"page={raw!r}: the pages of this listing run from 1 to {pages}")
    return int(raw)


def _url(chosen: list[tuple[str, str]], page: int = 1, add: tuple[str, str] | None = None,
         drop: tuple[str, str] | None = None) -> str:
    params = [p for p in chosen if p != drop] + ([add] if add else [])
    if page > 1:
        params.append(("page", str(page)))
    return "?" + urlencode(params) if params else "?"


def _facets(items: dict[str, dict[str, set[str]]], kept: list[str], chosen, labels: Labels) -> list[dict]:
    """Each facet with its values among the kept members (count, link that adds it), most frequent first."""
    out = []
    for facet, heading in FACETS.items():
        counts: dict[str, int] = {}
        for item in kept:
            for value in items[item].get(facet, ()):
                counts[value] = counts.get(value, 0) + 1
        if not counts or (len(counts) == 1 and (facet, next(iter(counts))) not in chosen
                          and counts[next(iter(counts))] == len(kept)):
            continue  # a facet with one value shared by all says nothing
        values = sorted(counts.items(), key=lambda kv: (-kv[1], labels.names.sort_key(kv[0])))
        if facet == "chapter":
            values = sorted(counts.items(), key=lambda kv: labels.names.sort_key(kv[0]))
        shown = [{"name": labels.short(v) if facet == "chapter" else labels(v), "count": n,
                  "href": _url(chosen, add=(facet, v)), "chosen": (facet, v) in chosen} for v, n in values]
        out.append({"name": heading, "shown": shown[:FACET_VALUES_SHOWN], "more": shown[FACET_VALUES_SHOWN:]})
    return out
