"""The no-orphans check: every actor, document, concept and person is named by a fact of the source.

A node that no paragraph-backed fact reaches within two links (a statement that names a unit of
UNODC reaches UNODC through org:unitOf) is something the source does not say, or a typo in an
IRI. This is a reachability question over the whole graph, which SPARQL on pyoxigraph answers; as a
SHACL-SPARQL constraint, pyshacl took a second per node. It is asked in steps: the candidates (nodes
of the classes below with no ukg:statedIn of their own, a few thousand at most), then whether a
fact links to them, then, for the few left, whether a fact links to something that links to them.
Each step binds ?node with VALUES, so that oxigraph walks back from the candidates: one MINUS over
all two-link paths of the graph took 6-10 s at a million triples, the steps take under one.
"""
from __future__ import annotations

import pyoxigraph as ox

from loader.origins import Origins
from loader.problems import Problem

PREFIXES = """PREFIX ukg: <https://w3id.org/ungass-kg/ont#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
"""
CANDIDATES = PREFIXES + """SELECT DISTINCT ?node WHERE {
  VALUES ?class { org:FormalOrganization org:OrganizationalUnit foaf:Person ukg:Measure ukg:Theme ukg:Programme
                  ukg:Substance ukg:Resolution ukg:GAResolution ukg:CNDResolution ukg:ECOSOCResolution
                  ukg:PoliticalDeclaration ukg:MinisterialStatement ukg:Convention ukg:Agenda
                  ukg:MemorandumOfUnderstanding ukg:Workplan ukg:Guidance ukg:DevelopmentAgenda
                  ukg:DataCollectionInstrument }
  ?node a ?class .
  MINUS { ?node ukg:statedIn ?p }
  MINUS { ?node a ukg:Summary }
}"""
REACHED = [  # the candidates (bound where %s stands) that a fact reaches in one link, then in two
    PREFIXES + "SELECT DISTINCT ?node WHERE { %s ?fact ?link ?node . ?fact ukg:statedIn ?q }",
    PREFIXES + "SELECT DISTINCT ?node WHERE { %s ?mid ?link2 ?node . ?fact2 ?link3 ?mid . ?fact2 ukg:statedIn ?r }",
]


def check(store: ox.Store, origins: Origins) -> list[Problem]:
    """Orphans in the data (the default graph of `store`), in IRI order."""
    orphans = {row["node"] for row in store.query(CANDIDATES)}
    for query in REACHED:
        orphans -= _reached(store, query, orphans)
    files = origins.describing(orphans, store) if orphans else {}
    problems = []
    for node in sorted(orphans, key=str):
        where = origins.where(node.value, files[node.value]) if node.value in files else ["?"]
        problems.append(Problem(", ".join(where), kind="reference", message=(
            f"{node} is named by no fact of the source: nothing that cites a paragraph (ukg:statedIn) links to it "
            "within two steps. Link it from a statement, participation or citation, give it ukg:statedIn, or remove it.")))
    return problems


def _reached(store: ox.Store, query: str, nodes: set) -> set:
    """The nodes the query finds: IRIs all at once in a VALUES block; blank nodes, which VALUES cannot
    hold, one at a time as a substitution (a curator rarely writes one of these classes as a blank node)."""
    named = sorted((n for n in nodes if isinstance(n, ox.NamedNode)), key=str)
    found = set()
    if named:
        found = {row["node"] for row in store.query(query % f"VALUES ?node {{ {' '.join(map(str, named))} }}")}
    for node in nodes.difference(named):
        if any(True for _ in store.query(query % "", substitutions={ox.Variable("node"): node})):
            found.add(node)
    return found
