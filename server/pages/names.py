"""The one naming rule of the site: what a person reads for a resource (its label, or a label derived from its facts).

A resource is named by its own label, best first: rdfs:label, skos:prefLabel, dcterms:title,
schema:name, foaf:name, English (or no language) before other languages. A chapter of the outcome
document reads "Chapter III — title". Resources that have no name of their own get a short derived
label from their facts, never their IRI's slug:
  statement, figure   "¶ 52 · Many delegations underscored the need to…"  (source paragraph · words)
  panel seat          "Seat: expert panellist from Nigeria (Panel discussion on Chapter III)"
  citation            "¶ 44 cites Chapter III"
  paragraph           "¶ 23 · Delegations noted that…"
  footnote, intro     "Footnote * · E/CN.7/2018/1."  "Introduction · Provided below are…"
  named graph         "Graph actors/organizations"
  release file        "Release file ungass-kg.nq (application/n-quads)"
An IRI outside the dataset with no label keeps its prefixed name (`cito:hasCitedEntity`), which is
what a reader of RDF recognises. The facts come from one query per build (queries/pages/names.rq),
kept by the app: the store does not change under a build.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import pyoxigraph as ox
from flask import current_app

from server.pages import queries as pages_queries

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
UKG = "https://w3id.org/ungass-kg/ont#"
ELI = "http://data.europa.eu/eli/ontology#"
PROV = "http://www.w3.org/ns/prov#"
CITO = "http://purl.org/spar/cito/"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
# The label predicates, best first (the naming rule shared with issue #14's curation: one rdfs:label).
LABELS = (RDFS + "label", SKOS + "prefLabel", DCTERMS + "title", SCHEMA + "name", FOAF + "name")
RANK = {predicate: rank for rank, predicate in enumerate(LABELS)}
WORDS = 60  # characters of a derived label's words, at most
RTL = {"ar", "he", "fa", "ur"}


class Name(str):
    """A display name: a string that knows its language ("" for English or none), for `lang`/`dir` in HTML."""

    lang: str = ""

    def __new__(cls, text: str, lang: str | None = None) -> Name:
        name = super().__new__(cls, text)
        name.lang = "" if not lang or lang.lower().startswith("en") else lang
        return name

    @property
    def dir(self) -> str:
        return "rtl" if self.lang.split("-")[0].lower() in RTL else ""

    def attributes(self) -> str:
        """` lang="ar" dir="rtl"` for an element holding this name ("" for English)."""
        if not self.lang:
            return ""
        return f' lang="{self.lang}"' + (f' dir="{self.dir}"' if self.dir else "")


def shorten(text: str, most: int = WORDS) -> str:
    """The first words of `text`, cut at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= most:
        return text
    cut = text[:most].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"


ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman(text: str) -> int | None:
    """The value of a Roman numeral ("III" -> 3), or None when `text` is not one."""
    text = text.strip().upper()
    if not text or any(c not in ROMAN for c in text):
        return None
    total = 0
    for c, after in zip(text, text[1:] + " "):
        value = ROMAN[c]
        total += -value if after != " " and ROMAN[after] > value else value
    return total


