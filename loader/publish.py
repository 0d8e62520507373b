"""`loader publish URL`: write a build's release into an external store through the SPARQL 1.1 Graph Store
HTTP Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/), then check what the store holds.

One PUT per named graph (§5.3, indirect graph identification `?graph=IRI`), the data graphs first and
the meta graph (the VoID/DCAT description, with the build id) last, so that a server checking the
store's build id (server/backends/remote.py) sees the new release only once all of it is there. Graphs
the previous release listed (its meta graph's void:subset) that this one no longer has are DELETEd.
Then every graph is read back (GET, §5.2) and its triples counted against the build's own counts
(build.json): a difference fails the publish, naming the graph.

Credentials come from the environment, never the command line (where `ps` shows them):
UNGASS_PUBLISH_USER and UNGASS_PUBLISH_PASSWORD, sent with HTTP Basic or Digest auth, whichever the
store asks for (Virtuoso's /sparql-graph-crud-auth asks for Digest). The store's challenge is asked
for once, with a GET, and every request then carries its answer: a store that refuses a large PUT
unauthenticated closes the connection before the body is sent (Virtuoso does), so the credentials must
come with the first try.
"""
from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from loader.layout import DATASET_IRI, META_GRAPH

USER, PASSWORD = "UNGASS_PUBLISH_USER", "UNGASS_PUBLISH_PASSWORD"
VOID_SUBSET = "http://rdfs.org/ns/void#subset"
IDENTIFIER = "http://purl.org/dc/terms/identifier"
TIMEOUT = 600.0  # seconds for one request: a large graph takes a while to load
READ_BACK = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"


class PublishError(Exception):
    """The store refused or lost part of the release; the message says which graphs hold what."""


@dataclass
class Report:
    build_id: str
    replaced: list[str] = field(default_factory=list)  # graphs now holding this release
    removed: list[str] = field(default_factory=list)  # graphs of the previous release, deleted
    previous: str | None = None  # the build id the store held before


