"""A backend that forwards queries to another SPARQL 1.1 Protocol endpoint (Oxigraph, Fuseki, Virtuoso, QLever...).

The query goes out as a form-encoded POST (Protocol §2.1.2) with the dataset parameters. With a row
cap, the remote is asked for the line-based formats server.backends.rowcap counts (TSV, N-Triples),
and its answer is cut and re-serialized here; without one, the negotiated format is asked for and the
remote's bytes are streamed through. The time limit is a socket deadline: at the limit the connection
is dropped and the client gets 504, since here we are a gateway waiting for another server.
"""
from __future__ import annotations

import hashlib
import http.client
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

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
from server.errors import (
    BadParameter,
    EndpointError,
    QuerySyntaxError,
    UpstreamError,
    UpstreamTimeout,
)

CHUNK = 64 * 1024
DESCRIBE_TIMEOUT = 30.0
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"


class RemoteBackend:
    def __init__(self, url: str):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"--remote needs an http(s) URL of a SPARQL endpoint, not {url!r}")
        self.url = url
        secure = parts.scheme == "https"
        self._connection_class = http.client.HTTPSConnection if secure else http.client.HTTPConnection
        self._host, self._port = parts.hostname, parts.port
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: set[http.client.HTTPConnection] = set()  # every thread's, to close them all
        self._description = self._describe()

    def describe(self) -> Description:
        return self._description

    def health(self) -> dict:
        return {"backend": "remote", "endpoint": self.url, "version": self._description.version,
                "triples": self._description.triples}

    def close(self) -> None:
        with self._lock:
            connections, self._open = self._open, set()
        for connection in connections:
            connection.close()

    def query(self, job: QueryJob, limits: Limits) -> Result:
        function = search.uses_functions(job.text)
        if function is not None:  # a pyoxigraph custom function over our index: no other engine has it
            raise BadParameter(f"the function <{function}> (search inside SPARQL) runs only on the embedded "
                               f"backend; {self.url} does not know it (use /search, or the embedded backend)")
        deadline = time.monotonic() + limits.time
        cap = limits.rows if job.kind != "boolean" else 0
        if job.kind == "boolean":
            accept = "application/sparql-results+json"
        elif cap:
            accept = "text/tab-separated-values" if job.kind == "solutions" else "application/n-triples"
        else:
            accept = job.media_type
        params = [("query", values.bind(job.text, job.substitutions) if job.substitutions else job.text)]
        if job.dataset is not None:
            params += [("default-graph-uri", iri) for iri in job.dataset.default_graphs]
            params += [("named-graph-uri", iri) for iri in job.dataset.named_graphs]
        response = self._post(urlencode(params).encode(), accept, deadline, limits)
        if job.kind == "boolean":
            body = self._read_all(response, deadline, limits)
            try:
                answer = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            except SyntaxError as error:
                raise UpstreamError(f"the remote endpoint {self.url} answered invalid JSON: {error}") from None
            return Result(body=answer.serialize(format=ox.QueryResultsFormat.from_media_type(job.media_type)))
        if not cap:
            return Result(chunks=self._stream(response, deadline, limits))
        copy = lambda sink: self._copy(response, sink, deadline, limits)  # noqa: E731
        try:
            if job.kind == "solutions":
                body, truncated = rowcap.solutions(copy, cap, job.media_type)
            else:
                body, truncated = rowcap.triples(copy, cap, job.media_type, job.prefixes)
        except SyntaxError as error:
            self._drop()
            raise UpstreamError(f"the remote endpoint {self.url} answered invalid {accept}: {error}") from None
        self._done(response)
        return Result(body=body, truncated=truncated, row_limit=cap)

    # HTTP, one keep-alive connection per server thread.

    def _post(self, body: bytes, accept: str, deadline: float, limits: Limits) -> http.client.HTTPResponse:
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept,
                   "User-Agent": "ungass-kg-server"}
        for attempt in (1, 2):
            connection = self._connection(deadline, limits)
            try:
                connection.request("POST", self._path, body=body, headers=headers)
                response = connection.getresponse()
                response.connection_sock = connection.sock  # for the read deadlines of _chunks
                break
            except TimeoutError:
                self._drop()
                raise self._timeout(limits) from None
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
                self._drop()  # a kept-alive connection the remote had closed: retry once on a fresh one
                if attempt == 2:
                    raise UpstreamError(f"the remote endpoint {self.url} closed the connection: {error}") from None
            except OSError as error:
                self._drop()
                raise UpstreamError(f"cannot reach the remote endpoint {self.url}: {error}") from None
        if response.status != 200:
            text = self._read_all(response, deadline, limits).decode("utf-8", "replace").strip()[:500]
            if response.status == 400:
                raise QuerySyntaxError(f"the remote endpoint refused the query: {text}")
            raise UpstreamError(f"the remote endpoint {self.url} answered {response.status} {response.reason}: "
                                f"{text}")
        return response

    def _connection(self, deadline: float, limits: Limits) -> http.client.HTTPConnection:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise self._timeout(limits)
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._connection_class(self._host, self._port, timeout=remaining)
            self._local.connection = connection
            with self._lock:
                self._open.add(connection)
        connection.timeout = remaining
        if connection.sock is not None:
            connection.sock.settimeout(remaining)
        return connection

    def _drop(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            with self._lock:
                self._open.discard(connection)
        self._local.connection = None

    def _chunks(self, response: http.client.HTTPResponse, deadline: float, limits: Limits) -> Iterator[bytes]:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._timeout(limits)
            sock = getattr(response, "connection_sock", None)
            if sock is not None:
                sock.settimeout(remaining)
            try:
                chunk = response.read1(CHUNK)
            except TimeoutError:
                raise self._timeout(limits) from None
            except (OSError, http.client.HTTPException) as error:
                self._drop()
                raise UpstreamError(f"the remote endpoint {self.url} broke off its answer: {error}") from None
            if not chunk:
                return
            yield chunk

    def _copy(self, response, sink, deadline: float, limits: Limits) -> None:
        for chunk in self._chunks(response, deadline, limits):
            sink.write(chunk)

    def _read_all(self, response, deadline: float, limits: Limits) -> bytes:
        body = b"".join(self._chunks(response, deadline, limits))
        self._done(response)
        return body

    def _done(self, response: http.client.HTTPResponse) -> None:
        """Keep the connection only if the whole answer was read (a row cap may have stopped early)."""
        if not response.isclosed():
            response.close()
            self._drop()

    def _stream(self, response, deadline: float, limits: Limits) -> Iterator[bytes]:
        finished = False
        try:
            yield from self._chunks(response, deadline, limits)
            finished = True
        finally:
            if not finished:
                self._drop()

    def _timeout(self, limits: Limits) -> EndpointError:
        self._drop()  # the connection is mid-answer: it cannot be reused
        return UpstreamTimeout(f"the remote endpoint {self.url} did not answer within the "
                               f"{limits.time:g} s time limit")

    # The descriptions: read once, at start.

    def _describe(self) -> Description:
        limits = Limits(DESCRIBE_TIMEOUT, 0)
        deadline = time.monotonic() + DESCRIBE_TIMEOUT
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{META_GRAPH}> {{ ?s ?p ?o }} }}"
        void = self._read_all(self._post(urlencode({"query": query}).encode(), "application/n-triples",
                                         deadline, limits), deadline, limits)
        graph = ox.Store()
        graph.load(void, format=ox.RdfFormat.N_TRIPLES)
        triples = next(iter(graph.query(f"SELECT ?n {{ <{DATASET}> <{VOID}triples> ?n }}")), None)
        graphs = {
            row["g"].value: int(row["n"].value) if row["n"] is not None else None
            for row in graph.query(
                f"SELECT ?g ?n {{ <{DATASET}> <{VOID}subset> ?subset . "
                f"OPTIONAL {{ ?subset <{SD}name> ?name }} BIND(COALESCE(?name, ?subset) AS ?g) "
                f"OPTIONAL {{ ?subset <{VOID}triples> ?n }} FILTER(isIRI(?g)) }}"
            )
        }
        return Description(
            version=hashlib.sha256(b"".join(sorted(void.splitlines(keepends=True)))).hexdigest()[:16],
            triples=int(triples["n"].value) if triples is not None else None,
            graphs=graphs,
            void=void,
            union_default_graph=self._union_default_graph(),
            source=self.url,
        )

    def _union_default_graph(self) -> bool:
        """Whether the remote's service description claims sd:UnionDefaultGraph."""
        limits = Limits(DESCRIBE_TIMEOUT, 0)
        deadline = time.monotonic() + DESCRIBE_TIMEOUT
        connection = self._connection(deadline, limits)
        try:
            connection.request("GET", self._path, headers={"Accept": "application/n-triples, text/turtle;q=0.9"})
            response = connection.getresponse()
            body = self._read_all(response, deadline, limits)
            media_type = (response.getheader("Content-Type") or "").split(";")[0].strip()
            if response.status != 200 or media_type not in ("application/n-triples", "text/turtle"):
                return False
            triples = ox.parse(body, format=ox.RdfFormat.from_media_type(media_type))
            return any(t.predicate.value == SD + "feature" and t.object.value == SD + "UnionDefaultGraph"
                       for t in triples)
        except (OSError, http.client.HTTPException, SyntaxError, EndpointError):
            self._drop()
            return False
