"""Where things are, and the one rule that names a file's named graph.

Graph IRI rule: a file at data/<dir>/<name>.ttl is loaded into the named graph
https://w3id.org/ungass-kg/graph/<dir>/<name>; a file at ontology/<name>.ttl into
https://w3id.org/ungass-kg/graph/ontology/<name>. The store's default graph is left empty;
the server queries the union of all named graphs as its default graph.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

BASE = "https://w3id.org/ungass-kg/"
ID_BASE = BASE + "id/"
GRAPH_BASE = BASE + "graph/"
META_GRAPH = GRAPH_BASE + "meta"
DATASET_IRI = BASE + "dataset"
ONTOLOGY_IRI = BASE + "ont"

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Layout:
    """The folders one run reads and writes; tests point them at copies."""

    data: Path = ROOT / "data"
    ontology: Path = ROOT / "ontology"
    build: Path = ROOT / "build"

    @property
    def shapes(self) -> Path:
        return self.ontology / "shapes.ttl"

    def data_files(self) -> list[Path]:
        return sorted(self.data.rglob("*.ttl"))

    def ontology_files(self) -> list[Path]:
        """The TBox: every ontology file except the shapes."""
        return sorted(p for p in self.ontology.glob("*.ttl") if p != self.shapes)

    def graph_iri(self, path: Path) -> str:
        """The named graph of a source file (the rule in this module's docstring)."""
        path = path.resolve()
        for folder, prefix in ((self.data.resolve(), ""), (self.ontology.resolve(), "ontology/")):
            if path.is_relative_to(folder):
                return GRAPH_BASE + prefix + path.relative_to(folder).with_suffix("").as_posix()
        raise ValueError(f"{path} is neither under {self.data} nor under {self.ontology}")

    def display(self, path: Path) -> str:
        """A path as a curator reads it: relative to the project when it can be."""
        for base in (ROOT, Path.cwd()):
            try:
                return path.resolve().relative_to(base).as_posix()
            except ValueError:
                continue
        return str(path)
