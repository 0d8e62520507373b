"""The default backend: pyoxigraph over the loader's store, in this process, queries run on server.execution's threads.

The store layout is the loader's contract: BUILD/store links to BUILD/stores/<build-id>/, which holds
`oxigraph/` (opened read-only when the storage is "disk"), `release/ungass-kg.nq` (loaded into memory
when the storage is "memory", the default: 2-5 times faster on scans, joins and aggregates, at about
400 bytes per triple) and `build.json`. When the loader swaps the link to a new build, the server
notices within a second, opens the new build beside the old one, and from then on sends queries there.
"""
from __future__ import annotations

import itertools
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from flask import has_request_context, request

from server import search
from server.backends import META_GRAPH, Description, Limits, QueryJob, Result, rowcap, values
from server.errors import EndpointError, InternalError, QuerySyntaxError, UpstreamError
from server.execution import Runner

log = logging.getLogger(__name__)

SWAP_CHECK = 1.0  # seconds between two looks at the store link
DUMP = "ungass-kg.nq"  # the loader's release dump of the whole dataset, next to oxigraph/ (loader/store.py)
LOAD_BATCH = 50_000  # quads per transaction when loading the in-memory copy
# An extension function: its IRI, and a callable over pyoxigraph terms (pyoxigraph's `custom_functions`).
Functions = Mapping[str, Callable[..., object]]


@dataclass(eq=False)
class Build:
    """One build of the store, opened."""

    path: Path
    info: dict
    description: Description
    store: ox.Store
    functions: dict | None  # the extension functions, with the ones over this build's search index


def check(link: Path, storage: str) -> Path:
    """The build folder the store link names; FileNotFoundError, with what to do, when it cannot be served."""
    path = Path(link).resolve()
    if not (path / "build.json").is_file() or not (path / "oxigraph").is_dir():
        raise FileNotFoundError(f"no store at {link}: expected build.json and oxigraph/ in it "
                                "(run `python -m loader build` first)")
    if storage == "memory" and not (path / "release" / DUMP).is_file():
        raise FileNotFoundError(f"no release/{DUMP} in the store at {link}, which in-memory "
                                "storage loads (rebuild with `python -m loader build`, or use --storage disk)")
    return path


class EmbeddedBackend:
    immutable = True  # a build never changes; a new one has a new version (server.caching relies on it)

    def __init__(self, store: Path, storage: str = "memory", functions: Functions | None = None,
                 runner: Runner | None = None):
        self.link, self.storage = Path(store), storage
        # Given functions, and each build's own over its search index (server.search, added in _open).
        self.functions = {ox.NamedNode(iri): function for iri, function in (functions or {}).items()} or None
        self.runner = runner or Runner()
        self.current = self._open(check(self.link, storage))
        self._next_check = time.monotonic() + SWAP_CHECK
        self._swapping = threading.Lock()
        self._unusable: Path | None = None  # a build that failed to open: not tried again

    def _open(self, path: Path) -> Build:
        check(path, self.storage)
        info = json.loads((path / "build.json").read_text(encoding="utf-8"))
        database = ox.Store.read_only(str(path / "oxigraph"))
        description = Description(
            version=info["build_id"],
            triples=info.get("triples"),
            graphs=dict(info.get("graphs", {})),
            void=_meta_graph(database),
            union_default_graph=True,
            source=info["build_id"],
        )
        store = database if self.storage == "disk" else _in_memory(path / "release" / DUMP)
        functions = {**(self.functions or {}), **search.functions(search.open_index(path / "search"))}
        return Build(path, info, description, store, functions or None)

    def _build(self) -> Build:
        """The build to query. At most once a second, also look whether the loader swapped in another one."""
        now = time.monotonic()
        if now >= self._next_check and self._swapping.acquire(blocking=False):
            self._next_check = now + SWAP_CHECK
            target = self.link.resolve()
            if target not in (self.current.path, self._unusable):
                threading.Thread(target=self._swap, args=(target,), name="store-swap", daemon=True).start()
            else:
                self._swapping.release()
        return self.current

    def _swap(self, target: Path) -> None:
        try:
            fresh = self._open(target)
        except Exception:
            self._unusable = target
            log.exception("cannot serve the new build %s; still serving build %s", target.name,
                          self.current.info["build_id"])
        else:
            old, self.current = self.current, fresh
            log.info("serving build %s (was %s)", fresh.info["build_id"], old.info["build_id"])
        finally:
            self._swapping.release()

    def describe(self) -> Description:
        return self._build().description

    def health(self) -> dict:
        build = self._build()
        return {"backend": "embedded", "storage": self.storage, "build_id": build.info["build_id"],
                "triples": build.info.get("triples"), "queries": self.runner.report()}

    def close(self) -> None:
        pass  # the store is memory or a read-only handle, freed with the backend

    def query(self, job: QueryJob, limits: Limits) -> Result:
        build = self._build()
        client = request.remote_addr if has_request_context() else "-"
        body, truncated = self.runner.run(lambda: self._answer(build, job, limits), limits.time, client or "-")
        return Result(body=body, truncated=truncated, row_limit=limits.rows if truncated is not None else 0)

    def _answer(self, build: Build, job: QueryJob, limits: Limits) -> tuple[bytes, bool | None]:
        """On a query thread: parse, evaluate and write the whole answer."""
        store, text = build.store, _with_values(job)
        try:
            substitutions = {ox.Variable(name): term for name, term in job.substitutions}
            results = store.query(text, substitutions=substitutions or None, custom_functions=build.functions,
                                  base_iri=job.base_iri, **_dataset(job))
            if isinstance(results, ox.QueryBoolean):
                return results.serialize(format=ox.QueryResultsFormat.from_media_type(job.media_type)), None
            rows = limits.rows
            if isinstance(results, ox.QuerySolutions):
                if rows:
                    return rowcap.solutions(lambda sink: results.serialize(sink, format=ox.QueryResultsFormat.TSV),
                                            rows, job.media_type)
                return results.serialize(format=ox.QueryResultsFormat.from_media_type(job.media_type)), None
            if rows:
                return rowcap.triples(lambda sink: results.serialize(sink, format=ox.RdfFormat.N_TRIPLES),
                                      rows, job.media_type, job.prefixes)
            return results.serialize(format=ox.RdfFormat.from_media_type(job.media_type)), None
        except SyntaxError as error:
            raise QuerySyntaxError("the query is not valid SPARQL 1.1: "
                                   + (_undeclared_prefix(str(error), text) or str(error))) from None
        except RuntimeError as error:
            if "is not supported" not in str(error):
                raise
            raise QuerySyntaxError(f"the query calls a function this endpoint does not have: {error}") from None
        except OSError as error:
            if job.federated:  # pyoxigraph reports SERVICE failures as OSError, without an errno
                raise UpstreamError(f"a SERVICE endpoint failed: {error}") from None
            log.exception("the query engine failed")
            raise InternalError("the query engine failed; the error has been logged") from None


