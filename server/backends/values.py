"""Binding variables by a `VALUES` block (SPARQL 1.1 Query §10.2, https://www.w3.org/TR/sparql11-query/#inline-data).

The remote backend sends a named query's parameters this way, since the SPARQL 1.1 Protocol has no
way to send bindings next to a query. The block is written from pyoxigraph terms (`str(term)` is
N-Triples term syntax, a subset of SPARQL's), each one read back by pyoxigraph's own SPARQL parser
before it is sent, so a value can never become query syntax. It opens the outermost group of the
WHERE clause: a VALUES there is joined with the rest of the group, so the variable is bound in every
triple pattern, FILTER and BIND of that group, and is constrained (by the join) in its nested groups,
OPTIONALs, UNIONs and MINUS. That is what pyoxigraph's `substitutions` (SEP-0007) give too, as long as
a parameter is not read by a FILTER or BIND inside a nested group or a subquery, where the block
does not reach: tests/test_queries.py runs every published query both ways and compares the answers.
"""
from __future__ import annotations

import re

import pyoxigraph as ox

from server.errors import BadParameter
from server.sparql.query_scan import scan, tokens

# SPARQL 1.1 Query §19.2: a conforming engine may decode \u escapes before it parses anything.
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def bind(text: str, substitutions: tuple[tuple[str, ox.Term], ...]) -> str:
    """`text` with a VALUES block binding `substitutions` at the start of its WHERE group."""
    at = outer_group(text)
    if at is None:
        raise ValueError("the query has no WHERE group to bind its parameters in")
    return text[:at] + " " + block(substitutions) + " " + text[at:]


def inline(text: str, substitutions: tuple[tuple[str, ox.Term], ...]) -> str | None:
    """`text` with each parameter written as its term inside the WHERE group, and bound by a VALUES block
    for the projection; None when that is not valid SPARQL (the variable is assigned by BIND or VALUES,
    or projected by a subquery), and the caller should use `bind` alone.

    What SEP-0007 substitution means, done in the text: every pattern, nested group, UNION branch and
    FILTER then reads the term itself, so an engine plans each one from it. A VALUES block only reaches
    the group it opens, and a UNION branch that starts from an unbound parameter (document-links' two
    citation closures) is evaluated for every resource before the join keeps one.
    """
    at = outer_group(text)
    if at is None:
        return None
    terms = {name: str(term) for name, term in substitutions}
    depth, end, parts, last = 1, None, [], at
    for tok in tokens(text[at:]):
        start = at + tok.start
        if tok.kind == "other" and tok.text in "{}":
            depth += 1 if tok.text == "{" else -1
            if depth == 0:
                end = start
                break
        elif tok.kind == "var" and tok.text[1:] in terms:
            parts += [text[last:start], terms[tok.text[1:]]]
            last = start + len(tok.text)
    if end is None:
        return None
    written = text[:at] + " " + block(substitutions) + " " + "".join(parts) + text[last:]
    try:
        ox.Store().query(written)  # parsed (and run on nothing) by the engine that will run it
    except SyntaxError:
        return None
    return written


def block(substitutions: tuple[tuple[str, ox.Term], ...]) -> str:
    for name, term in substitutions:
        _check(name, term)
    names = " ".join(f"?{name}" for name, _ in substitutions)
    row = " ".join(str(term) for _, term in substitutions)
    return f"VALUES ({names}) {{ ({row}) }}"


def outer_group(text: str) -> int | None:
    """The offset just after the `{` that opens the WHERE clause's group, or None if there is none.

    The first `WHERE` outside any braces and parentheses; without one (WHERE is optional in SELECT,
    ASK and DESCRIBE), the first `{` outside them, unless the query is a CONSTRUCT (its template).
    Strings, IRIs and comments are skipped by server.sparql.query_scan's tokens.
    """
    braces = parens = 0
    construct = scan(text).form == "CONSTRUCT"
    seen_where = False
    for tok in tokens(text):
        if tok.kind == "word" and tok.text.upper() == "WHERE" and braces == 0 and parens == 0:
            seen_where = True
        elif tok.kind == "other":
            if tok.text == "{":
                if braces == 0 and parens == 0 and (seen_where or not construct):
                    return tok.start + 1
                braces += 1
            elif tok.text == "}":
                braces -= 1
            elif tok.text == "(":
                parens += 1
            elif tok.text == ")":
                parens -= 1
    return None


def _check(name: str, term: ox.Term) -> None:
    """Read the term back as pyoxigraph parses it, and as an engine decoding \\u escapes first would."""
    written = f"SELECT ?{name} WHERE {{ VALUES ?{name} {{ {term} }} }}"
    for reading in dict.fromkeys((written, _UNICODE_ESCAPE.sub(_decode, written))):
        try:
            rows = list(ox.Store().query(reading))
        except SyntaxError:
            rows = []
        if len(rows) != 1 or rows[0][name] != term:
            raise BadParameter(
                f"parameter {name!r}: its value holds a \\u escape sequence that a SPARQL 1.1 engine decodes "
                "before it parses the query, so it cannot be sent to the remote endpoint as it is"
            )


def _decode(match: re.Match) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()
