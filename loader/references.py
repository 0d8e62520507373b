"""The no-orphans check: every actor, document, concept and person is named by a fact of the source.

A node that no paragraph-backed fact reaches within two links (a statement that names a unit of
UNODC reaches UNODC through org:unitOf) is something the source does not say, or a typo in an
IRI. This is a reachability question over the whole graph, which SPARQL on pyoxigraph answers in
one query; as a SHACL-SPARQL constraint, pyshacl took a second per node. MINUS, not FILTER NOT
EXISTS: oxigraph evaluates a multi-pattern NOT EXISTS per row without the bound variable first.
"""
from __future__ import annotations

import pyoxigraph as ox

from loader.layout import Layout
from loader.problems import Problem
from loader.sources import Source, files_by_subject

ORPHANS = """
PREFIX ukg: <https://w3id.org/ungass-kg/ont#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT DISTINCT ?node WHERE {
  VALUES ?class { org:FormalOrganization org:OrganizationalUnit foaf:Person ukg:Measure ukg:Theme ukg:Programme
                  ukg:Substance ukg:Resolution ukg:GAResolution ukg:CNDResolution ukg:ECOSOCResolution
                  ukg:PoliticalDeclaration ukg:MinisterialStatement ukg:Convention ukg:Agenda
                  ukg:MemorandumOfUnderstanding ukg:Workplan ukg:Guidance ukg:DevelopmentAgenda
                  ukg:DataCollectionInstrument }
  ?node a ?class .
  MINUS { ?node ukg:statedIn ?p }
  MINUS { ?fact ?link ?node . ?fact ukg:statedIn ?q }
  MINUS { ?mid ?link2 ?node . ?fact2 ?link3 ?mid . ?fact2 ukg:statedIn ?r }
  MINUS { ?node a ukg:Summary }
}"""


def check(data: list[Source], layout: Layout) -> list[Problem]:
    store = ox.Store()
    store.extend(q for s in data for q in s.quads)
    files = files_by_subject(data, layout)
    problems = []
    for row in store.query(ORPHANS, use_default_graph_as_union=True):
        iri = row["node"].value
        problems.append(Problem(", ".join(files.get(iri, ["?"])), kind="reference", message=(
            f"<{iri}> is named by no fact of the source: nothing that cites a paragraph (ukg:statedIn) links to it "
            "within two steps. Link it from a statement, participation or citation, give it ukg:statedIn, or remove it.")))
    return problems
