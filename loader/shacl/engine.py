"""Validation (https://www.w3.org/TR/shacl/#validation): shapes → SPARQL queries → validation results.

For every targeted shape, and every property shape under it, a few queries ask for the violating
(focus node, value) pairs of all focus nodes at once; only violations travel back to Python. The
queries are planned first, then run on a thread pool (pyoxigraph releases the GIL while it
evaluates), then turned into results in plan order. The data graph is the store's default graph
(see loader.shacl.dataset for building one).
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable

import pyoxigraph as ox

from loader.shacl import sparql_based
from loader.shacl.compile import WARNING_OR_INFO, Compiler, not_allowed, same_language
from loader.shacl.messages import generic
from loader.shacl.shapes import RDF, SH, Path, Shape, ShapesGraph

VALUE_PARAMETERS = {"class", "datatype", "nodeKind", "pattern", "in", "minLength", "maxLength", "minInclusive",
                    "maxInclusive", "minExclusive", "maxExclusive", "languageIn", "node", "not", "and", "or", "xone"}
COMPONENT = {"class": "Class", "datatype": "Datatype", "nodeKind": "NodeKind", "pattern": "Pattern", "in": "In",
             "minLength": "MinLength", "maxLength": "MaxLength", "minInclusive": "MinInclusive",
             "maxInclusive": "MaxInclusive", "minExclusive": "MinExclusive", "maxExclusive": "MaxExclusive",
             "languageIn": "LanguageIn", "node": "Node", "not": "Not", "and": "And", "or": "Or", "xone": "Xone",
             "minCount": "MinCount", "maxCount": "MaxCount", "hasValue": "HasValue", "uniqueLang": "UniqueLang",
             "qualifiedMinCount": "QualifiedMinCount", "qualifiedMaxCount": "QualifiedMaxCount", "closed": "Closed",
             "sparql": "SPARQL"}


@dataclass(frozen=True)
class Result:
    """One validation result, with the fields of sh:ValidationResult that pyshacl reports."""

    focus: object
    path: Path | None
    shape: object  # sh:sourceShape
    severity: ox.NamedNode
    component: ox.NamedNode  # sh:sourceConstraintComponent
    value: object | None
    message: str | None
    source_constraint: object | None = None


@dataclass
class Report:
    conforms: bool
    results: list[Result] = field(default_factory=list)


def component(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{SH}{COMPONENT[name]}ConstraintComponent")


class Validator:
    """A shapes graph, read once; `validate(store)` checks the store's default graph against it."""

    def __init__(self, shapes_triples: Iterable, allow_warnings: bool = True):
        self.graph = ShapesGraph(shapes_triples)
        self.allow_warnings = allow_warnings
        self.prepared = {id(c): sparql_based.prepare(c, s) for s in self.graph.shapes for c in s.sparql}
        self.datatypes = datatype_paths(self.graph.targeted)

    def validate(self, store: ox.Store, threads: int | None = None) -> Report:
        """Validate the store's default graph (data and ontology axioms, as validation_store builds it)."""
        if not store.query("ASK { ?s ?p ?o }") and store.query("ASK { GRAPH ?g { ?s ?p ?o } }"):
            raise ValueError("loader.shacl validates the default graph of a store, which is empty here while named "
                             "graphs are not: build the store with loader.shacl.validation_store")
        run = _Run(self, store)
        for shape in self.graph.targeted:
            run.shape(shape, run.targets(shape))
        run.execute(threads or min(4, os.cpu_count() or 1))
        results = sorted(set(run.results), key=_order)
        conforms = all(self.allow_warnings and r.severity.value in WARNING_OR_INFO for r in results)
        return Report(conforms, results)


