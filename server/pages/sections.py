"""The sections a resource's page adds for its kind: an actor's seats and statements, a chapter's meeting,
a round's timeline, a document's citation network (queries/pages/*.rq, pictures by server.pages.pictures).

Each section is one query (an actor's, two), asked only when queries/pages/page.rq says the resource is
of that kind. The queries leave the order to this module: sorting IRIs in the engine costs a string
lookup per comparison, here it is a comparison of Python strings.
"""
from __future__ import annotations

from datetime import date
from typing import NamedTuple

import pyoxigraph as ox
from markupsafe import Markup

from server.pages import pictures
from server.pages import queries as pages_queries
from server.pages.terms import Labels, Value, number_key, text_of

PROV_ATTRIBUTED = "http://www.w3.org/ns/prov#wasAttributedTo"
DCTERMS_TITLE = "http://purl.org/dc/terms/title"
PART_OF_DEPTH = 64  # eli:is_part_of links followed up from a unit at most (a cycle in the data ends there)


# The rows of the sections' lists. Named tuples, not dicts: the template reads an attribute of a tuple
# at once, where Jinja tries getattr on a dict, fails, then indexes it (three times slower a value).
class Seat(NamedTuple):
    href: str
    text: str
    number: str  # of the source paragraph
    agent: Value | None
    role: str
    event: Value | None = None  # on an actor's page, which lists seats of many events


class Statement(NamedTuple):
    href: str
    text: str
    number: str  # of the source paragraph
    how: str = ""  # on an actor's page: "by" (attributed to it) or "mentions"


class Citation(NamedTuple):
    citation: str  # the citation's link
    citing: Value  # the whole document
    cited: Value  # the unit cited (a document or a part of one)
    phrase: str
    paragraph: Value | None  # the paragraph that states the citation


def for_kinds(kinds: set[str], this: ox.NamedNode, labels: Labels) -> dict:
    """The sections of a resource of these kinds (the `kind` rows of page.rq), by the template's names."""
    sections = {}
    if "document" in kinds or "chapter" in kinds:
        sections["citations"] = citations(this.value, labels, only_this="chapter" in kinds)
    if "chapter" in kinds:
        sections["chapter"] = chapter(this, labels)
    if "event" in kinds:
        sections["event"] = event(this, labels)
    if "actor" in kinds:
        sections["actor"] = actor(this, labels)
    if "round" in kinds:
        sections["timeline"] = timeline(this, labels)
    return sections


def _agent(r, labels: Labels) -> Value | None:
    return Value(labels(r.agent.value), labels.links.href(r.agent.value), r.agent.value) if r.agent is not None else None


def _role(r, labels: Labels) -> str:
    return labels(r.role.value) if getattr(r, "role", None) is not None else text_of(getattr(r, "roleLabel", None))


def actor(this: ox.NamedNode, labels: Labels) -> dict:
    """Its seats at panels and debates, by the event's date, and the statements that name it, by paragraph."""
    links = labels.links
    seats = []
    for r in sorted(pages_queries.rows("actor-seats", this=this),
                    key=lambda r: (text_of(r.date), r.event.value, r.item.value)):
        seats.append(Seat(links.href(r.item.value), text_of(r.text), text_of(r.number), _agent(r, labels),
                          _role(r, labels), Value(labels(r.event.value), links.href(r.event.value))))
    statements = [Statement(links.href(r.item.value), text_of(r.text), text_of(r.number),
                            "by" if r.how.value == PROV_ATTRIBUTED else "mentions")
                  for r in sorted(pages_queries.rows("actor-statements", this=this),
                                  key=lambda r: (number_key(r.position), r.item.value, r.how.value))]
    return {"seats": seats, "statements": statements}


PANEL = "https://w3id.org/ungass-kg/ont#PanelDiscussion"


def _events(rows, labels: Labels) -> dict[str, dict]:
    """The rows of chapter.rq or event.rq by event: the panel first, its seats, then statements by paragraph."""
    links = labels.links
    events: dict[str, dict] = {}
    for r in sorted(rows, key=lambda r: (r.eventType.value != PANEL, r.event.value, r.section.value,
                                         number_key(r.position), r.item.value)):
        found = events.setdefault(r.event.value, {
            "href": links.href(r.event.value), "name": labels(r.event.value), "panel": r.eventType.value == PANEL,
            "seats": [], "statements": []})
        href, text, number = links.href(r.item.value), text_of(r.itemText), text_of(r.number)
        if r.section.value == "seat":
            found["seats"].append(Seat(href, text, number, _agent(r, labels), _role(r, labels)))
        else:
            found["statements"].append(Statement(href, text, number))
    return events


