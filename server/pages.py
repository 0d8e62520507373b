"""The HTML pages of resources and of the ontology: what each page shows, gathered from queries/pages/*.rq.

Every page shows the resource's label as title, its types, every property with labels and links, and
what links to it ("referenced by", paged). Some kinds get more (queries/pages/kinds.rq decides): a
curated fact its source paragraphs, a chapter its meeting, panel and statements, a document its
citation network (with a picture), an actor its seats and statements, a round its timeline (picture).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pyoxigraph as ox
from flask import current_app, render_template, request
from markupsafe import Markup

from server import ld, pages_queries, pictures
from server.errors import BadParameter

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
LABELS = (SKOS + "prefLabel", RDFS + "label", "https://schema.org/name", "http://purl.org/dc/terms/title",
          "http://xmlns.com/foaf/0.1/name")
BLANK = "_:"
PAGE_SIZE = 50  # "referenced by" rows per page


class Labels:
    """The best label of each IRI: SKOS preferred label, then rdfs:label, schema:name, title, name; English first."""

    def __init__(self) -> None:
        self.found: dict[str, tuple[int, str]] = {}

    def add(self, iri: str, predicate: str, literal: ox.Literal) -> None:
        if predicate not in LABELS:
            return
        rank = LABELS.index(predicate) * 2 + (0 if literal.language in ("en", None) else 1)
        if iri not in self.found or rank < self.found[iri][0]:
            self.found[iri] = (rank, literal.value)

    def add_triples(self, triples: list[ox.Triple]) -> None:
        for t in triples:
            if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.Literal):
                self.add(t.subject.value, t.predicate.value, t.object)

    def __call__(self, iri: str) -> str:
        if iri in self.found:
            return self.found[iri][1]
        return curie(iri)


def curie(iri: str) -> str:
    for prefix, namespace in ld.PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    base = ld.base()
    if iri.startswith(base + "id/"):
        parts = iri[len(base) + 3:].split("/")
        return " ".join(parts[-2:]) if len(parts) > 1 else parts[0]
    return iri[len(base):] if iri.startswith(base) else iri


@dataclass
class Value:
    text: str
    href: str | None = None
    iri: str | None = None
    note: str = ""  # language tag or datatype


@dataclass
class Property:
    iri: str
    label: str
    values: list[Value] = field(default_factory=list)


def value(term, labels: Labels) -> Value:
    if isinstance(term, ox.NamedNode):
        return Value(labels(term.value), ld.href(term.value), term.value)
    if isinstance(term, ox.Literal):
        note = term.language or ("" if term.datatype.value.endswith(("#string", "#langString"))
                                 else curie(term.datatype.value))
        return Value(term.value, note=note)
    return Value(f"_:{term.value}", note="blank node")


def _property_labels(iris: set[str], labels: Labels) -> None:
    if iris:
        for row in pages_queries.rows("labels", term=[ox.NamedNode(i) for i in sorted(iris)]):
            labels.add(row["term"].value, row["lp"].value, row["label"])


def _properties(subject: str, triples: list[ox.Triple], labels: Labels) -> tuple[list[Value], list[Property]]:
    types, grouped = [], {}
    for t in triples:
        if t.subject.value != subject:
            continue
        if t.predicate.value == RDF_TYPE:
            types.append(value(t.object, labels))
        else:
            grouped.setdefault(t.predicate.value, []).append(value(t.object, labels))
    props = [Property(p, labels(p), sorted(vs, key=lambda v: (v.text.lower(), v.iri or "")))
             for p, vs in grouped.items()]
    return sorted(types, key=lambda v: v.text), sorted(props, key=lambda p: p.label.lower())


def resource_page(iri: str, description: list[ox.Triple]) -> str:
    this = ox.NamedNode(iri)
    labels = Labels()
    labels.add_triples(description)
    inverse = pages_queries.rows("inverse", this=this)
    for row in inverse:
        if "label" in row:
            labels.add(row["s"].value, row["lp"].value, row["label"])
    predicates = {t.predicate.value for t in description} | {row["p"].value for row in inverse}
    predicates |= {t.object.value for t in description if t.predicate.value == RDF_TYPE}
    _property_labels(predicates, labels)
    types, properties = _properties(iri, description, labels)
    fragments = []  # <iri#name> resources described on the same page (the dataset's distributions, …)
    for subject in sorted({t.subject.value for t in description if t.subject.value.startswith(iri + "#")}):
        sub_types, sub_props = _properties(subject, description, labels)
        fragments.append({"id": subject.split("#", 1)[1], "iri": subject, "label": labels(subject),
                          "types": sub_types, "properties": sub_props})
    referenced, pager = _referenced_by(inverse, labels)
    kinds = {row["kind"].value for row in pages_queries.rows("kinds", this=this)}
    sections = {"source": _source(this)}
    if "document" in kinds:
        sections["citations"] = _citations(iri, labels)
    if "chapter" in kinds:
        sections["chapter"] = _chapter(this)
        sections["citations"] = _citations(iri, labels)
    if "actor" in kinds:
        sections["actor"] = _actor(this)
    if "round" in kinds:
        sections["timeline"] = _timeline(this)
    variants = ld._variants(ld.local_path(iri))
    return render_template("resource.html", iri=iri, title=labels(iri), types=types, properties=properties,
                           fragments=fragments, referenced=referenced, pager=pager, sections=sections,
                           alternates=[(fmt.media_type, url) for fmt, url in variants.items() if fmt is not ld.HTML])


def _referenced_by(inverse: list[dict], labels: Labels) -> tuple[list[Property], dict]:
    links = sorted({(labels(r["p"].value), r["p"].value, labels(r["s"].value),
                     BLANK + r["s"].value if isinstance(r["s"], ox.BlankNode) else r["s"].value) for r in inverse},
                   key=lambda x: (x[0].lower(), x[2].lower()))
    pages_count = max(1, -(-len(links) // PAGE_SIZE))
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= pages_count:
        raise BadParameter(f"page={raw!r}: pages of 'referenced by' run from 1 to {pages_count}")
    number = int(raw)
    grouped: dict[str, Property] = {}
    for p_label, p, s_label, s in links[(number - 1) * PAGE_SIZE: number * PAGE_SIZE]:
        named = not s.startswith(BLANK)  # a blank node has no page of its own
        grouped.setdefault(p, Property(p, p_label)).values.append(
            Value(s_label if named else "(a blank node)", ld.href(s) if named else None, s if named else None))
    return list(grouped.values()), {"page": number, "pages": pages_count, "total": len(links)}


def _source(this: ox.NamedNode) -> list[dict]:
    return [{"href": ld.href(r["paragraph"].value), "number": r["number"].value if "number" in r else "",
             "text": r["text"].value if "text" in r else ""} for r in pages_queries.rows("source", this=this)]


def _citations(iri: str, labels: Labels) -> dict:
    rows = pages_queries.rows("citations")
    edges = {(r["citingDoc"].value, r["citedDoc"].value) for r in rows}
    for r in rows:
        for key, title in (("citingDoc", "citingDocTitle"), ("citedDoc", "citedDocTitle")):
            if title in r:
                labels.add(r[key].value, "http://purl.org/dc/terms/title", r[title])
    root = iri
    for r in rows:  # a chapter (a part of a document) is drawn as the document it belongs to
        if r["cited"].value == iri:
            root = r["citedDoc"].value
    forward, backward = _reach(root, edges), _reach(root, {(b, a) for a, b in edges})
    cites = [r for r in rows if r["citingDoc"].value in forward]
    cited_by = [r for r in rows if r["citedDoc"].value in backward]
    drawn = {(a, b) for a, b in edges if a in forward or b in backward}
    nodes = {root} | {n for edge in drawn for n in edge}
    picture = pictures.citation_network(
        [pictures.Node(n, labels(n), ld.href(n), n == root) for n in sorted(nodes)], sorted(drawn))
    return {"cites": [_citation_row(r, labels) for r in cites],
            "cited_by": [_citation_row(r, labels) for r in cited_by],
            "picture": Markup(picture), "nodes": len(nodes), "root": root}


def _reach(start: str, edges: set[tuple[str, str]]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        for a, b in edges:
            if a == node and b not in seen:
                seen.add(b)
                todo.append(b)
    return seen


def _citation_row(r: dict, labels: Labels) -> dict:
    cited_label = r["citedTitle"].value if "citedTitle" in r else labels(r["cited"].value)
    return {"citation": ld.href(r["citation"].value),
            "citing": Value(labels(r["citingDoc"].value), ld.href(r["citingDoc"].value)),
            "cited": Value(cited_label, ld.href(r["cited"].value)),
            "phrase": r["phrase"].value if "phrase" in r else "",
            "paragraph": Value(r["number"].value if "number" in r else "", ld.href(r["paragraph"].value))
            if "paragraph" in r else None}


def _text(row: dict, key: str) -> str:
    return row[key].value if key in row else ""


def _chapter(this: ox.NamedNode) -> list[dict]:
    meetings: dict[str, dict] = {}
    for r in pages_queries.rows("chapter", this=this):
        meeting = meetings.setdefault(r["meeting"].value, {
            "href": ld.href(r["meeting"].value), "name": _text(r, "meetingName"), "date": _text(r, "date"),
            "events": {}})
        event = meeting["events"].setdefault(r["event"].value, {
            "href": ld.href(r["event"].value), "name": _text(r, "eventName"), "seats": [], "statements": []})
        item = {"href": ld.href(r["item"].value), "text": _text(r, "itemText"), "number": _text(r, "number"),
                "agent": Value(_text(r, "agentLabel") or curie(r["agent"].value), ld.href(r["agent"].value))
                if "agent" in r else None, "role": curie(r["role"].value) if "role" in r else ""}
        event["seats" if r["section"].value == "seat" else "statements"].append(item)
    return list(meetings.values())


def _actor(this: ox.NamedNode) -> dict:
    seats, statements = [], []
    for r in pages_queries.rows("actor", this=this):
        if r["section"].value == "seat":
            seats.append({"href": ld.href(r["item"].value), "event": Value(_text(r, "eventName"), ld.href(r["event"].value)),
                          "agent": Value(_text(r, "agentLabel") or curie(r["agent"].value), ld.href(r["agent"].value)),
                          "role": _text(r, "roleLabel"), "text": _text(r, "text"), "number": _text(r, "number")})
        else:
            statements.append({"href": ld.href(r["item"].value), "how": _text(r, "how"), "text": _text(r, "text"),
                               "number": _text(r, "number")})
    return {"seats": seats, "statements": statements}


def _timeline(this: ox.NamedNode) -> dict:
    meetings = []
    for r in pages_queries.rows("timeline", this=this):
        try:
            day = date.fromisoformat(r["date"].value)
        except ValueError:
            continue  # a gYearMonth has no place on a day axis
        label = f"Ch. {r['number'].value}" if "number" in r else curie(r["meeting"].value)
        meetings.append(pictures.Meeting(r["meeting"].value, day, label,
                                         _text(r, "name") or label, ld.href(r["meeting"].value)))
    rows = [{"href": m.href, "date": m.day.isoformat(), "label": m.label, "title": m.title} for m in meetings]
    return {"picture": Markup(pictures.timeline(meetings)), "meetings": rows}


def ontology_page(iri: str) -> str:
    """The ontology's documentation: its header, then one section per term, anchored at the term's name."""
    this = ox.NamedNode(iri)
    labels = Labels()
    terms: dict[str, dict[str, list]] = {}
    for r in pages_queries.rows("ontology", this=this):
        terms.setdefault(r["term"].value, {}).setdefault(r["p"].value, []).append(r["o"])
        if isinstance(r["o"], ox.Literal):
            labels.add(r["term"].value, r["p"].value, r["o"])
    header = ld.describe(iri)
    labels.add_triples(header)
    groups = {"Classes": [], "Properties": [], "Individuals and concepts": []}
    owl = "http://www.w3.org/2002/07/owl#"
    for term, props in sorted(terms.items(), key=lambda kv: kv[0].lower()):
        kinds = {o.value for o in props.get(RDF_TYPE, [])}
        group = ("Classes" if owl + "Class" in kinds else
                 "Properties" if kinds & {owl + "ObjectProperty", owl + "DatatypeProperty",
                                          owl + "AnnotationProperty"} else "Individuals and concepts")
        rows = [Property(p, curie(p), [value(o, labels) for o in os]) for p, os in props.items()
                if p not in (RDFS + "label", SKOS + "prefLabel")]
        groups[group].append({"id": term.split("#", 1)[1], "iri": term, "label": labels(term), "rows": rows})
    _, about = _properties(iri, header, labels)
    return render_template("ontology.html", iri=iri, title=labels(iri), about=about, groups=groups,
                           config=current_app.config["SERVER"])
