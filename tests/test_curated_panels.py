"""The panels as the source names them (paragraphs 8, 22, 34, 44, 54, 67, 76)."""
from __future__ import annotations

import pytest

ID = "https://w3id.org/ungass-kg/id/"

PANELS = {
    "I": ["org/unodc-drug-prevention-and-health-branch", "state/nga", "state/sgp", "state/est", "state/prt",
          "org/unaids", "org/emcdda", "org/free-clinic-belgium"],
    "II": ["state/ken", "state/mex", "state/bel", "org/unodc-drug-prevention-and-health-branch", "org/who", "org/incb",
           "org/european-association-for-palliative-care"],
    "IV": ["state/ago", "state/nld", "org/unodc-justice-section", "org/un-women", "org/ohchr", "org/nepal-concerned-center"],
    "III": ["org/unodc-organized-crime-branch", "state/nga", "state/mys", "state/est", "state/tur",
            "org/european-commission", "org/asjdc"],
    "V": ["state/col", "state/mex", "state/can", "state/nld", "org/unodc-research-and-trend-analysis-branch",
          "org/incb", "org/who", "org/emcdda", "org/golden-colombia-foundation"],
    "VII": ["state/nga", "state/tha", "state/deu", "org/unodc-sustainable-livelihood-unit", "org/undp-afghanistan",
            "org/idpc"],
    "VI": ["state/mys", "state/pan", "org/european-commission", "org/unodc-division-for-operations"],
}


def seats(kg, chapter: str, extra: str = "") -> list[dict[str, str]]:
    return kg.select(f"""SELECT ?seat ?agent ?nominatedBy ?onBehalfOf WHERE {{
        ?panel a ukg:PanelDiscussion ; schema:about/eli:number "{chapter}" ; prov:qualifiedAssociation ?seat .
        OPTIONAL {{ ?seat prov:agent|ukg:expertFrom ?agent }} OPTIONAL {{ ?seat ukg:nominatedBy ?nominatedBy }}
        OPTIONAL {{ ?seat ukg:onBehalfOf ?onBehalfOf }} {extra} }}""")


@pytest.mark.parametrize("chapter", PANELS)
def test_the_full_panel_of_each_chapter(kg, chapter):
    agents = sorted(row["agent"] for row in seats(kg, chapter) if "agent" in row)
    assert agents == sorted(ID + a for a in PANELS[chapter])


def test_the_chapter_vi_panel_has_one_ngo_seat_the_source_does_not_name(kg):
    unnamed = [row for row in seats(kg, "VI") if "agent" not in row]
    assert len(unnamed) == 1
    assert unnamed[0]["nominatedBy"] == ID + "org/vngoc"


@pytest.mark.parametrize("chapter, opener", [
    ("I", "org/unodc-drug-prevention-and-health-branch"), ("III", "org/unodc-organized-crime-branch")])
def test_the_panels_opened_by_a_unodc_unit(kg, chapter, opener):
    rows = seats(kg, chapter, "?seat prov:hadRole ukg:PanelOpener .")
    assert [row["agent"] for row in rows] == [ID + opener]


def test_the_civil_society_panellists_nominated_by_the_vienna_ngo_committee(kg):
    rows = kg.select("""SELECT ?chapter ?agent WHERE {
        ?panel a ukg:PanelDiscussion ; schema:about/eli:number ?chapter ; prov:qualifiedAssociation ?seat .
        ?seat ukg:nominatedBy actor:vngoc . OPTIONAL { ?seat prov:agent|ukg:expertFrom ?agent } }""")
    found = sorted((r["chapter"], r.get("agent", "")) for r in rows)
    assert found == sorted([("I", ID + "org/free-clinic-belgium"), ("III", ID + "org/asjdc"),
                            ("V", ID + "org/golden-colombia-foundation"), ("VI", "")])


def test_the_idpc_spoke_on_behalf_of_the_myanmar_opium_farmers_forum(kg):
    rows = [r for r in seats(kg, "VII") if "onBehalfOf" in r]
    assert [(r["agent"], r["onBehalfOf"]) for r in rows] == [(ID + "org/idpc", ID + "org/myanmar-opium-farmers-forum")]


def test_undp_country_office_is_a_unit_of_undp_in_afghanistan(kg):
    assert kg.ask("ASK { actor:undp-afghanistan org:unitOf actor:undp ; dcterms:spatial state:afg }")


@pytest.mark.parametrize("code, alpha2, m49", [("nga", "NG", "566"), ("deu", "DE", "276"), ("pan", "PA", "591")])
def test_countries_carry_their_iso_and_m49_codes(kg, code, alpha2, m49):
    rows = kg.select(f"SELECT ?a ?m WHERE {{ state:{code} ukg:isoAlpha2 ?a ; ukg:m49Code ?m }}")
    assert rows == [{"a": alpha2, "m": m49}]


def test_about_fifty_panellists_and_the_48_seats_the_source_names(kg):
    """"Approximately 50 panellists shared their expertise" (¶5): the seven panels name 48 seats, two of them openers."""
    seats = kg.values("SELECT (COUNT(?s) AS ?n) WHERE { ?p a ukg:PanelDiscussion ; prov:qualifiedAssociation ?s }")
    openers = kg.values("""SELECT (COUNT(?s) AS ?n) WHERE { ?p a ukg:PanelDiscussion ; prov:qualifiedAssociation ?s .
        ?s prov:hadRole ukg:PanelOpener }""")
    assert (seats, openers) == (["48"], ["2"])
    assert kg.ask("ASK { <https://w3id.org/ungass-kg/id/figure/p5-1> schema:value 50 ; ukg:figureQualifier ukg:Approximately }")
