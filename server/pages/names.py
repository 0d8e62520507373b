"""What a person reads for a resource: the data's own label, and the few names the data cannot say.

The data names every resource of the dataset with exactly one English rdfs:label (data/README.md, "One
naming rule": the loader derives the meaningful ones, "¶ 52 · Many delegations underscored…", "Seat:
expert panellist from Nigeria (Panel discussion on Chapter III)", "¶ 44 cites Chapter III"). The site
shows that label, never derives its own for the dataset's resources. It falls back, best first, on
skos:prefLabel, dcterms:title, schema:name, foaf:name, English (or no language) before other languages.
What the data cannot say is named here:
  outcome chapter     "Chapter III — title"  (the chapter's number before its label, for lists and headings)
  named graph         "Graph actors/organizations"
  release file        "Release file ungass-kg.nq (application/n-quads)"
  short names         "Chapter III", "¶ 44", a document's symbol ("A/RES/S-30/1"), for compact lists
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

    def __call__(self, iri: str) -> Name | None:
        """The display name of `iri`, or None when the graph says nothing that names it."""
        if iri not in self._cache:
            self._cache[iri] = self._name(iri)
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

    def _name(self, iri: str) -> Name | None:
        types = self._types(iri)
        own = self.label(iri)
        number = self._first(iri, ELI + "number") if UKG + "OutcomeChapter" in types else ""
        if number and not (own or "").startswith(f"Chapter {number}"):  # its label is its title: the number first
            return Name(f"Chapter {number} — {own}" if own else f"Chapter {number}", own.lang if own else "")
        if own is not None:
            return own
        return self._derived(iri, types)

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
            return f"footnote {self._first(iri, SKOS + 'notation') or number}"
        symbol = self.symbol(iri)
        if symbol:
            return symbol
        name = self._name(iri)
        return shorten(name, 40) if name else ""

    def _derived(self, iri: str, types: set[str]) -> Name | None:
        """A name for what the data does not label: a named graph, a release file."""
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
