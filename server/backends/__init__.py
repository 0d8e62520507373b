"""The one interface between the HTTP layer and a query engine, so that the same server runs over any engine.

`embedded` runs pyoxigraph over the loader's store in this process (server.execution's threads); `remote` forwards to
any SPARQL 1.1 Protocol endpoint (Oxigraph, Fuseki, Virtuoso, QLever...). The HTTP layer has already
refused updates and unlisted SERVICE targets and negotiated the format when it calls `Backend.query`.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

META_GRAPH = "https://w3id.org/ungass-kg/graph/meta"
DATASET = "https://w3id.org/ungass-kg/dataset"


@dataclass(frozen=True)
class Dataset:
    """An RDF dataset named by the protocol's default-graph-uri and named-graph-uri (Protocol §2.1.4)."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Limits:
    time: float  # seconds from the start of the request to the first byte of the answer
    rows: int  # solutions (SELECT) or triples (CONSTRUCT, DESCRIBE) at most; 0: no cap


@dataclass(frozen=True)
class QueryJob:
    text: str
    kind: str  # 'solutions', 'boolean' or 'graph' (server.sparql.query_scan.QueryScan.kind)
    media_type: str  # the negotiated result format
    dataset: Dataset | None = None  # None: the endpoint's default dataset, or the query's FROM clauses
    declares_dataset: bool = False  # the query has FROM / FROM NAMED
    federated: bool = False  # the query has SERVICE clauses (to allowed endpoints)
    prefixes: dict[str, str] = field(default_factory=dict)  # the query's, reused to write Turtle/TriG
    # Variables bound to RDF terms before evaluation (a named query's parameters, server.library.catalog):
    # the embedded backend passes them to pyoxigraph as `substitutions`, the remote one as a VALUES block.
    substitutions: tuple[tuple[str, object], ...] = ()
    base_iri: str | None = None  # relative IRIs in the query resolve against it (README: the dataset's IRI base)


@dataclass
class Result:
    """An answer: either all of it in `body`, or `chunks` to stream (with `close` when the client leaves)."""

    body: bytes | None = None
    chunks: Iterator[bytes] | None = None
    truncated: bool | None = None  # None: no row cap applied to this answer (ASK, or no cap set)
    row_limit: int = 0

    def __iter__(self) -> Iterator[bytes]:
        if self.body is not None:
            yield self.body
        else:
            yield from self.chunks

    def close(self) -> None:
        close = getattr(self.chunks, "close", None)
        if close is not None:
            close()


@dataclass(frozen=True)
class Description:
    """What the service and dataset descriptions need, read once when the backend starts."""

    version: str  # identifies the data: the loader's build id, or a hash of the remote's VoID
    triples: int | None  # in the default graph (the union of the named graphs)
    graphs: dict[str, int | None]  # named graph IRI -> triples
    void: bytes  # the VoID/DCAT graph written by the loader, as N-Triples
    union_default_graph: bool  # the default graph is the union of the named graphs
    source: str  # the build id or remote URL: where the data comes from, never a path on the host


class Backend(Protocol):
    def query(self, job: QueryJob, limits: Limits) -> Result:
        """Run a query; raise the typed errors of server.errors for every failure a client causes."""

    def describe(self) -> Description: ...

    def health(self) -> dict: ...

    def close(self) -> None: ...