def chapter(this: ox.NamedNode, labels: Labels) -> list[dict]:
    """The meeting that discussed the chapter, its panel (who sat on it) and debate, their statements."""
    meetings: dict[str, dict] = {}
    rows = pages_queries.rows("chapter", this=this)
    for r in rows:
        meetings.setdefault(r.meeting.value, {"href": labels.links.href(r.meeting.value),
                                              "name": labels(r.meeting.value), "rows": []})["rows"].append(r)
    return [{"href": m["href"], "name": m["name"], "events": _events(m["rows"], labels)} for m in meetings.values()]


def event(this: ox.NamedNode, labels: Labels) -> dict | None:
    """A panel's or debate's seats (who sat there, in their own words) and the statements made there."""
    events = _events(pages_queries.rows("event", this=this), labels)
    return events.get(this.value)


def timeline(this: ox.NamedNode, labels: Labels) -> dict:
    """The round's meetings on a time axis (a picture) and as a list, in date order."""
    links = labels.links
    meetings = []
    for r in pages_queries.rows("timeline", this=this):
        try:
            day = date.fromisoformat(r.date.value)
        except ValueError:
            continue  # a gYearMonth has no place on a day axis
        label = f"Ch. {r.number.value}" if r.number is not None else labels.short(r.meeting.value)
        meetings.append(pictures.Meeting(r.meeting.value, day, label, labels(r.meeting.value),
                                         links.href(r.meeting.value)))
    rows = [{"href": m.href, "date": m.day.isoformat(), "label": m.label, "title": m.title} for m in meetings]
    return {"picture": Markup(pictures.timeline(meetings)), "meetings": rows}


def citations(iri: str, labels: Labels, only_this: bool = False) -> dict:
    """What the document cites and what cites it, transitively, between whole documents, and its picture.

    A unit (a paragraph, a chapter) stands for the whole document it is part of in the picture; the
    page of a unit (`only_this`: a chapter) lists only the citations of that unit itself.
    """
    links = labels.links
    found, parent, titles = [], {}, {}
    for r in pages_queries.rows("citations"):
        if r.citation is not None:
            found.append(r)
        elif r.part is not None:
            parent[r.part.value] = r.whole.value
        else:
            titles[r.titled.value] = r.title

    def whole(unit: str) -> str:
        for _ in range(PART_OF_DEPTH):
            if unit not in parent:
                break
            unit = parent[unit]
        return unit

    rows = sorted(((r.citation.value, whole(r.citing.value), r.cited.value, whole(r.cited.value), r)
                   for r in found), key=lambda row: row[0])
    for _, citing_doc, _, cited_doc, _ in rows:
        for doc in (citing_doc, cited_doc):
            if doc in titles:
                labels.add(doc, DCTERMS_TITLE, titles[doc])
    root = whole(iri)
    edges = {(citing_doc, cited_doc) for _, citing_doc, _, cited_doc, _ in rows}
    forward, backward = _reach(root, edges), _reach(root, {(b, a) for a, b in edges})
    drawn = {(a, b) for a, b in edges if a in forward or b in backward}
    nodes = {root} | {n for edge in drawn for n in edge}
    picture = pictures.citation_network(
        [pictures.Node(n, labels(n), links.href(n), n == root, labels.names.symbol(n)) for n in sorted(nodes)],
        sorted(drawn))

    def shown(citation: str, citing_doc: str, cited: str, r) -> Citation:
        paragraph = Value(text_of(r.number), links.href(r.paragraph.value)) if r.paragraph is not None else None
        cited_value = Value(labels(cited), links.href(cited))
        return Citation(links.href(citation), Value(labels(citing_doc), links.href(citing_doc)), cited_value,
                        text_of(r.phrase), paragraph)

    if only_this:
        return {"cites": [shown(c, a, cited, r) for c, a, cited, _, r in rows if r.citing.value == iri],
                "cited_by": [shown(c, a, cited, r) for c, a, cited, _, r in rows if cited == iri],
                "picture": Markup(picture), "nodes": len(nodes), "root": root, "unit": True}
    return {"cites": [shown(c, a, cited, r) for c, a, cited, _, r in rows if a in forward],
            "cited_by": [shown(c, a, cited, r) for c, a, cited, b, r in rows if b in backward],
            "picture": Markup(picture), "nodes": len(nodes), "root": root, "unit": False}


def _reach(start: str, edges: set[tuple[str, str]]) -> set[str]:
    after: dict[str, list[str]] = {}
    for a, b in edges:
        after.setdefault(a, []).append(b)
    seen, todo = {start}, [start]
    while todo:
        for b in after.get(todo.pop(), ()):
            if b not in seen:
                seen.add(b)
                todo.append(b)
    return seen
