"""Syntax errors a person can act on: the engine's position and expectations, said in words (SPARQL 1.1 Query §19).

Oxigraph reports `error at LINE:COLUMN: expected one of A, B, ...`, where the position is where its
parser gave up (often just after the culprit) and the list holds grammar tokens. This keeps the
position, shows the line with a caret, names the word found there and, when the cause is a common one,
says it: a prefix used but not declared, a misspelt keyword, a bracket never closed, a triple pattern
with fewer than three terms.
"""
from __future__ import annotations

import difflib
import re

from server.sparql import query_scan

_ENGINE = re.compile(r"error at (\d+):(\d+): (?:expected one of |expected )?(.*)", re.DOTALL)
KEYWORDS = (
    "BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK DISTINCT REDUCED FROM NAMED WHERE GROUP BY HAVING ORDER ASC DESC "
    "LIMIT OFFSET VALUES OPTIONAL GRAPH SERVICE SILENT BIND UNDEF MINUS UNION FILTER EXISTS NOT IN AS "
    "COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE "
    "RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE "
    "STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 "
    "COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE"
).split()
# Grammar tokens of the engine's list, in words.
_SAID = {"IRI parsing failed": "a valid IRI", "Prefix not found": "a declared prefix", "?": "a variable",
         "$": "a variable", "<": "an IRI", ":": "a prefixed name"}


def explain(query: str, message: str) -> str:
    """`message` (the engine's, possibly after a prefix) rewritten with its line, column and cause in words."""
    found = _ENGINE.search(message)
    if not found:
        return message
    line, column, expected = int(found[1]), int(found[2]), found[3].strip()
    lines = query.split("\n")
    tokens = query_scan.tokens(query)
    cause = (_undeclared_prefix(query, tokens) or _misspelt(query, tokens) or _unbalanced(query, tokens)
             or _short_triple(query, tokens))
    if cause is not None:
        text, line, column = cause
        return f"{_at(line, column)}: {text}\n{_caret(lines[line - 1], column)}"
    wanted = [_SAID.get(token.strip('"'), token.strip('"')) for token in _split(expected) if not token.startswith("[")]
    wanted = [w for w in dict.fromkeys(wanted) if w and w != "<unreported>"]
    words = (f"expected {wanted[0]}" if len(wanted) == 1 else
             "expected one of " + ", ".join(wanted[:8]) + (", ..." if len(wanted) > 8 else "") if wanted
             else "the parser cannot read what is here")
    text = lines[line - 1].rstrip("\r") if 0 < line <= len(lines) else ""
    return f"{_at(line, column)}: {words}" + ("\n" + _caret(text, column) if text else "")


def _at(line: int, column: int) -> str:
    return f"at line {line}, column {column} ({line}:{column})"


def _position(query: str, offset: int) -> tuple[int, int]:
    before = query[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _misspelt(query: str, tokens) -> tuple[str, int, int] | None:
    """A word that is no keyword but close to one (LIMT, OPTINAL, FILTR...)."""
    for token in tokens:
        if token.kind == "word" and token.text.upper() not in KEYWORDS and token.text != "a":
            guess = difflib.get_close_matches(token.text.upper(), KEYWORDS, n=1, cutoff=0.75)
            if guess:
                return (f"{token.text!r} is not a SPARQL keyword: did you mean {guess[0]}?",
                        *_position(query, token.start))
    return None


def _short_triple(query: str, tokens) -> tuple[str, int, int] | None:
    """A triple pattern of one or two terms (`{ ?s ?p }`), or a predicate without its object after a ';':
    terms from where a pattern starts (after '{', '.', '}') or after a ';', up to the '.', ';' or '}' that
    ends them. A VALUES block's data is not a pattern."""
    terms = {"var", "iri", "pname", "string"}
    run: list = []
    needed, in_values = 0, False  # needed: the terms a complete run has (3, 2 after ';'); 0 outside a pattern
    for token in tokens:
        if token.kind == "word" and token.text.upper() == "VALUES":
            in_values = True
        if token.kind == "other" and token.text in "{.};":
            if needed and run and len(run) < needed and token.text in ".};":
                if needed == 2:
                    text = "after ';' come a predicate and an object; this has only a predicate"
                else:
                    said = "a subject and a predicate" if len(run) == 2 else "a subject"
                    text = f"this triple pattern has only {said}; a triple pattern needs a subject, a predicate and an object"
                return text, *_position(query, run[0].start)
            needed = 2 if token.text == ";" else 0 if (token.text == "{" and in_values) else 3
            if token.text == "}":
                in_values = False
            run = []
        elif needed and (token.kind in terms or token.text == "a"):
            run.append(token)
        else:
            needed = 0
    return None


def _unbalanced(query: str, tokens) -> tuple[str, int, int] | None:
    """An opening bracket never closed, or a closing one never opened."""
    pairs, stack = {"}": "{", ")": "(", "]": "["}, []
    for token in tokens:
        if token.text in "{([" and token.kind == "other":
            stack.append(token)
        elif token.text in pairs and token.kind == "other":
            if not stack or stack[-1].text != pairs[token.text]:
                return f"this {token.text} closes nothing that is open", *_position(query, token.start)
            stack.pop()
    if stack:
        closing = {v: k for k, v in pairs.items()}[stack[-1].text]
        return (f"this {stack[-1].text} is never closed: the query ends before its {closing}",
                *_position(query, stack[-1].start))
    return None


def _split(expected: str) -> list[str]:
    """The engine's comma-separated list; a quoted "," is one of its items."""
    return [token.strip() for token in re.findall(r'"[^"]*"|[^,]+', expected) if token.strip()]


def _caret(text: str, column: int) -> str:
    return f"  {text}\n  {' ' * (min(column, len(text) + 1) - 1)}^"


def _undeclared_prefix(query: str, tokens) -> tuple[str, int, int] | None:
    """The first prefixed name whose prefix the query does not declare."""
    declared = query_scan.scan(query).prefixes
    previous = None
    for token in tokens:
        if token.kind == "pname" and not (previous and previous.kind == "other" and previous.text == "_"):
            prefix = token.text.split(":", 1)[0]
            if prefix not in declared and not (previous and previous.text.upper() == "PREFIX"):
                return (f"undeclared prefix {prefix}: (used here, declared nowhere); add PREFIX {prefix}: "
                        "<namespace IRI> before the query", *_position(query, token.start))
        previous = token
    return None
