"""A backend over other SPARQL 1.1 Protocol endpoints (Oxigraph, Virtuoso, Fuseki, QLever...) holding a release.

Engine-independent by construction, so that the answers are the embedded store's on any engine:
- The dataset is sent with every query (Protocol §2.1.4): the release's graphs as default-graph-uri
  (their union is the default graph) and named-graph-uri. No engine flag for a union default graph
  is needed, an engine's own graphs (Virtuoso's system graphs) stay out, and a query's FROM / FROM
  NAMED are sent the same way, since an engine may ignore them (oxigraph serve --union-default-graph).
- Solutions are asked for as SPARQL XML, the format every engine writes as the standard says, and
  counted by server.backends.rowcap as they arrive; triples as N-Triples, one per line. Both are
  re-serialized by pyoxigraph into the negotiated format, so an engine's own spellings never leak.
- An engine's own result cap (Virtuoso's ResultSetMaxRows) is measured at start; an answer of
  exactly that many rows is announced as truncated (X-Result-Truncated), never passed off as whole.
- At start each endpoint must hold a whole release: the meta graph's build id (dcterms:identifier),
  and every graph it lists with its triple count. Otherwise the server refuses to start, naming what
  is missing.

Several URLs are read replicas of one release: queries go round-robin to the replicas in service; a
replica that cannot be reached, or holds another release, is taken out and checked again after
RETRY seconds; a failed query is retried on the next replica. /health shows each one.

The time limit is a socket deadline: at the limit the connection is dropped and the client gets 504,
since here we are a gateway waiting for another server.
"""
from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from server import search
from server.backends import (
    DATASET,
    META_GRAPH,
    Description,
    Limits,
    QueryJob,
    Result,
    rowcap,
    values,
)
from server.backends import replica as replica_module
from server.backends.replica import Replica, ReplicaDown
from server.errors import BadParameter, EndpointError, UpstreamError
from server.sparql.query_scan import Token, _target, scan, tokens

DESCRIBE_TIMEOUT = 120.0  # seconds for each start-up query (counting a large release takes a while)
PROBE_ROWS = 100_000  # rows asked for to find an engine's own result cap, when the server sets none
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
IDENTIFIER = "http://purl.org/dc/terms/identifier"
XML = "application/sparql-results+xml"
NTRIPLES = "application/n-triples"


class NotReleased(Exception):
    """An endpoint does not hold a whole release (or not the one served)."""


@dataclass(frozen=True)
class Release:
    build_id: str
    graphs: dict[str, int]  # every graph of the release (the meta graph too) -> its triples
    void: bytes  # the meta graph, as N-Triples


