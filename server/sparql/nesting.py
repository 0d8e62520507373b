"""How deeply a query nests brackets, refused past MAX_DEPTH before the engine sees it.

pyoxigraph parses and plans by recursion: 1,000 nested STR( or 3,000 nested groups overflow the 8 MiB
stack of an ordinary thread and crash the process. Queries run on threads with a 256 MiB stack
(server.execution), where 10,000 nested calls and 30,000 nested groups are evaluated; past MAX_DEPTH the
query is refused with a 400 that names the limit. Brackets inside strings, IRIs and comments do not count.
"""
from __future__ import annotations

from server.errors import QueryTooDeep
from server.sparql.query_scan import tokens

MAX_DEPTH = 5000
OPEN, CLOSE = frozenset("({["), frozenset(")}]")


def check(text: str) -> None:
    if sum(text.count(bracket) for bracket in OPEN) <= MAX_DEPTH:
        return  # cannot nest deeper than it has brackets: the common case, without tokenizing
    depth = deepest = 0
    for token in tokens(text):
        if token.kind == "other":
            if token.text in OPEN:
                depth += 1
                deepest = max(deepest, depth)
            elif token.text in CLOSE:
                depth -= 1
    if deepest > MAX_DEPTH:
        raise QueryTooDeep(f"the query nests brackets {deepest} deep; this endpoint evaluates at most "
                           f"{MAX_DEPTH} levels of nested (), {{}} and []")
