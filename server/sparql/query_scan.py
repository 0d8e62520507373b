"""What the endpoint reads from a query's text before it runs: form, prologue, dataset clause, SERVICE targets.

A lexical scan by the terminals of SPARQL 1.1 Query §19.8 (https://www.w3.org/TR/sparql11-query/#terminals),
not a parser: the engine still parses every query, entirely, before it evaluates anything. The scan
matches the terminals that can hide text (strings, IRIs, comments) and those a parser never splits
(variables, prefixed names, language tags) exactly as the grammar does, and looks for keywords inside
every run of letters, since Oxigraph's parser needs no word boundary around a keyword. Where it could
disagree with a parser it over-reports: a SERVICE it is unsure about is reported, never missed, because
a miss means the server fetching a URL for a stranger (SPARQL 1.1 Federated Query,
https://www.w3.org/TR/sparql11-federated-query/). tests/test_sparql_safety.py checks the scan against
pyoxigraph itself, on hundreds of SERVICE calls written every odd way the grammar allows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from server.errors import UpdateRefused

QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
# The first keyword of every SPARQL 1.1 Update operation (https://www.w3.org/TR/sparql11-update/#grammar).
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}

# One alternative per terminal that can hide text (strings, IRIs, comments) or that must not be cut
# (variables, prefixed names, language tags). Every pattern matches at most what the grammar's terminal
# matches, never more: a shorter match leaves the rest to be scanned again, which can only over-report.
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>"{3}(?:(?:"|"")?(?:[^"\\]|\\.))*"{3}
             |'{3}(?:(?:'|'')?(?:[^'\\]|\\.))*'{3}
             |"(?:[^"\\\n\r]|\\.)*"
             |'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][0-9A-Za-z_\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0300-\u036F\u0370-\u037D\u037F-\u1FFF]+)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF](?:[\w\-]|\.(?=[\w\-]))*)?:
               (?:[\w\-:]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?\#@%]|\.(?=[\w\-:%\\]))*)
  | (?P<word>[A-Za-z]+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_PN_LOCAL_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int  # offset in the query text


@dataclass(frozen=True)
class QueryScan:
    """What the scan found. `form` is None when the text starts with no query form (a syntax error then)."""

    form: str | None
    prefixes: dict[str, str] = field(default_factory=dict)
    base: str | None = None
    declares_dataset: bool = False
    # Each SERVICE's target as an absolute IRI, or None when it cannot be known before evaluation
    # (a variable, an undeclared prefix, a relative IRI without BASE).
    services: tuple[str | None, ...] = ()

    @property
    def kind(self) -> str:
        """The kind of result: 'solutions' (SELECT), 'boolean' (ASK) or 'graph' (CONSTRUCT, DESCRIBE)."""
        return {"SELECT": "solutions", "ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}.get(
            self.form or "", "solutions"
        )


def scan(text: str) -> QueryScan:
    """Scan a query; refuse it with UpdateRefused when it is a SPARQL Update.

    The text is scanned twice: as written (how Oxigraph reads it) and with its \\u escapes decoded first
    (how SPARQL 1.1 Query §19.2 tells a conforming engine to read it, which matters behind the remote
    backend). A SERVICE or an update found in either reading counts.
    """
    raw = _scan(text)
    unescaped = _UNICODE_ESCAPE.sub(_decode_escape, text)
    if unescaped == text:
        return raw
    other = _scan(unescaped)
    services = raw.services + tuple(s for s in other.services if s not in raw.services)
    return QueryScan(raw.form, raw.prefixes, raw.base, raw.declares_dataset or other.declares_dataset, services)


def tokens(text: str) -> list[Token]:
    """The significant tokens of a query: no whitespace, no comments."""
    return [
        Token(m.lastgroup, m.group(), m.start())
        for m in _TOKEN.finditer(text)
        if m.lastgroup not in ("ws", "comment")
    ]


def _head(text: str) -> list[Token]:
    """The prologue's tokens (BASE, PREFIX, their names and IRIs) and the first token after it."""
    head = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        head.append(Token(kind, m.group(), m.start()))
        if not (kind in ("pname", "iri") or (kind == "word" and m.group().upper() in ("PREFIX", "BASE"))):
            break
    return head


