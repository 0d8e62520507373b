"""`loader build` writes the search index beside the store: a tantivy index (BM25) of what people look for.

One document per resource under <base>id/ that has words: its own labels and alternative labels (the
source's name variants, abbreviations such as "EMCDDA"), its symbols and numbers ("60/1",
"S-30/1", "E/RES/2017/20"), and its text: a paragraph's words, a statement's or figure's
description, a seat's description, a citation's phrase. The labels the loader derives (loader/labels.py)
are left out: they repeat words indexed already (a title, a description) or, for a citation ("¶ 44 cites
A/RES/S-30/1"), another resource's symbol, which would then rank beside that resource. The server (server/search/) reads it
read-only for /search and for the SPARQL function; the schema below is the contract between them.

Fields: `iri` and `type` (raw, stored), `name` and `body` (English stemming, stored), `symbol`
(stored), `key` (raw, lower case: each whole name and symbol is one term, and a symbol's tails after
a slash, so that "S-30/1" finds "A/RES/S-30/1"; an exact match outranks words in a text), `paragraph`
(the IRI of the paragraph that states it, stored). https://docs.rs/tantivy (the Python bindings: tantivy on PyPI).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import tantivy

from loader.labels import DERIVED

BASE = "https://w3id.org/ungass-kg/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
NAMES = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
         "http://www.w3.org/2004/02/skos/core#altLabel", "http://purl.org/dc/terms/title",
         "http://purl.org/dc/terms/alternative", "https://schema.org/name", "http://xmlns.com/foaf/0.1/name",
         "https://schema.org/alternateName")
SYMBOLS = ("http://data.europa.eu/eli/ontology#number", "http://purl.org/dc/terms/identifier",
           "http://www.w3.org/2004/02/skos/core#notation")
BODIES = ("https://schema.org/text", "http://purl.org/dc/terms/description", "https://w3id.org/ungass-kg/ont#seatDescription",
          "https://w3id.org/ungass-kg/ont#citationPhrase", "https://w3id.org/ungass-kg/ont#quantifierText")
STATED_IN = "https://w3id.org/ungass-kg/ont#statedIn"
WANTED = {*NAMES, *SYMBOLS, *BODIES, STATED_IN, RDF_TYPE}
DERIVED_GRAPH = ox.NamedNode(DERIVED)


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("iri", stored=True, tokenizer_name="raw")
    builder.add_text_field("type", stored=True, tokenizer_name="raw")
    builder.add_text_field("name", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("symbol", stored=True, tokenizer_name="raw")
    builder.add_text_field("key", stored=False, tokenizer_name="raw")
    builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("paragraph", stored=True, tokenizer_name="raw")
    return builder.build()


def write(dataset: ox.Store, folder: Path) -> int:
    """Index the resources of `dataset` into `folder` (made afresh); the number of documents indexed."""
    resources: dict[str, dict[str, list[str]]] = {}
    for quad in dataset.quads_for_pattern(None, None, None, None):
        subject, predicate = quad.subject, quad.predicate.value
        if not isinstance(subject, ox.NamedNode) or not subject.value.startswith(BASE) or predicate not in WANTED:
            continue
        if quad.graph_name == DERIVED_GRAPH:
            continue
        field = ("type" if predicate == RDF_TYPE else "paragraph" if predicate == STATED_IN else
                 "name" if predicate in NAMES else "symbol" if predicate in SYMBOLS else "body")
        resources.setdefault(subject.value, {}).setdefault(field, []).append(quad.object.value)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    index = tantivy.Index(schema(), path=str(folder))
    writer = index.writer(heap_size=50_000_000, num_threads=1)
    count = 0
    for iri, fields in sorted(resources.items()):
        if not (fields.get("name") or fields.get("body") or fields.get("symbol")):
            continue
        symbols = sorted(set(fields.get("symbol", ())))
        if "paragraph" not in fields and iri.rsplit("/", 2)[-2] == "para":
            fields["paragraph"] = [iri]  # a paragraph is its own
        writer.add_document(tantivy.Document(
            iri=[iri], type=sorted(set(fields.get("type", ()))), name=sorted(set(fields.get("name", ()))),
            symbol=symbols, key=keys(fields), body=sorted(set(fields.get("body", ()))), paragraph=sorted(set(fields.get("paragraph", ())))))
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    return count


def keys(fields: dict[str, list[str]]) -> list[str]:
    """The whole names and symbols of a resource, in lower case, and each symbol's tails after a slash."""
    found = {" ".join(name.lower().split()) for name in fields.get("name", ())}
    for symbol in fields.get("symbol", ()):
        parts = symbol.lower().split("/")
        found |= {"/".join(parts[start:]) for start in range(len(parts)) if len(parts) - start >= 2}
        found.add(symbol.lower())
    return sorted(found)
