"""The HTML pages of resources and of the ontology: what each page shows, gathered from queries/pages/*.rq.

Every page shows the resource's label as title, its types, every property with labels and links, and
what links to it ("referenced by", paged). Some kinds get more (the `kind` rows of queries/pages/page.rq):
a curated fact its source paragraphs, a chapter its meeting, panel and statements, a document its
citation network (with a picture), an actor its seats and statements, a round its timeline (picture).

One query (page.rq) brings every row a page shows, labels included; a special kind adds its section's
query (server.pages.sections). Each query costs a round trip to a query worker, Oxigraph's parsing and
planning (0.1-0.5 ms, growing with the query's size) and its evaluation (rows times patterns): hence few
queries, each starting from the resource, and rows read once, as named tuples, before the template runs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import current_app, render_template, request

from server.errors import BadParameter
from server.pages import queries as pages_queries
from server.pages import sections as pages_sections
from server.pages.names import natural
from server.pages.terms import Labels, Links, Value, number_key, text_of, value

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
PAGE_SIZE = 50  # "referenced by" rows per page


@dataclass
class Property:
    iri: str
    label: str
    href: str
    values: list[Value] = field(default_factory=list)


def properties(pairs, labels: Labels) -> tuple[list[Value], list[Property]]:
    """The types and the other properties of (predicate IRI, object term) pairs, sorted for reading."""
    types, grouped = [], {}
    for p, o in pairs:
        if p == RDF_TYPE:
            types.append(value(o, labels))
        else:
            grouped.setdefault(p, []).append(value(o, labels))
    names = labels.names
    props = [Property(p, labels(p), labels.links.href(p),
                      sorted(vs, key=lambda v: names.sort_key(v.iri) if v.iri else (2, 0, natural(v.text))))
             for p, vs in grouped.items()]
    return sorted(types, key=lambda v: v.text), sorted(props, key=lambda p: p.label.lower())


def resource_page(iri: str, alternates: list[tuple[str, str]], described: list[ox.Triple] | None = None) -> str | None:
    """The page of `iri`, or None when no triple names it.

    `described` is a hash document's description (queries/pages/describe-document.rq): the page also
    shows each `<iri#name>` resource in it, as a section of its own.
    """
    this = ox.NamedNode(iri)
    links = Links()
    labels = Labels(links)
    out: dict[tuple[str, object], None] = {}  # (predicate, object), once each, in the query's order
    inbound: dict[tuple[str, object], None] = {}
    kinds, source = set(), []
    for row in pages_queries.rows("page", this=this):
        section, p, o = row.section.value, row.p, row.o
        if section == "out" or section == "in":
            (out if section == "out" else inbound)[(p.value, o)] = None
            if row.plabel is not None:
                labels.add(p.value, row.plp.value, row.plabel)
            if row.label is not None:
                labels.add(o.value, row.lp.value, row.label)
            if section == "out" and isinstance(o, ox.Literal):
                labels.add(iri, p.value, o)
        elif section == "kind":
            kinds.add(o.value)
        else:
            source.append((number_key(row.position), o.value, row.number, row.text))
    if not out and not inbound:
        return None
    types, props = properties(out, labels)
    fragments = _fragments(iri, described, labels) if described else []
    referenced, pager = _referenced_by(inbound, labels)
    sections = {"source": [{"href": links.href(paragraph), "number": text_of(number), "text": text_of(text)}
                           for _, paragraph, number, text in sorted(source, key=lambda s: s[:2])],
                **pages_sections.for_kinds(kinds, this, labels)}
    return render_template("resource.html", iri=iri, title=labels(iri), types=types, properties=props,
                           fragments=fragments, referenced=referenced, pager=pager, sections=sections,
                           alternates=alternates)


def _fragments(iri: str, described: list[ox.Triple], labels: Labels) -> list[dict]:
    """The `<iri#name>` resources of a hash document, with labels for what they use (one more query)."""
    labels.add_triples(described)
    named = {t.predicate.value for t in described}
    named |= {t.object.value for t in described if t.predicate.value == RDF_TYPE}
    for row in pages_queries.rows("labels", term=[ox.NamedNode(i) for i in sorted(named)]):
        labels.add(row.term.value, row.lp.value, row.label)
    by_subject: dict[str, dict] = {}  # (predicate, object) once each: a CONSTRUCT may repeat a triple
    for t in described:
        if t.subject.value.startswith(iri + "#"):
            by_subject.setdefault(t.subject.value, {})[(t.predicate.value, t.object)] = None
    fragments = []
    for subject in sorted(by_subject):
        sub_types, sub_props = properties(by_subject[subject], labels)
        fragments.append({"id": subject.split("#", 1)[1], "iri": subject, "label": labels(subject),
                          "types": sub_types, "properties": sub_props})
    return fragments


def _referenced_by(inbound, labels: Labels) -> tuple[list[Property], dict]:
    names = labels.names
    links = sorted([(labels(p), p, labels(s.value) if isinstance(s, ox.NamedNode) else "", s) for p, s in inbound],
                   key=lambda x: (x[0].lower(), names.sort_key(x[3].value), x[3].value))
    pages_count = max(1, -(-len(links) // PAGE_SIZE))
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= pages_count:
        raise BadParameter(f"page={raw!r}: pages of 'referenced by' run from 1 to {pages_count}")
    number = int(raw)
    grouped: dict[str, Property] = {}
    for p_label, p, s_label, s in links[(number - 1) * PAGE_SIZE: number * PAGE_SIZE]:
        if isinstance(s, ox.NamedNode):
            shown = Value(s_label, labels.links.href(s.value), s.value)
        else:  # a blank node has no page of its own
            shown = Value("(a blank node)")
        grouped.setdefault(p, Property(p, p_label, labels.links.href(p))).values.append(shown)
    return list(grouped.values()), {"page": number, "pages": pages_count, "total": len(links)}


def ontology_page(iri: str, header: list[ox.Triple]) -> str:
    """The ontology's documentation: its header (`header`, its description), then one section per term."""
    links = Links()
    labels = Labels(links)
    terms: dict[str, dict[str, list]] = {}
    for r in pages_queries.rows("ontology", this=ox.NamedNode(iri)):
        term, p, o = r.term.value, r.p.value, r.o
        terms.setdefault(term, {}).setdefault(p, []).append(o)
        if isinstance(o, ox.Literal):
            labels.add(term, p, o)
    labels.add_triples(header)
    groups = {"Classes": [], "Properties": [], "Individuals and concepts": []}
    owl = "http://www.w3.org/2002/07/owl#"
    for term, props in sorted(terms.items(), key=lambda kv: kv[0].lower()):
        kinds = {o.value for o in props.get(RDF_TYPE, [])}
        group = ("Classes" if owl + "Class" in kinds else
                 "Properties" if kinds & {owl + "ObjectProperty", owl + "DatatypeProperty",
                                          owl + "AnnotationProperty"} else "Individuals and concepts")
        rows = [Property(p, links.curie(p), links.href(p), [value(o, labels) for o in os])
                for p, os in props.items() if p not in (RDFS + "label", SKOS + "prefLabel")]
        groups[group].append({"id": term.split("#", 1)[1], "iri": term, "label": labels(term), "rows": rows})
    _, about = properties(((t.predicate.value, t.object) for t in header if t.subject.value == iri), labels)
    return render_template("ontology.html", iri=iri, title=labels(iri), about=about, groups=groups,
                           config=current_app.config["SERVER"])