class RemoteBackend:
    immutable = False  # another release may be published under a running server

    def __init__(self, urls: str | Sequence[str], release: str | None = None, row_limit: int = 0):
        """Refuse (RuntimeError) unless an endpoint holds a whole release: `release` (a build id) if
        given, else the one the first endpoint holds. `row_limit` is the server's own cap, up to which
        an engine's cap is looked for."""
        self.replicas = [Replica(url) for url in ([urls] if isinstance(urls, str) else urls)]
        if not self.replicas:
            raise ValueError("--remote needs at least one URL")
        self.url = self.replicas[0].url
        self._turn = itertools.count()
        self._probe_rows = (row_limit or PROBE_ROWS) + 1
        self.release: Release | None = None
        problems = []
        for replica in self.replicas:
            try:
                self._admit(replica, release or (self.release.build_id if self.release else None))
            except (NotReleased, ReplicaDown, EndpointError) as error:
                replica.take_out(str(error))
                problems.append(str(error))
        if self.release is None or not any(r.up for r in self.replicas):
            raise RuntimeError("no remote endpoint to serve: " + "; ".join(problems))
        graphs = self.release.graphs
        self._dataset = [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]
        self._description = Description(
            version=self.release.build_id,
            triples=sum(graphs.values()),
            graphs=dict(graphs),
            void=_without_dumps(self.release.void),
            union_default_graph=True,
            source=", ".join(r.url for r in self.replicas),
        )

    def describe(self) -> Description:
        return self._description

    def health(self) -> dict:
        replicas = [r.health() for r in self.replicas]
        return {"ok": any(r["up"] for r in replicas), "backend": "remote", "endpoint": self.url,
                "build_id": self._description.version, "triples": self._description.triples,
                "graphs": len(self._description.graphs), "replicas": replicas}

    def close(self) -> None:
        for replica in self.replicas:
            replica.close()

    def query(self, job: QueryJob, limits: Limits) -> Result:
        function = search.uses_functions(job.text)
        if function is not None:  # a pyoxigraph custom function over our index: no other engine has it
            raise BadParameter(f"the function <{function}> (search inside SPARQL) runs only on the embedded "
                               f"backend; the remote engine does not know it (use /search, or the embedded backend)")
        deadline = time.monotonic() + limits.time
        # As the embedded backend plans them: the parameters written in where SPARQL allows, else a VALUES block.
        text = (values.inline(job.text, job.substitutions) or values.bind(job.text, job.substitutions)
                if job.substitutions else job.text)
        if job.base_iri:  # relative IRIs resolve against the dataset's base on every engine (a BASE of the query's own wins)
            text = f"BASE <{job.base_iri}>\n{text}"
        dataset = self._dataset_of(job)  # None: the release's
        tried, last = set(), None
        while True:
            replica = self._pick(tried, deadline, limits)
            if replica is None:
                raise UpstreamError(last or "no remote endpoint is in service: "
                                    + "; ".join(f"{r.url}: {r.error}" for r in self.replicas))
            tried.add(replica.url)
            if dataset is not None:
                params = [("query", text)] + dataset
            else:
                params = [("query", text)] + ([] if replica.holds_only_the_release else self._dataset)
            try:
                return self._run(replica, job, params, deadline, limits)
            except ReplicaDown as error:
                replica.take_out(str(error))
                last = str(error)

    def _dataset_of(self, job: QueryJob) -> list[tuple[str, str]] | None:
        if job.dataset is not None:
            return ([("default-graph-uri", iri) for iri in job.dataset.default_graphs]
                    + [("named-graph-uri", iri) for iri in job.dataset.named_graphs])
        if job.declares_dataset:
            declared = _from_clauses(job.text)
            if declared is not None:
                return declared
            return []  # a FROM this scan cannot resolve: the engine reads it
        return None

    def _pick(self, tried: set[str], deadline: float, limits: Limits) -> Replica | None:
        """The next replica in service (round-robin); one out of service whose retry time has come is
        checked again first (it must still hold the release)."""
        now = time.monotonic()
        for replica in self.replicas:
            if not replica.up and replica.retry_at <= now and replica.url not in tried:
                replica.retry_at = now + replica_module.RETRY  # one request checks it; the others go on
                try:
                    self._admit(replica, self.release.build_id, deadline=min(deadline, now + 5.0))
                except (NotReleased, ReplicaDown, EndpointError) as error:
                    replica.take_out(str(error))
        ready = [r for r in self.replicas if r.up and r.url not in tried]
        if not ready:
            return None
        return ready[next(self._turn) % len(ready)]

    def _run(self, replica: Replica, job: QueryJob, params, deadline: float, limits: Limits) -> Result:
        if job.kind == "boolean":
            body = replica.read_all(replica.post(params, XML, deadline, limits), deadline, limits)
            answer = _results(body, replica.url)
            return Result(body=answer.serialize(format=ox.QueryResultsFormat.from_media_type(job.media_type)))
        cap = limits.rows or None
        engine = replica.engine_row_limit
        accept = XML if job.kind == "solutions" else NTRIPLES
        response = replica.post(params, accept, deadline, limits)
        chunks = replica.chunks(response, deadline, limits)
        try:
            if job.kind == "solutions":
                body, count, truncated = rowcap.xml_solutions(chunks, cap, job.media_type)
            else:
                sink = rowcap.LineCap(cap or sys.maxsize)
                try:
                    for chunk in chunks:
                        sink.write(chunk)
                except rowcap.CapReached:
                    pass
                count, truncated = sink.lines, sink.truncated
                body = rowcap.convert_triples(sink.data, job.media_type, job.prefixes)
        except SyntaxError as error:
            raise UpstreamError(f"the remote endpoint {replica.url} answered invalid {accept}: {error}") from None
        finally:
            chunks.close()
        if engine is not None and count == engine and not truncated:
            # A full page of exactly the engine's own cap: there may be more, which the engine kept.
            return Result(body=body, truncated=True, row_limit=engine)
        if cap is None:
            return Result(body=body)
        return Result(body=body, truncated=truncated, row_limit=cap)

    # Start-up (and re-admission) checks.

    def _admit(self, replica: Replica, build_id: str | None, deadline: float | None = None) -> None:
        deadline = deadline or time.monotonic() + DESCRIBE_TIMEOUT
        release = self._read_release(replica, deadline)
        if build_id is not None and release.build_id != build_id:
            replica.build_id = release.build_id
            raise NotReleased(f"{replica.url} holds release {release.build_id}, not {build_id} (the one served: "
                              f"publish it there with `python -m loader publish`)")
        if self.release is None:
            self.release = release
        replica.build_id = release.build_id
        if replica.engine_row_limit is None:
            replica.engine_row_limit = self._engine_row_limit(replica, release, deadline)
        replica.holds_only_the_release = self._holds_only(replica, release, deadline)
        replica.up, replica.error = True, None

    def _read_release(self, replica: Replica, deadline: float) -> Release:
        limits = Limits(max(deadline - time.monotonic(), 0.001), 0)
        query = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
        void = replica.read_all(replica.post([("query", query), ("named-graph-uri", META_GRAPH)], NTRIPLES,
                                             deadline, limits), deadline, limits)
        try:
            meta = list(dict.fromkeys(t.triple for t in ox.parse(void, format=ox.RdfFormat.N_TRIPLES)))
        except SyntaxError as error:
            raise ReplicaDown(f"{replica.url} answered invalid N-Triples: {error}") from None
        about = [t for t in meta if t.subject.value == DATASET]
        build_id = next((t.object.value for t in about if t.predicate.value == IDENTIFIER), None)
        if build_id is None:
            raise NotReleased(f"{replica.url} holds no ungass-kg release: its graph <{META_GRAPH}> is missing or "
                              "has no build id (dcterms:identifier); load one with `python -m loader publish URL`")
        # The named graphs are the dataset's subsets; its linksets are subsets too (VoID §4), but no graphs.
        linksets = {t.subject.value for t in meta if t.predicate.value == RDF_TYPE and t.object.value == VOID + "Linkset"}
        subsets = {t.object.value for t in about if t.predicate.value == VOID + "subset"} - linksets
        expected = {t.subject.value: int(t.object.value) for t in meta
                    if t.subject.value in subsets and t.predicate.value == VOID + "triples"}
        expected[META_GRAPH] = len(meta)
        graphs = sorted(expected)
        counted = {}
        query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        body = replica.read_all(replica.post([("query", query)] + [("named-graph-uri", g) for g in graphs], XML,
                                             deadline, limits), deadline, limits)
        for row in _results(body, replica.url):
            counted[row["g"].value] = int(row["n"].value)
        wrong = [f"<{g}> {'is missing' if g not in counted else f'has {counted[g]} triples'}, the release has "
                 f"{n}" for g, n in expected.items() if counted.get(g) != n]
        if wrong:
            raise NotReleased(f"{replica.url} holds release {build_id} incompletely: " + "; ".join(wrong[:5])
                              + (f" (and {len(wrong) - 5} more)" if len(wrong) > 5 else "")
                              + "; publish it again with `python -m loader publish URL`")
        return Release(build_id, {g: expected[g] for g in graphs}, b"".join(sorted(f"{t} .\n".encode() for t in meta)))

    def _engine_row_limit(self, replica: Replica, release: Release, deadline: float) -> int | None:
        """The engine's own cap on results, if it cuts below PROBE_ROWS (or the server's cap): the rows a
        cross product of the release's triples gives, which holds more than enough rows."""
        limits = Limits(max(deadline - time.monotonic(), 0.001), 0)
        triples = sum(release.graphs.values())
        wanted = min(self._probe_rows, triples ** 2)
        # The release's own triples when it has plenty (a cross product can cost an engine dearly at a
        # million triples), else their cross product; twice as many, in case graphs share triples.
        pattern = "?a ?p ?o" if triples >= 2 * wanted else "?a ?p ?o . ?b ?q ?c"
        query = f"SELECT ?a WHERE {{ {pattern} }} LIMIT {wanted}"
        response = replica.post([("query", query)] + self._dataset_params(release), XML, deadline, limits)
        _, count, _ = rowcap.xml_solutions(replica.chunks(response, deadline, limits), None, XML)
        return count if count < wanted else None

    def _holds_only(self, replica: Replica, release: Release, deadline: float) -> bool:
        """Whether the engine's own dataset is the release: its named graphs are the release's, and its
        default graph is their union (`oxigraph serve --union-default-graph` holding one release). Queries
        then go without the dataset, which spares the engine a union of every graph in each pattern (at
        100k triples, 36 graphs, that made `oxigraph serve` 10-60 times slower)."""
        limits = Limits(max(deadline - time.monotonic(), 0.001), 0)

        def select(query: str, params=()) -> list:
            body = replica.read_all(replica.post([("query", query), *params], XML, deadline, limits), deadline,
                                    limits)
            return list(_results(body, replica.url))

        graphs = {row["g"].value for row in select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
        if graphs != set(release.graphs):
            return False
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        if select(count)[0]["n"] != select(count, self._dataset_params(release))[0]["n"]:
            return False
        outside = "SELECT ?s WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } } LIMIT 1"
        return not select(outside)

    @staticmethod
    def _dataset_params(release: Release) -> list[tuple[str, str]]:
        return [("default-graph-uri", g) for g in release.graphs]


def _results(body: bytes, url: str) -> ox.QuerySolutions | ox.QueryBoolean:
    try:
        return ox.parse_query_results(body.replace(b"<bnode>nodeID://", b"<bnode>"),
                                      format=ox.QueryResultsFormat.XML)
    except SyntaxError as error:
        raise UpstreamError(f"the remote endpoint {url} answered invalid SPARQL XML: {error}") from None


def _without_dumps(void: bytes) -> bytes:
    """The release's description without its dumps: the dump files are the loader's build folder, which a
    server in remote mode does not serve (/dumps is 404 there), so neither VoID nor the home page link them."""
    triples = [t.triple for t in ox.parse(void, format=ox.RdfFormat.N_TRIPLES)]
    dumps = {t.object for t in triples if t.predicate.value == DCAT + "distribution"}
    kept = [t for t in triples if t.subject not in dumps
            and t.predicate.value not in (DCAT + "distribution", VOID + "dataDump")]
    return b"".join(sorted(f"{t} .\n".encode() for t in kept))


def _from_clauses(text: str) -> list[tuple[str, str]] | None:
    """A query's FROM and FROM NAMED as protocol parameters (Query §13.2, Protocol §2.1.4: the same
    dataset), or None when one of them cannot be resolved here (a relative IRI without BASE...)."""
    found = scan(text)
    toks = tokens(text)
    params, depth = [], 0
    for i, tok in enumerate(toks):
        if tok.kind == "other" and tok.text in "{}":
            depth += 1 if tok.text == "{" else -1
        if depth or tok.kind != "word" or tok.text.upper() != "FROM":
            continue
        named = i + 1 < len(toks) and toks[i + 1].kind == "word" and toks[i + 1].text.upper() == "NAMED"
        target: Token | None = toks[i + 2 if named else i + 1] if i + (2 if named else 1) < len(toks) else None
        iri = _target(target, found.prefixes, found.base)
        if iri is None:
            return None
        params.append(("named-graph-uri" if named else "default-graph-uri", iri))
    return params or None