def _scan(text: str) -> QueryScan:
    # Most queries name no SERVICE and no FROM: then the prologue and the form are all there is to read,
    # and the rest of the text need not be tokenized (the scan is the endpoint's main cost per request).
    # str.upper maps character by character, so a token whose upper case holds the keyword is in here.
    upper = text.upper()
    toks = tokens(text) if "SERVICE" in upper or "FROM" in upper else _head(text)
    prefixes: dict[str, str] = {}
    base: str | None = None
    i = 0
    # The prologue: BASE <iri> and PREFIX p: <iri>, in any order (§19.8 rules [4]-[6]). Oxigraph's
    # parser needs no space after a keyword, so PREFIXex: is PREFIX ex: (and so on below).
    while i + 1 < len(toks):
        tok, after = toks[i], toks[i + 1]
        keyword = tok.text.upper()
        if tok.kind == "word" and keyword == "BASE" and after.kind == "iri":
            base = _resolve(after.text[1:-1], base)
            i += 2
        elif tok.kind == "pname" and keyword.startswith("PREFIX") and tok.text.endswith(":") and after.kind == "iri":
            prefixes[tok.text[6:-1]] = _resolve(after.text[1:-1], base) or after.text[1:-1]
            i += 2
        elif (tok.kind == "word" and keyword == "PREFIX" and after.kind == "pname" and after.text.endswith(":")
              and i + 2 < len(toks) and toks[i + 2].kind == "iri"):
            prefixes[after.text[:-1]] = _resolve(toks[i + 2].text[1:-1], base) or toks[i + 2].text[1:-1]
            i += 3
        else:
            break
    first = None
    if i < len(toks) and toks[i].kind in ("word", "pname"):
        first = next((k for k in sorted(QUERY_FORMS | UPDATE_KEYWORDS) if toks[i].text.upper().startswith(k)), None)
    if first in UPDATE_KEYWORDS:
        raise UpdateRefused(
            f"this endpoint is read-only: {first} is a SPARQL Update operation, and only queries "
            "(SELECT, ASK, CONSTRUCT, DESCRIBE) are answered"
        )
    return QueryScan(
        form=first,
        prefixes=prefixes,
        base=base,
        declares_dataset=any(t.kind == "word" and t.text.upper().startswith("FROM") for t in toks),
        services=tuple(_services(text, toks[i:], prefixes, base)),
    )


def _services(text: str, toks: list[Token], prefixes: dict[str, str], base: str | None) -> list[str | None]:
    """The target of every SERVICE keyword, including one glued to other letters.

    Oxigraph's parser matches keywords without word boundaries: `SERVICESILENT<x>`, `trueSERVICE<x>`
    or `SERVICEex:x` call a service. So every SERVICE inside a word, or inside the prefix of a
    prefixed name, counts, and its target is read again from the text right after it, as the parser
    reads it (an optional SILENT, then an IRI, a variable or a prefixed name).
    """
    found = []
    for tok in toks:
        if tok.kind not in ("word", "pname"):
            continue
        searchable = tok.text.split(":", 1)[0].upper()  # a prefixed name's local part cannot be split
        at = searchable.find("SERVICE")
        while at >= 0:
            found.append(_target_after(text, tok.start + at + len("SERVICE"), prefixes, base))
            at = searchable.find("SERVICE", at + 1)
    return found


def _target_after(text: str, position: int, prefixes: dict[str, str], base: str | None) -> str | None:
    position = _skip_blanks(text, position)
    if text[position:position + 6].upper() == "SILENT":
        position = _skip_blanks(text, position + 6)
    match = _TOKEN.match(text, position)
    return _target(Token(match.lastgroup, match.group(), position) if match else None, prefixes, base)


def _skip_blanks(text: str, position: int) -> int:
    while (match := _TOKEN.match(text, position)) and match.lastgroup in ("ws", "comment"):
        position = match.end()
    return position


def _target(token: Token | None, prefixes: dict[str, str], base: str | None) -> str | None:
    if token is None:
        return None
    if token.kind == "iri":
        return _resolve(token.text[1:-1], base)
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + _PN_LOCAL_ESCAPE.sub(r"\1", local)
    return None


def _resolve(iri: str, base: str | None) -> str | None:
    """An absolute IRI, or None for a relative one that cannot be resolved."""
    if re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", iri):
        return iri
    return urljoin(base, iri) if base else None


def _decode_escape(match: re.Match) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()