def datatype_paths(shapes: list[Shape]) -> dict[str, set[str] | None]:
    """Each sh:datatype used → the predicates (SPARQL IRIs) whose values it judges; None when not only IRIs."""
    out: dict[str, set[str] | None] = {}

    def visit(shape: Shape, path: str | None, seen: frozenset) -> None:
        if shape in seen:
            return
        seen = seen | {shape}
        if shape.path is not None:
            path = str(shape.path.iri) if shape.path.kind == "iri" else None
        for c in shape.constraints:
            if c.parameter == "datatype":
                d = c.value.value
                out[d] = None if path is None or out.get(d, set()) is None else out.get(d, set()) | {path}
            nested = c.value if isinstance(c.value, list) else [c.value]
            if c.parameter == "qualifiedValueShape":
                nested = [c.value[0]]
            for n in nested:
                if isinstance(n, Shape):
                    visit(n, path, seen)
        for p in shape.properties:
            visit(p, path, seen)

    for shape in shapes:
        visit(shape, None, frozenset())
    return out


def _order(r: Result):
    return (str(r.focus), str(r.shape), str(r.path), r.component.value, str(r.value), r.message or "")


class _Run:
    """The queries of one validation of one store."""

    def __init__(self, validator: Validator, store: ox.Store):
        self.v, self.store = validator, store
        self.c = Compiler(store, validator.datatypes, validator.allow_warnings)
        self.results: list[Result] = []
        self.jobs: list[tuple[Callable[[], list], Callable[[list], None]]] = []

    def query(self, text: str, handle: Callable[[object], None]) -> None:
        """Plan a query; `handle` gets each row of its result, in plan order, after all have run."""
        self.jobs.append((lambda: list(self.store.query(text)), lambda rows: [handle(r) for r in rows]))

    def execute(self, threads: int) -> None:
        if threads <= 1:
            outcomes = [run() for run, _ in self.jobs]
        else:
            with ThreadPoolExecutor(threads) as pool:
                outcomes = list(pool.map(lambda job: job[0](), self.jobs))
        for (_, handle), rows in zip(self.jobs, outcomes):
            handle(rows)
        self.jobs = []  # their closures refer back to this run: a cycle that kept the store alive until gc ran

    def targets(self, shape: Shape) -> str:
        """A group binding ?this to each focus node of a targeted shape, once."""
        if len(shape.target_classes) == 1 and not (shape.target_nodes or shape.target_subjects_of or shape.target_objects_of):
            classes = self.c.subclasses(shape.target_classes[0])
            if len(classes) == 1:  # one triple per instance: no duplicates, so no DISTINCT subquery to pay for
                return f"?this <{RDF}type> {classes[0]} ."
        branches = []
        for cls in shape.target_classes:
            t = self.c.var("t")
            branches.append(f"{{ ?this <{RDF}type> {t} . VALUES {t} {{ {' '.join(self.c.subclasses(cls))} }} }}")
        if shape.target_nodes:
            branches.append(f"{{ VALUES ?this {{ {' '.join(str(n) for n in shape.target_nodes)} }} }}")
        for p in shape.target_subjects_of:
            branches.append(f"{{ ?this {p} {self.c.var('o')} }}")
        for p in shape.target_objects_of:
            branches.append(f"{{ {self.c.var('s')} {p} ?this }}")
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(branches) + " } }"

    def shape(self, shape: Shape, focus: str) -> None:
        """The results of `shape` (and of its sh:property shapes) for the focus nodes `focus` binds."""
        if shape.deactivated:
            return
        path = shape.path.sparql() if shape.path else None
        values = f"?this {path} ?v ." if path else "BIND(?this AS ?v)"
        checks = [c for c in shape.constraints if c.parameter in VALUE_PARAMETERS]
        if checks:
            oks = [self.c.value_ok(c, "?v") for c in checks]
            binds = " ".join(f"BIND({ok} AS ?ok{i})" for i, ok in enumerate(oks))
            failed = " || ".join(f"!?ok{i}" for i in range(len(oks)))
            names = " ".join(f"?ok{i}" for i in range(len(oks)))
            def failed_checks(row, shape=shape, checks=checks):
                for i, c in enumerate(checks):
                    if row[f"ok{i}"].value != "true":
                        self.add(shape, c.parameter, row["this"], row["v"], c)
            self.query(f"SELECT DISTINCT ?this ?v {names} WHERE {{ {focus} {values} {binds} FILTER({failed}) }}",
                       failed_checks)
        for c in shape.constraints:
            if c.parameter in ("minCount", "maxCount"):
                self.count(shape, c, focus, path)
            elif c.parameter == "hasValue":
                test = f"FILTER NOT EXISTS {{ ?this {path} {c.value} }}" if path else f"FILTER(!sameTerm(?this, {c.value}))"
                self.query(f"SELECT ?this WHERE {{ {focus} {test} }}",
                           lambda row, shape=shape, c=c: self.add(shape, "hasValue", row["this"], None, c))
            elif c.parameter == "uniqueLang":
                query = (f"SELECT DISTINCT ?this ?lang WHERE {{ {focus} ?this {path} ?a . ?this {path} ?b . "
                         f"FILTER({same_language('?a', '?b')}) BIND(LCASE(LANG(?a)) AS ?lang) }}")
                self.query(query, lambda row, shape=shape, c=c: self.add(shape, "uniqueLang", row["this"], None, c))
            elif c.parameter == "qualifiedValueShape":
                self.qualified(shape, c, focus, path)
        if shape.closed:
            query = (f"SELECT DISTINCT ?this ?p ?o WHERE {{ {focus} {values} ?v ?p ?o . "
                     f"FILTER({not_allowed(shape, '?p', '?o')}) }}")
            self.query(query, lambda row, shape=shape: self.add(shape, "closed", row["this"], row["o"], None,
                                                                path=Path("iri", iri=row["p"], node=row["p"])))
        for constraint in shape.sparql:
            if not constraint.deactivated:
                self.sparql(shape, constraint, focus)
        for prop in shape.properties:
            if path is None:
                self.shape(prop, focus)
            else:
                f = self.c.var("f")
                self.shape(prop, f"{{ SELECT DISTINCT ?this WHERE {{ {{ SELECT (?this AS {f}) WHERE {{ {focus} }} }} "
                                 f"{f} {path} ?this }} }}")

    def count(self, shape: Shape, c, focus: str, path: str) -> None:
        n = c.value
        if c.parameter == "minCount":
            if n <= 0:
                return
            query = (f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} ?v }} }}" if n == 1 else
                     f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?v }} }} GROUP BY ?this "
                     f"HAVING (COUNT(DISTINCT ?v) < {n})")
        else:
            query = (f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?v }}" if n == 0 else
                     f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?a . ?this {path} ?b . FILTER(!sameTerm(?a, ?b)) }}"
                     if n == 1 else
                     f"SELECT ?this WHERE {{ {focus} ?this {path} ?v }} GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {n})")
        self.query(query, lambda row: self.add(shape, c.parameter, row["this"], None, c))

    def qualified(self, shape: Shape, c, focus: str, path: str) -> None:
        nested, low, high = c.value
        ok = self.c.conforms(nested, "?v")
        for name, n, having in (("qualifiedMinCount", low, "<"), ("qualifiedMaxCount", high, ">")):
            if n is None:
                continue
            query = (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?v . FILTER({ok}) }} }} "
                     f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {having} {n})")
            self.query(query, lambda row, name=name: self.add(shape, name, row["this"], None, c))

    def sparql(self, shape: Shape, constraint, focus: str) -> None:
        prepared = self.v.prepared[id(constraint)]
        literals = constraint.messages + shape.messages

        def handle(hits):
            for hit in hits:
                messages = [sparql_based.message(m.value, hit.bindings) for m in literals]
                self.results.append(Result(hit.focus, hit.path, shape.node, shape.severity, component("sparql"),
                                           hit.value, _pick(messages, literals), constraint.node))
        self.jobs.append((lambda: sparql_based.hits(prepared, self.store, focus, shape), handle))

    def add(self, shape: Shape, parameter: str, focus, value, c, path: Path | None = None) -> None:
        message = _pick([m.value for m in shape.messages], shape.messages) if shape.messages else \
            generic(parameter, c.value if c is not None else None, focus, value, path or shape.path)
        self.results.append(Result(focus, path or shape.path, shape.node, shape.severity, component(parameter),
                                   value, message))


def _pick(texts: list[str], literals: list) -> str | None:
    """One message where pyshacl may give several: the English one, else the first."""
    for text, literal in zip(texts, literals):
        if literal.language == "en":
            return text
    return texts[0] if texts else None
