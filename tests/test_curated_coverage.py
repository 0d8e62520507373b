"""The graph holds the whole source: every paragraph covered, every proper name present."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Hand-made from a reading of the source: every proper name of an organization, unit, country,
# programme, document or body that the summary names.
PROPER_NAMES = [
    # bodies and organizations
    "Commission on Narcotic Drugs", "General Assembly", "Economic and Social Council", "Human Rights Council",
    "World Health Assembly", "United Nations Statistical Commission", "UNODC", "UN Women",
    "World Health Organization", "Joint United Nations Programme on HIV/AIDS", "United Nations Development Programme",
    "Office of the High Commissioner for Human Rights", "International Narcotics Control Board",
    "European Monitoring Center for Drugs and Drug Addiction", "European Commission", "WCO", "INTERPOL",
    "Vienna NGO Committee on Drugs", "Free Clinic Belgium", "European Association for Palliative Care",
    "Nepal Concerned Center", "Action Solidaire de la Jeunesse par le Développement Communautaire",
    "Golden Colombia Foundation", "International Drug Policy Consortium", "Myanmar Opium Farmers Forum", "UICC",
    # units
    "UNODC Drug Prevention and Health Branch", "UNODC Justice Section", "UNODC Organized Crime Branch",
    "UNODC Research and Trend Analysis Branch", "Sustainable Livelihood Unit of UNODC", "UNODC Division for Operations",
    "UNDP country office in Afghanistan", "Expert Committee on Drugs",
    # countries
    "Nigeria", "Singapore", "Estonia", "Portugal", "Kenya", "Mexico", "Belgium", "Angola", "Netherlands",
    "Malaysia", "Colombia", "Canada", "Thailand", "Germany", "Afghanistan", "Panama",
    # programmes
    "CRIMJUST", "AIRCOP", "Container Control Programme", "Early Warning Advisory", "SMART",
    "Joint Global Programme", "Networking the Networks",
    # documents
    "S-30/1", "E/CN.7/2018/1", "60/1", "60/4", "60/6", "2017/20", "Political Declaration and Plan of Action",
    "Joint Ministerial Statement", "2030 Agenda for Sustainable Development", "Memorandum of Understanding",
    "International Standards on Drug Use Prevention", "International Standards on the Treatment of Drug Use Disorders",
    "Guiding Principles on Alternative Development", "Model Lists of Essential Medicines", "Annual Report Questionnaire",
    # people and places
    "Pedro Moitinho de Almeida", "Vienna",
]

NAME_PROPERTIES = """rdfs:label skos:prefLabel skos:altLabel dcterms:title dcterms:alternative schema:name
                     foaf:name eli:number dcterms:identifier"""


def test_the_source_names_are_those_of_the_hand_made_list():
    """Guards the list itself: each name really is in the source."""
    source = (ROOT / "data" / "source" / "summary.txt").read_text(encoding="utf-8")
    missing = [n for n in PROPER_NAMES if n not in source]
    assert not missing, f"not in the source: {missing}"


@pytest.fixture(scope="module")
def names(kg) -> str:
    rows = kg.values(f"""SELECT ?name WHERE {{ VALUES ?p {{ {NAME_PROPERTIES} }} ?s ?p ?name }}""")
    return "\n".join(rows).lower()


@pytest.mark.parametrize("name", PROPER_NAMES)
def test_every_proper_name_of_the_source_is_in_the_graph(names, name):
    assert name.lower() in names


def test_every_paragraph_of_the_deliberations_is_stated_in_by_a_statement_or_explained(kg):
    covered = {int(n) for n in kg.values("""SELECT DISTINCT ?n WHERE {
        ?s a ukg:ReportedStatement ; ukg:statedIn/eli:number ?n }""")}
    notes = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    explained = {int(n) for n in re.findall(r"^- ¶(\d+) has no statement", notes, re.M)}
    missing = sorted(set(range(7, 86)) - covered - explained)
    assert not missing, f"paragraphs with no statement and no curation note: {missing}"


def test_every_statement_participation_and_citation_cites_a_paragraph(kg):
    uncited = kg.values("""SELECT ?x WHERE {
        VALUES ?c { ukg:ReportedStatement ukg:Participation cito:Citation ukg:ReportedFigure }
        ?x a ?c FILTER NOT EXISTS { ?x ukg:statedIn ?p } }""")
    assert uncited == []


# From paragraphs 8, 22, 34, 44, 54, 67 and 76: who held a seat on more than one panel.
def test_the_actors_on_more_than_one_panel(kg):
    rows = kg.values("""SELECT ?agent WHERE {
        ?panel a ukg:PanelDiscussion ; prov:qualifiedAssociation/(prov:agent|ukg:expertFrom) ?agent }
        GROUP BY ?agent HAVING (COUNT(DISTINCT ?panel) > 1)""")
    base = "https://w3id.org/ungass-kg/id/"
    assert sorted(rows) == sorted(base + x for x in [
        "state/nga", "state/est", "state/mex", "state/nld", "state/mys",
        "org/who", "org/incb", "org/emcdda", "org/european-commission", "org/unodc-drug-prevention-and-health-branch"])
