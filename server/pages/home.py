"""The home page (what the dataset is, its source, counts, where to go next) and the release dumps at /dumps/<name>.

The counts, dumps and example resources are the loader's, from its VoID/DCAT meta graph
(https://www.w3.org/TR/void/), read once when the backend starts (Backend.describe).
"""
from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, send_from_directory

from server.backends import DATASET
from server.config import Config
from server.errors import NotFound
from server.pages import queries as pages_queries
from server.pages.terms import Labels, Links, number_key, text_of

blueprint = Blueprint("home", __name__)
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
MEDIA_TYPES = {".nq": "application/n-quads", ".trig": "application/trig", ".ttl": "text/turtle; charset=utf-8",
               ".nt": "application/n-triples"}


@lru_cache(maxsize=4)
def _meta(ntriples: bytes) -> tuple[ox.Triple, ...]:
    return tuple(quad.triple for quad in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))


def dataset_summary() -> dict:
    triples = _meta(current_app.extensions["backend"].describe().void)
    about: dict[str, list] = {}
    partitions: dict[str, dict[str, str]] = {}
    for t in triples:
        if t.subject.value == DATASET:
            about.setdefault(t.predicate.value, []).append(t.object)
        elif t.predicate.value in (VOID + "class", VOID + "entities"):
            partitions.setdefault(t.subject.value, {})[t.predicate.value] = t.object.value
    classes = sorted(((p[VOID + "class"], int(p[VOID + "entities"])) for p in partitions.values()
                      if VOID + "class" in p and VOID + "entities" in p), key=lambda c: (-c[1], c[0]))

    def one(predicate: str) -> str:
        values = about.get(predicate, [])
        return values[0].value if values else ""

    return {
        "title": one(DCTERMS + "title"), "description": one(DCTERMS + "description"),
        "source": one(DCTERMS + "source"), "license": one(DCTERMS + "license"),
        "triples": one(VOID + "triples"), "subjects": one(VOID + "distinctSubjects"),
        "classes": classes,
        "dumps": sorted(d.value for d in about.get(VOID + "dataDump", [])),
        "examples": sorted(e.value for e in about.get(VOID + "exampleResource", [])),
    }


@blueprint.route("/", methods=["GET"])
def home() -> Response:
    summary = dataset_summary()
    links = Links()
    labels = Labels(links)  # of the source and the example resources, as every page labels
    described = [summary["source"], *summary["examples"]]
    for row in pages_queries.rows("labels", term=[ox.NamedNode(i) for i in described if i]):
        labels.add(row.term.value, row.lp.value, row.label)
    from server.pages.browse import classes  # browse builds on this module's dataset_summary
    body = render_template("home.html", title=summary["title"] or "ungass-kg", summary=summary, labels=labels,
                           href=links.href, curie=links.curie, classes=classes(labels), chapters=chapters(labels))
    return Response(body, content_type="text/html; charset=utf-8")


def chapters(labels: Labels) -> list[dict]:
    """The outcome document's chapters in numeric order (I-VII), each with when it was discussed and in what place."""
    rows = pages_queries.rows("chapters")
    by_date = sorted({r.chapter.value: (text_of(r.date), number_key(r.order)) for r in rows if r.date is not None}.items(),
                     key=lambda kv: kv[1])
    place = {chapter: n for n, (chapter, _) in enumerate(by_date, 1)}
    shown = {}
    for r in rows:
        iri = r.chapter.value
        shown[iri] = {"name": labels(iri), "href": labels.links.href(iri), "date": text_of(r.date),
                      "meeting": labels.links.href(r.meeting.value) if r.meeting is not None else None,
                      "place": place.get(iri)}
    return [shown[iri] for iri in sorted(shown, key=labels.names.sort_key)]


@blueprint.route("/dumps/<name>", methods=["GET"])
def dump(name: str) -> Response:
    config: Config = current_app.config["SERVER"]
    folder = config.store / "release"
    if config.remote or not (folder / name).is_file():
        raise NotFound(f"no release file {name!r} here (the release dumps are the loader's build/store/release/*)")
    suffix = "." + name.rsplit(".", 1)[-1]
    return send_from_directory(folder.resolve(), name, mimetype=MEDIA_TYPES.get(suffix, "application/octet-stream"))
