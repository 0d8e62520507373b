"""Which data files a node or a term comes from, and on which line, so that a report sends the curator there.

Asked only when there is a problem to report. The checked store holds the data without graph names
(one default graph, as SHACL validates it), so on the first question the data files are parsed again,
into one named graph each. A parse gives blank nodes new labels, so a blank node of the checked store
is found again by what it says: its predicates, with their objects when these are not blank.
The line is where the node is defined: the first line that starts with it as a subject (written as a
full IRI or with one of the file's prefixes), else the first line that names it at all.
"""
from __future__ import annotations

import re
from functools import cached_property

import pyoxigraph as ox

from loader.layout import Layout
from loader.sources import Source

DESCRIBED = "SELECT DISTINCT ?s ?g WHERE { VALUES ?s { %s } GRAPH ?g { ?s ?p ?o } }"
PREFIX_LINE = re.compile(r"^\s*@prefix\s+([\w-]*):\s*<([^>]*)>\s*\.", re.I)
USING = "SELECT DISTINCT ?t ?g WHERE { VALUES ?t { %s } GRAPH ?g { { ?t ?p ?o } UNION { ?s ?t ?o } UNION { ?s ?p ?t } } }"


class Origins:
    """The data files, asked which of them hold a node or use a term."""

    def __init__(self, data: list[Source], layout: Layout):
        self.data = data
        self.shown = {s.graph: layout.display(s.path) for s in data}  # in the order of the files
        self.paths = {layout.display(s.path): s.path for s in data}
        self._lines: dict[str, tuple[list[str], dict[str, str]]] = {}

    @cached_property
    def _store(self) -> ox.Store:
        store = ox.Store()
        for source in self.data:
            source.load_into(store, ox.NamedNode(source.graph))
        return store

    def describing(self, nodes, checked: ox.Store) -> dict[str, list[str]]:
        """The files in which each node (IRI or blank node of `checked`) is a subject, by node value."""
        named = sorted((n for n in nodes if isinstance(n, ox.NamedNode)), key=str)
        graphs: dict[str, set[str]] = {}
        if named:
            for row in self._store.query(DESCRIBED % " ".join(map(str, named))):
                graphs.setdefault(row["s"].value, set()).add(row["g"].value)
        for node in {n for n in nodes if isinstance(n, ox.BlankNode)}:
            if pattern := _pattern(node, checked):
                graphs[node.value] = {row["g"].value for row in self._store.query(
                    f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {pattern} FILTER(isBlank(?b)) }} }}")}
        return {node: self._files(found) for node, found in graphs.items() if found}

    def using(self, iris: list[str]) -> dict[str, list[str]]:
        """The files that use each IRI anywhere in a triple."""
        graphs: dict[str, set[str]] = {}
        for row in self._store.query(USING % " ".join(str(ox.NamedNode(i)) for i in iris)):
            graphs.setdefault(row["t"].value, set()).add(row["g"].value)
        return {iri: self._files(found) for iri, found in graphs.items()}

    def where(self, node: str, files: list[str]) -> list[str]:
        """Each file as `path:line:column` where the node (an IRI) is defined in it, or the bare path when not found."""
        out = []
        for shown in files:
            line, column = self.line(node, shown)
            out.append(f"{shown}:{line}:{column}" if line else shown)
        return out

    def line(self, node: str, shown: str) -> tuple[int, int]:
        """(line, column), 1-based, where the IRI `node` is defined in the file shown as `shown`; (0, 0) if nowhere."""
        if shown not in self.paths:
            return 0, 0
        if shown not in self._lines:
            lines = self.paths[shown].read_text(encoding="utf-8").splitlines()
            self._lines[shown] = (lines, {m.group(2): m.group(1) for l in lines if (m := PREFIX_LINE.match(l))})
        lines, prefixes = self._lines[shown]
        names = [f"<{node}>"] + [f"{p}:{node[len(ns):]}" for ns, p in prefixes.items()
                                 if node.startswith(ns) and re.fullmatch(r"[\w.-]*", node[len(ns):])]
        pattern = re.compile("|".join(re.escape(n) + r"(?=[\s;,.]|$)" for n in names))
        anywhere = (0, 0)
        for number, text in enumerate(lines, 1):
            if text.lstrip().startswith("#"):
                continue
            if (m := pattern.match(text)):
                return number, 1
            if not anywhere[0] and (m := pattern.search(text)):
                anywhere = (number, m.start() + 1)
        return anywhere

    def _files(self, graphs: set[str]) -> list[str]:
        return [shown for graph, shown in self.shown.items() if graph in graphs]


def _pattern(node: ox.BlankNode, checked: ox.Store) -> str:
    """The triples of which the blank node is the subject, as a pattern on ?b."""
    parts = []
    for i, quad in enumerate(checked.quads_for_pattern(node, None, None, ox.DefaultGraph())):
        value = f"?o{i}" if isinstance(quad.object, ox.BlankNode) else str(quad.object)
        parts.append(f"?b {quad.predicate} {value} .")
    return " ".join(parts)
