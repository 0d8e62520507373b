"""SERVICE federation policy (SPARQL 1.1 Federated Query, https://www.w3.org/TR/sparql11-federated-query/).

pyoxigraph evaluates SERVICE by fetching the named URL, which would let any client make this server
send requests anywhere (SSRF). A query may name only endpoints on the configured allow-list; the check
runs on the query text, before the query reaches a worker, so a refused target receives nothing.
"""
from __future__ import annotations

from collections.abc import Collection

from server.errors import ServiceRefused
from server.sparql.query_scan import QueryScan


def check(scan: QueryScan, allow_list: Collection[str]) -> None:
    for target in scan.services:
        if target is None:
            raise ServiceRefused(
                "SERVICE is allowed only with an absolute IRI (or a declared prefixed name) on the "
                "endpoint's allow-list, not a variable, a relative IRI or an undeclared prefix"
            )
        if target not in allow_list:
            listed = ", ".join(f"<{iri}>" for iri in sorted(allow_list)) if allow_list else "none"
            raise ServiceRefused(
                f"SERVICE <{target}> is refused: federated queries may only call the endpoints on this "
                f"server's allow-list ({listed})"
            )