def _in_memory(dump: Path) -> ox.Store:
    """The build's quads in memory, from its N-Quads dump.

    Blank nodes keep their labels from the dump, which are the on-disk store's: both storages name a
    blank node the same way (Store.load would give each copy fresh labels).
    """
    store = ox.Store()
    quads = ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS, rename_blank_nodes=False)
    # In batches: one transaction of a million quads peaks at 620 MiB for a 390 MiB store; 50k: 420 MiB.
    while batch := list(itertools.islice(quads, LOAD_BATCH)):
        store.extend(batch)
    return store


def _dataset(job: QueryJob) -> dict:
    if job.dataset is not None:
        # The protocol's dataset replaces FROM / FROM NAMED, and a graph it does not list is not visible.
        return {"default_graph": [ox.NamedNode(iri) for iri in job.dataset.default_graphs],
                "named_graphs": [ox.NamedNode(iri) for iri in job.dataset.named_graphs]}
    if job.declares_dataset:
        return {}  # pyoxigraph honours FROM / FROM NAMED itself; the union flag would override them
    return {"use_default_graph_as_union": True}


def _with_values(job: QueryJob) -> str:
    """The query text with its parameters written in (server.backends.values.inline), or else bound by a
    VALUES block; they are passed as `substitutions` too.

    pyoxigraph applies `substitutions` after it has planned the query: a parameter that should select a
    few resources then filters every solution of the unbound pattern, which made statements-about,
    actor-activity and document-links grow quadratically with the corpus (bench/scale_serving.py).
    """
    if not job.substitutions:
        return job.text
    try:
        return values.inline(job.text, job.substitutions) or values.bind(job.text, job.substitutions)
    except (ValueError, EndpointError):  # no WHERE group, or a value a VALUES block cannot carry
        return job.text


def _undeclared_prefix(message: str, query: str) -> str | None:
    """Oxigraph's message for an undeclared prefix lists characters; name the prefix instead."""
    where = re.match(r"error at (\d+):(\d+): expected one of Prefix not found", message)
    if not where:
        return None
    line, column = int(where[1]), int(where[2])
    lines = query.split("\n")
    before = lines[line - 1][: column - 1] if line <= len(lines) else ""
    name = re.search(r"([A-Za-z][\w.-]*)?:[^\s:]*$", before)
    prefix = name[1] or "" if name else "?"
    return (f"error at {line}:{column}: undeclared prefix {prefix}: "
            f"(declare it before the query with PREFIX {prefix}: <namespace IRI>)")


def _meta_graph(database: ox.Store) -> bytes:
    """The loader's VoID/DCAT graph, read once per build."""
    quads = database.quads_for_pattern(None, None, None, ox.NamedNode(META_GRAPH))
    return ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads),
                        format=ox.RdfFormat.N_TRIPLES) or b""