class GraphStore:
    """A Graph Store HTTP Protocol endpoint, with the credentials of the environment."""

    def __init__(self, url: str, environ: dict[str, str] | None = None):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"publish needs the http(s) URL of a Graph Store Protocol endpoint, not {url!r}")
        self.url = url
        environ = os.environ if environ is None else environ
        handlers: list[urllib.request.BaseHandler] = []
        self.user, self._password = environ.get(USER), environ.get(PASSWORD, "")
        self._challenge: tuple[str, dict[str, str]] | None = None  # (scheme, parameters), once asked
        if self.user:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, url, self.user, self._password)
            self._digest = urllib.request.HTTPDigestAuthHandler(passwords)
            handlers += [self._digest, urllib.request.HTTPBasicAuthHandler(passwords)]
        self._opener = urllib.request.build_opener(*handlers)

    def _authorize(self, request: urllib.request.Request) -> None:
        """Answer the store's challenge up front (asked for once, by a GET without a body)."""
        if not self.user:
            return
        if self._challenge is None:
            self._challenge = ("", {})
            probe = urllib.request.Request(self.graph_url(META_GRAPH), headers={"Accept": READ_BACK})
            try:
                urllib.request.urlopen(probe, timeout=TIMEOUT).close()
            except urllib.error.HTTPError as error:
                scheme, _, rest = (error.headers.get("WWW-Authenticate") or "").partition(" ")
                params = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(rest)))
                self._challenge = (scheme.lower(), params) if error.code == 401 else ("", {})
            except (urllib.error.URLError, OSError):
                return  # request() reports it
        scheme, params = self._challenge
        if scheme == "basic":
            token = base64.b64encode(f"{self.user}:{self._password}".encode()).decode("ascii")
            request.add_unredirected_header("Authorization", f"Basic {token}")
        elif scheme == "digest":
            answer = self._digest.get_authorization(request, params)
            if answer:
                request.add_unredirected_header("Authorization", f"Digest {answer}")

    def graph_url(self, graph: str) -> str:
        return f"{self.url}{'&' if '?' in self.url else '?'}graph={quote(graph, safe='')}"

    def request(self, method: str, graph: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes, str]:
        """(status, body, media type); 404 is an answer, every other error status raises PublishError."""
        request = urllib.request.Request(self.graph_url(graph), data=body, method=method,
                                         headers={"User-Agent": "ungass-kg-loader", **(headers or {})})
        self._authorize(request)
        try:
            with self._opener.open(request, timeout=TIMEOUT) as response:
                media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip()
                return response.status, response.read(), media_type
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace").strip()[:300]
            if error.code == 404:
                return 404, b"", ""
            if error.code in (401, 403):
                who = f"as {self.user!r}" if self.user else f"without credentials (set {USER} and {PASSWORD})"
                raise PublishError(f"the store at {self.url} refused {method} {graph} {who}: "
                                   f"{error.code} {error.reason}") from None
            raise PublishError(f"{method} {graph}: the store at {self.url} answered {error.code} "
                               f"{error.reason}: {text}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise PublishError(f"{method} {graph}: cannot reach the store at {self.url}: {reason}") from None

    def put(self, graph: str, ntriples: bytes) -> None:
        # N-Triples sent as Turtle (of which it is a subset): every store of the Protocol reads Turtle.
        self.request("PUT", graph, ntriples, {"Content-Type": "text/turtle; charset=utf-8"})

    def delete(self, graph: str) -> None:
        self.request("DELETE", graph)

    def get(self, graph: str) -> list[ox.Triple] | None:
        """The graph's triples, or None if the store has no such graph."""
        status, body, media_type = self.request("GET", graph, headers={"Accept": READ_BACK})
        if status == 404:
            return None
        try:
            rdf_format = ox.RdfFormat.from_media_type(media_type or "text/turtle")
            if rdf_format is None:
                raise SyntaxError(f"an unknown media type {media_type!r}")
            return [quad.triple for quad in ox.parse(body, format=rdf_format)]
        except (SyntaxError, ValueError) as error:
            raise PublishError(f"GET {graph}: the store at {self.url} answered what is not RDF: {error}") from None


def publish(release: Path, url: str, environ: dict[str, str] | None = None,
            progress: Callable[[str], None] = lambda line: None) -> Report:
    """Publish the build at `release` (a folder holding build.json and release/ungass-kg.nq) to `url`."""
    info = json.loads((release / "build.json").read_text(encoding="utf-8"))
    expected: dict[str, int] = info["graphs"]
    store = GraphStore(url, environ)
    dataset = ox.Store()
    dataset.load(path=str(release / "release" / "ungass-kg.nq"), format=ox.RdfFormat.N_QUADS)
    report = Report(build_id=info["build_id"])
    try:
        old_meta = store.get(META_GRAPH)
    except PublishError as error:
        raise PublishError(f"{error}\nNothing was written: the store holds what it held before.") from None
    old_graphs = set()
    if old_meta is not None:
        for t in old_meta:
            if t.subject.value == DATASET_IRI and t.predicate.value == VOID_SUBSET:
                old_graphs.add(t.object.value)
            elif t.subject.value == DATASET_IRI and t.predicate.value == IDENTIFIER:
                report.previous = t.object.value
        old_graphs.add(META_GRAPH)
    order = sorted(g for g in expected if g != META_GRAPH) + [META_GRAPH]
    for graph in order:
        try:
            store.put(graph, dataset.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) or b"")
        except PublishError as error:
            raise PublishError(f"{error}\n{_state(report, order, old_graphs)}") from None
        report.replaced.append(graph)
        progress(f"PUT {graph} ({expected[graph]} triples)")
    for graph in sorted(old_graphs - set(expected)):
        store.delete(graph)
        report.removed.append(graph)
        progress(f"DELETE {graph} (not in this release)")
    wrong = []
    for graph in order:
        held = store.get(graph)
        count = len(set(held)) if held is not None else None
        if count != expected[graph]:
            wrong.append(f"{graph}: {expected[graph]} triples published, the store holds "
                         f"{'no such graph' if count is None else count}")
    for graph in report.removed:
        if store.get(graph):
            wrong.append(f"{graph}: not in this release, but the store still holds it after DELETE")
    if wrong:
        raise PublishError("the store does not hold what was published:\n  " + "\n  ".join(wrong))
    return report


def _state(report: Report, order: list[str], old_graphs: set[str]) -> str:
    """Which graphs hold the new release and which do not, after a PUT failed midway."""
    pending = order[len(report.replaced):]
    previous = f"the previous release ({report.previous})" if report.previous else "no release"
    lines = [f"the publish stopped midway; the store now mixes releases. Already the new release "
             f"({report.build_id}): {', '.join(report.replaced) or 'none'}.",
             f"Still {previous}: {', '.join(g for g in pending if g in old_graphs) or 'none'}."]
    missing = [g for g in pending if g not in old_graphs]
    if missing:
        lines.append(f"Not in the store yet: {', '.join(missing)}.")
    lines.append("The meta graph (the release's build id) is written last, so servers still see the previous "
                 "release; run the publish again to finish.")
    return "\n".join(lines)
