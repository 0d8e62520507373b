"""One remote SPARQL endpoint of the remote backend: its keep-alive connections, and whether it is in service.

One HTTP/1.1 connection per server thread, kept alive between queries when an answer was read to its
end; every read has the query's deadline (a socket timeout), so at the time limit the connection is
dropped and the client gets 504. A failure that is the endpoint's, not the query's (it cannot be
reached, drops the connection, cuts an answer short, answers 502/503), raises ReplicaDown, and
server.backends.remote takes the endpoint out of service for RETRY seconds and asks another one.
"""
from __future__ import annotations

import http.client
import logging
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

from server.backends import Limits
from server.errors import EndpointError, QuerySyntaxError, UpstreamError, UpstreamTimeout

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
# Virtuoso echoes the dataset in its answer's headers, one X-SPARQL-default-graph / X-SPARQL-named-graph
# each per graph: a release of a million triples (over 50 graphs) passes http.client's limit of 100.
http.client._MAXHEADERS = max(http.client._MAXHEADERS, 10_000)
RETRY = 5.0  # seconds before a replica taken out of service is checked again


class ReplicaDown(Exception):
    """An endpoint failed in a way that is its own fault, not the query's: try another replica."""


class Replica:
    """One endpoint: its keep-alive connections (one per server thread) and whether it is in service."""

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
        self.up = True
        self.retry_at = 0.0
        self.error: str | None = None
        self.build_id: str | None = None
        self.engine_row_limit: int | None = None  # the engine's own cap on results, if it has one
        self.holds_only_the_release = False  # its own default dataset is the release's: sent none
        self.failures = 0

    def take_out(self, error: str) -> None:
        self.up, self.error, self.retry_at = False, error, time.monotonic() + RETRY
        self.failures += 1
        self.close()
        log.warning("remote endpoint %s taken out of service: %s", self.url, error)

    def health(self) -> dict:
        return {"endpoint": self.url, "up": self.up, "build_id": self.build_id, "error": self.error,
                "failures": self.failures, "engine_row_limit": self.engine_row_limit,
                "dataset": "the engine's own" if self.holds_only_the_release else "sent with each query"}

    def close(self) -> None:
        with self._lock:
            connections, self._open = self._open, set()
        for connection in connections:
            connection.close()

    # HTTP, one keep-alive connection per server thread.

    def post(self, params: list[tuple[str, str]], accept: str, deadline: float,
             limits: Limits) -> http.client.HTTPResponse:
        body = urlencode(params).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept,
                   "User-Agent": "ungass-kg-server"}
        for attempt in (1, 2):
            connection = self._connection(deadline, limits)
            try:
                connection.request("POST", self._path, body=body, headers=headers)
                response = connection.getresponse()
                response.connection_sock = connection.sock  # for the read deadlines of chunks()
                break
            except TimeoutError:
                raise self._timeout(limits) from None
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
                self._drop()  # a kept-alive connection the remote had closed: retry once on a fresh one
                if attempt == 2:
                    raise ReplicaDown(f"the remote endpoint {self.url} closed the connection: {error}") from None
            except (OSError, http.client.HTTPException) as error:
                self._drop()
                raise ReplicaDown(f"cannot reach the remote endpoint {self.url}: {error}") from None
        if response.status != 200:
            text = self.read_all(response, deadline, limits).decode("utf-8", "replace").strip()[:500]
            if response.status == 400:
                raise QuerySyntaxError(f"the remote endpoint refused the query: {text}")
            message = f"the remote endpoint {self.url} answered {response.status} {response.reason}: {text}"
            if response.status in (502, 503):  # the engine (or its proxy) is down, not the query wrong
                raise ReplicaDown(message)
            raise UpstreamError(message)
        return response

    def _connection(self, deadline: float, limits: Limits) -> http.client.HTTPConnection:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise self._timeout(limits)
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._connection_class(self._host, self._port, timeout=remaining)
            self._local.connection = connection
        with self._lock:  # again each time: close() (another thread's take_out) empties the set
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

    def chunks(self, response: http.client.HTTPResponse, deadline: float, limits: Limits) -> Iterator[bytes]:
        """The answer's bytes as they arrive. Reading stops early when the caller stops (a row cap): the
        connection then cannot be reused and is dropped; read to its end, it is kept for the next query."""
        finished = False
        try:
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
                    raise ReplicaDown(f"the remote endpoint {self.url} broke off its answer: {error}") from None
                if not chunk:
                    if response.length:  # Content-Length not reached: read1 reports a dropped connection so
                        self._drop()
                        raise ReplicaDown(f"the remote endpoint {self.url} broke off its answer "
                                          f"({response.length} bytes missing)")
                    finished = True
                    return
                yield chunk
        finally:
            # http.client leaves an answer sent with Content-Length open after its last byte (read1 only
            # closes on an empty read of a positive length), and a connection whose answer is open
            # refuses the next request: closing the answer is what frees the connection for reuse.
            response.close()
            if not finished or response.will_close:
                self._drop()

    def read_all(self, response, deadline: float, limits: Limits) -> bytes:
        return b"".join(self.chunks(response, deadline, limits))

    def _timeout(self, limits: Limits) -> EndpointError:
        self._drop()  # the connection is mid-answer: it cannot be reused
        return UpstreamTimeout(f"the remote endpoint {self.url} did not answer within the "
                               f"{limits.time:g} s time limit")
