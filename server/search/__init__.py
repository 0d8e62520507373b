"""Ranked search over the loader's tantivy index (BM25, https://docs.rs/tantivy), for /search and inside SPARQL.

The index is written by `loader build` beside the store (loader/search.py: the fields are the contract).
A query is tantivy's own ranking, nothing hand-made: the words of the query against the resources'
names (boosted) and texts, with English stemming, OR'ed, plus an exact match of the whole query
against a resource's whole name or symbol ("60/1", "S-30/1", "EMCDDA"), which outranks words in a
text. Hits are ordered by score, then IRI, so that the order is the same everywhere.

Inside SPARQL (embedded backend), the function `<https://w3id.org/ungass-kg/fn#score>(?resource, "query")`
returns the resource's score for the query as an xsd:double, or no value (an error, hence unbound)
when the resource is not a hit; `ORDER BY DESC(?score) ?resource` gives /search's order:

    PREFIX fn: <https://w3id.org/ungass-kg/fn#>
    SELECT ?s ?score WHERE { ?s a ?type BIND(fn:score(?s, "naloxone") AS ?score) FILTER(BOUND(?score)) }
    ORDER BY DESC(?score) ?s

It is a pyoxigraph custom function (Store.query's `custom_functions`); the remote backend refuses a
query that calls it (a 400 naming it), since no other engine knows it.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import tantivy

FN = "https://w3id.org/ungass-kg/fn#"
SCORE = FN + "score"
MAX_QUERY = 400  # characters of a search query
BOOSTS = {"name": 3.0, "body": 1.0}
EXACT_BOOST = 8.0
ALL = 100_000  # hits asked for when every hit counts (the SPARQL function)


@dataclass(frozen=True)
class Hit:
    iri: str
    score: float
    types: tuple[str, ...]
    paragraphs: tuple[str, ...]
    symbols: tuple[str, ...]
    snippet: str  # HTML: the matching words in <mark>, the rest escaped (tantivy's snippet)
    text: str  # the start of the resource's text, where no words of it match


class SearchIndex:
    """The tantivy index of one build, opened read-only."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.index = tantivy.Index.open(str(folder))
        self.schema = self.index.schema
        self._scores: OrderedDict[str, dict[str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def query(self, text: str) -> tantivy.Query:
        words, _errors = self.index.parse_query_lenient(text, list(BOOSTS), field_boosts=BOOSTS)
        exact = " ".join(text.lower().split())
        return tantivy.Query.boolean_query([
            (tantivy.Occur.Should, words),
            (tantivy.Occur.Should, tantivy.Query.boost_query(
                tantivy.Query.term_query(self.schema, "key", exact), EXACT_BOOST)),
        ])

    def search(self, text: str, limit: int = 50, offset: int = 0) -> tuple[list[Hit], int]:
        """The hits for `text`, best first (then by IRI), from `offset`; and how many there are in all."""
        text = text.strip()[:MAX_QUERY]
        if not text:
            return [], 0
        searcher = self.index.searcher()
        query = self.query(text)
        found = searcher.search(query, ALL).hits
        docs = sorted(((score, searcher.doc(address)) for score, address in found),
                      key=lambda pair: (-pair[0], pair[1]["iri"][0]))
        snippets = tantivy.SnippetGenerator.create(searcher, query, self.schema, "body")
        snippets.set_max_num_chars(240)
        hits = []
        for score, doc in docs[offset: offset + limit]:
            snippet = snippets.snippet_from_doc(doc)
            html = snippet.to_html().replace("<b>", "<mark>").replace("</b>", "</mark>") if snippet.highlighted() else ""
            fields = doc.to_dict()
            bodies = fields.get("body", [])
            hits.append(Hit(doc["iri"][0], score, tuple(fields.get("type", ())), tuple(fields.get("paragraph", ())),
                            tuple(fields.get("symbol", ())), html, bodies[0] if bodies else ""))
        return hits, len(docs)

    def scores(self, text: str) -> dict[str, float]:
        """Every hit's score for `text` (kept for the last queries: a SPARQL query asks once per row)."""
        with self._lock:
            found = self._scores.get(text)
            if found is not None:
                self._scores.move_to_end(text)
                return found
        searcher = self.index.searcher()
        found = {searcher.doc(address)["iri"][0]: score
                 for score, address in searcher.search(self.query(text.strip()[:MAX_QUERY]), ALL).hits}
        with self._lock:
            self._scores[text] = found
            while len(self._scores) > 64:
                self._scores.popitem(last=False)
        return found


def open_index(folder: Path) -> SearchIndex | None:
    """The build's index, or None when the build has none (a store built before the index existed)."""
    return SearchIndex(folder) if (folder / "meta.json").is_file() else None


def functions(index: SearchIndex | None) -> dict[ox.NamedNode, object]:
    """The SPARQL functions of the index, for pyoxigraph's `custom_functions` (none without an index)."""
    if index is None:
        return {}

    def score(resource, query):
        if not isinstance(resource, ox.NamedNode) or not isinstance(query, ox.Literal):
            return None
        found = index.scores(query.value).get(resource.value)
        return ox.Literal(found) if found is not None else None

    return {ox.NamedNode(SCORE): score}


def uses_functions(query_text: str) -> str | None:
    """The function of ours a query calls (by its IRI or the `fn:` namespace), for a backend that cannot run it."""
    return SCORE if FN in query_text else None
