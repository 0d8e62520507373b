"""HTTP caching of read answers: ETag, Cache-Control and If-None-Match (RFC 9110 §8.8.3, §13.1.2; RFC 9111 §5.2).

Correct by construction, not by invalidation: the embedded backend serves an immutable build of the
store, so an answer is a function of the build id, the server's settings (a row cap changes answers,
the limits are in the service description) and the request's semantic key (query text, dataset,
negotiated format, the endpoint URL where the answer names it). The ETag is a hash of exactly these.
A matching If-None-Match gets 304 before the query runs. The tag is weak: the same build and request
give an equivalent answer, not one promised byte for byte (row order without ORDER BY is the engine's).
A backend whose data may change under it (remote) says so (`immutable` false) and gets no ETag.

For the same reason the server keeps recent small answers by their ETag (`Answers`, a bounded LRU):
a client that repeats a query without a validator is answered without running it, unless it sends
`Cache-Control: no-cache` (RFC 9111 §5.2.1.4), which makes the query run again (a benchmark's way to
time the engine, or a client's way to be sure).
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache

from flask import Response, current_app, request

MAX_AGE = 60  # seconds a cache may reuse an answer without asking: a rebuild is seen within a minute
CACHE_CONTROL = f"public, max-age={MAX_AGE}"
ANSWERS_BYTES = 64 * 2**20  # the server's own cache of answers, in body bytes
ANSWER_MAX = 256 * 2**10  # larger answers are not kept (they are streamed, or dominated by the query anyway)


class Answers:
    """A thread-safe LRU of finished answers (status 200, whole body) by ETag, bounded by body bytes."""

    def __init__(self, capacity: int = ANSWERS_BYTES):
        self.capacity, self.size = capacity, 0
        self._items: OrderedDict[str, tuple[bytes, list[tuple[str, str]]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, tag: str) -> tuple[bytes, list[tuple[str, str]]] | None:
        with self._lock:
            item = self._items.get(tag)
            if item is not None:
                self._items.move_to_end(tag)
            return item

    def put(self, tag: str, body: bytes, headers: list[tuple[str, str]]) -> None:
        if len(body) > min(ANSWER_MAX, self.capacity):
            return
        with self._lock:
            if tag in self._items:
                return
            self._items[tag] = (body, headers)
            self.size += len(body)
            while self.size > self.capacity:
                _, (old, _) = self._items.popitem(last=False)
                self.size -= len(old)


def respond(answer: Callable[[], Response], *key: object) -> Response:
    """`answer()` with its validators; 304 instead, without calling it, when the client's copy is current."""
    backend = current_app.extensions["backend"]
    if request.method not in ("GET", "HEAD") or not getattr(backend, "immutable", False):
        return answer()
    version = backend.describe().version
    tag = etag(version, current_app.config["SERVER"], key)
    answers: Answers = current_app.extensions.setdefault("answers", Answers())
    if request.if_none_match.contains_weak(tag):
        response = Response(status=304)
        response.vary.add("Accept")  # a 304 carries what the 200 would have (RFC 9110 §15.4.5)
    elif not request.cache_control.no_cache and (kept := answers.get(tag)) is not None:
        response = Response(kept[0], headers=kept[1])
    else:
        response = answer()
        if response.status_code != 200 or backend.describe().version != version:
            return response  # an error, or a new build was swapped in while this one ran: no validator
        if not response.is_streamed:
            answers.put(tag, response.get_data(), list(response.headers.items()))
    response.set_etag(tag, weak=True)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def etag(version: str, settings: object, key: tuple) -> str:
    return hashlib.blake2b(repr((version, _fingerprint(settings), key)).encode(), digest_size=12).hexdigest()


@lru_cache(maxsize=8)
def _fingerprint(settings: object) -> str:
    """The server's settings (a frozen Config), once per configuration rather than once per request."""
    return repr(settings)
