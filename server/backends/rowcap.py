"""The row cap: keep the first N results, know whether there were more, then write the negotiated format.

Results are first written in a line-based format, where one line is one result: SPARQL 1.1 TSV for
solutions (https://www.w3.org/TR/sparql11-results-csv-tsv/#tsv, a header line, then a row per line:
terms are written in Turtle syntax, so newlines in literals are escaped) and N-Triples for triples.
`LineCap` counts newlines in the serializer's 8 KiB chunks (bytes.count, C speed) and raises when a
byte arrives past the cap, which stops the serializer and with it the engine's lazy evaluation. The kept
lines are then parsed and re-serialized by pyoxigraph into the format the client asked for: no
per-row Python loop, and no silent truncation since the caller learns `truncated` before any header.

A remote engine's solutions are counted in SPARQL XML instead (`xml_solutions`): TSV is where engines
differ most (Virtuoso 7 writes neither `<>` around IRIs nor language tags), while every engine writes
the XML format. A solution is one `<result>` element, and `</result>` cannot occur in its content (XML
escapes every `<` in text and attributes), so counting that marker counts solutions, at C speed.
"""
from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox


class CapReached(Exception):
    """Raised inside a serializer's write() to stop it: a result beyond the cap exists."""


class LineCap:
    """A write()-able sink keeping the first `lines` lines; raises CapReached at the first byte after them."""

    def __init__(self, lines: int):
        self.limit = lines
        self.lines = 0
        self.parts: list[bytes] = []
        self.truncated = False

    def write(self, chunk: bytes) -> int:
        chunk = bytes(chunk)
        if self.lines >= self.limit:
            if chunk:
                self.truncated = True
                raise CapReached
            return 0
        newlines = chunk.count(b"\n")
        if self.lines + newlines < self.limit:
            self.lines += newlines
            self.parts.append(chunk)
            return len(chunk)
        keep = self.limit - self.lines
        rest = chunk.split(b"\n", keep)[-1]
        self.parts.append(chunk[: len(chunk) - len(rest)])
        self.lines = self.limit
        if rest:
            self.truncated = True
            raise CapReached
        return len(chunk)

    def flush(self) -> None:
        pass

    @property
    def data(self) -> bytes:
        return b"".join(self.parts)


def capped(write_lines: Callable[[LineCap], None], lines: int) -> tuple[bytes, bool]:
    """Run `write_lines` (which writes TSV or N-Triples into the sink) keeping `lines` lines."""
    sink = LineCap(lines)
    try:
        write_lines(sink)
    except CapReached:
        pass
    return sink.data, sink.truncated


def solutions(write_tsv: Callable[[LineCap], None], cap: int, media_type: str) -> tuple[bytes, bool]:
    """At most `cap` solutions in `media_type`, and whether more existed."""
    tsv, truncated = capped(write_tsv, cap + 1)  # + the header line
    if media_type == "text/tab-separated-values":
        return tsv, truncated
    parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    return parsed.serialize(format=ox.QueryResultsFormat.from_media_type(media_type)), truncated


def triples(write_nt: Callable[[LineCap], None], cap: int, media_type: str,
            prefixes: dict[str, str]) -> tuple[bytes, bool]:
    """At most `cap` triples in `media_type`, and whether more existed."""
    nt, truncated = capped(write_nt, cap)
    return convert_triples(nt, media_type, prefixes), truncated


def convert_triples(nt: bytes, media_type: str, prefixes: dict[str, str]) -> bytes:
    if media_type == "application/n-triples":
        return nt
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    usable = prefixes if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=rdf_format, prefixes=usable) or b""


RESULT_END = b"</result>"


def xml_solutions(chunks, cap: int | None, media_type: str) -> tuple[bytes, int, bool]:
    """Read SPARQL XML results from `chunks`, keep at most `cap` solutions (None: all) and write them in
    `media_type`: (body, solutions kept, whether more existed). Stops reading at the first one past the cap."""
    data, found, search, truncated = bytearray(), 0, 0, False
    for chunk in chunks:
        data += chunk
        n = data.count(RESULT_END, search)
        if cap is None or found + n <= cap:
            found += n
            if n:
                search = data.rfind(RESULT_END, search) + len(RESULT_END)
            search = max(search, len(data) - len(RESULT_END) + 1)
            continue
        cut = search
        for _ in range(cap - found):
            cut = data.index(RESULT_END, cut) + len(RESULT_END)
        del data[cut:]
        data += b"</results></sparql>"
        found, truncated = cap, True
        break
    # Virtuoso writes blank nodes as <bnode>nodeID://b1</bnode>, which is no blank node label; `<bnode>`
    # cannot occur in text either, so the prefix is dropped wherever it starts an element's content.
    body = bytes(data).replace(b"<bnode>nodeID://", b"<bnode>")
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.XML)
    return parsed.serialize(format=ox.QueryResultsFormat.from_media_type(media_type)), found, truncated