def natural(text: str) -> tuple:
    """A sort key that reads numbers as numbers ("¶ 9" before "¶ 10"), case-insensitive."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
                 for part in re.split(r"(\d+)", text) if part)


@dataclass
class Facts:
    """What names.rq says about one resource."""

    labels: list[tuple[int, int, str, str]]  # (rank, language rank, text, language)
    values: dict[str, list]  # predicate -> terms (other than labels)


class Names:
    """The display names of one build's resources."""

    def __init__(self, triples) -> None:
        self.facts: dict[str, Facts] = {}
        self.owner: dict[str, str] = {}  # a seat -> the event it belongs to (prov:qualifiedAssociation)
        self._cache: dict[str, Name | None] = {}
        for s, p, o in triples:
            facts = self.facts.get(s)
            if facts is None:
                facts = self.facts[s] = Facts([], {})
            rank = RANK.get(p)
            if rank is not None and isinstance(o, ox.Literal):
                lang = o.language or ""
                facts.labels.append((rank, 0 if lang in ("", "en") or lang.startswith("en-") else 1, o.value, lang))
            else:
                facts.values.setdefault(p, []).append(o)
            if p == PROV + "qualifiedAssociation" and isinstance(o, ox.NamedNode):
                self.owner[o.value] = s

    def __call__(self, iri: str) -> Name | None:
        """The display name of `iri`, or None when the graph says nothing that names it."""
        if iri not in self._cache:
            self._cache[iri] = self._name(iri, 0)
        return self._cache[iri]

    def sort_key(self, iri: str) -> tuple:
        """Where `iri` goes in a list sorted by name: chapters by their number (I…VII), else by name, numbers as numbers."""
        number = self._first(iri, ELI + "number")
        if number and UKG + "OutcomeChapter" in self._types(iri) and roman(number) is not None:
            return (0, roman(number), ())
        return (1, 0, natural(self(iri) or iri))

    def _first(self, iri: str, predicate: str) -> str:
        facts = self.facts.get(iri)
        values = facts.values.get(predicate) if facts else None
        return min(v.value for v in values) if values else ""

    def _types(self, iri: str) -> set[str]:
        facts = self.facts.get(iri)
        return {t.value for t in facts.values.get(RDF + "type", ())} if facts else set()

    def label(self, iri: str) -> Name | None:
        """Its own best label, by the rule's order, English first."""
        facts = self.facts.get(iri)
        if not facts or not facts.labels:
            return None
        rank, _, text, lang = min(facts.labels)
        return Name(text, lang)

    def _name(self, iri: str, depth: int) -> Name | None:
        types = self._types(iri)
        own = self.label(iri)
        facts = self.facts.get(iri)
        own_rank = min(facts.labels)[0] if facts and facts.labels else None
        if UKG + "OutcomeChapter" in types and (own_rank is None or own_rank >= RANK[DCTERMS + "title"]):
            number = self._first(iri, ELI + "number")
            if number:
                return Name(f"Chapter {number} — {own}" if own else f"Chapter {number}", own.lang if own else "")
        if own is not None:
            return own
        if depth > 2:
            return None
        return self._derived(iri, types, depth)

    def _paragraph(self, iri: str) -> str:
        """The number of the paragraph that states `iri` (its lowest, when several)."""
        numbers = [self._first(p.value, ELI + "number") for p in self.facts[iri].values.get(UKG + "statedIn", ())]
        numbers = [n for n in numbers if n]
        return min(numbers, key=lambda n: (len(n), n)) if numbers else ""

    def symbol(self, iri: str) -> str:
        """A document's symbol ("A/RES/S-30/1") or its number in a series ("CND resolution 60/1"), else ""."""
        symbol = self._first(iri, DCTERMS + "identifier")
        if symbol:
            return symbol
        types = self._types(iri)
        number = self._first(iri, ELI + "number")
        if not number or types & {UKG + "OutcomeChapter", UKG + "SummaryParagraph", UKG + "Footnote", UKG + "Introduction"}:
            return ""
        kinds = sorted(str(self.label(t) or "") for t in types if t.startswith(UKG))
        return f"{kinds[0]} {number}".strip() if kinds and kinds[0] else number

    def short(self, iri: str) -> str:
        """A short name: a chapter's "Chapter III", a document's symbol or number, else its name cut short."""
        types = self._types(iri)
        number = self._first(iri, ELI + "number")
        if UKG + "OutcomeChapter" in types and number:
            return f"Chapter {number}"
        if UKG + "SummaryParagraph" in types and number:
            return f"¶ {number}"
        if UKG + "Introduction" in types:
            return "the introduction"
        if UKG + "Footnote" in types:
            return f"footnote {number}"
        symbol = self.symbol(iri)
        if symbol:
            return symbol
        name = self._name(iri, 1)
        return shorten(name, 40) if name else ""

    def _derived(self, iri: str, types: set[str], depth: int) -> Name | None:
        facts = self.facts.get(iri)
        if facts is None:
            return None
        number = self._first(iri, ELI + "number")
        if UKG + "SummaryParagraph" in types:
            return Name(f"¶ {number} · {shorten(self._first(iri, SCHEMA + 'text'))}")
        if UKG + "Footnote" in types:
            return Name(f"Footnote {number} · {shorten(self._first(iri, SCHEMA + 'text'))}")
        if UKG + "Introduction" in types:
            return Name(f"Introduction · {shorten(self._first(iri, SCHEMA + 'text'))}")
        paragraph = self._paragraph(iri)
        at = f"¶ {paragraph} · " if paragraph else ""
        if UKG + "Participation" in types:
            words = self._first(iri, UKG + "seatDescription")
            if not words:
                agent = self._first(iri, PROV + "agent")
                words = str(self._name(agent, depth + 1) or "") if agent else ""
            event = self.owner.get(iri)
            event_name = self._name(event, depth + 1) if event else None
            return Name(f"Seat: {shorten(words) or 'a seat'}" + (f" ({event_name})" if event_name else ""))
        if CITO + "Citation" in types:
            citing, cited = self._first(iri, CITO + "hasCitingEntity"), self._first(iri, CITO + "hasCitedEntity")
            where = self.short(citing) if citing else (f"¶ {paragraph}" if paragraph else "A citation")
            where = where[:1].upper() + where[1:]
            return Name(f"{where} cites {self.short(cited) or 'a document'}" if cited else where)
        description = self._first(iri, DCTERMS + "description")
        if description:
            return Name(at + shorten(description))
        if VOID + "Dataset" in types and "/graph/" in iri:
            return Name("Graph " + iri.split("/graph/", 1)[1])
        download = self._first(iri, DCAT + "downloadURL")
        if download:
            media = self._first(iri, DCAT + "mediaType")
            return Name(f"Release file {download.rsplit('/', 1)[-1]}" + (f" ({media})" if media else ""))
        return None


_lock = threading.Lock()


def current() -> Names:
    """The names of the build being served (one query the first time a build is named, then kept)."""
    backend = current_app.extensions["backend"]
    version = backend.describe().version
    kept = current_app.extensions.get("names")
    if kept is not None and kept[0] == version:
        return kept[1]
    with _lock:
        kept = current_app.extensions.get("names")
        if kept is None or kept[0] != version:
            rows = pages_queries.rows("names")
            names = Names((r.s.value, r.p.value, r.o) for r in rows if isinstance(r.s, ox.NamedNode))
            kept = current_app.extensions["names"] = (version, names)
    return kept[1]
