"""Chapters III and V (paragraphs 44-66) as the source states them: panels, statements, citations, programmes."""
from __future__ import annotations

import pytest

ID = "https://w3id.org/ungass-kg/id/"
UKG = "https://w3id.org/ungass-kg/ont#"


def panel_seats(kg, chapter: str) -> dict[str, set[str]]:
    """agent -> roles, for the seats of the panel on one chapter."""
    rows = kg.select(f"""SELECT ?agent ?role WHERE {{
        ?panel a ukg:PanelDiscussion ; schema:about/eli:number "{chapter}" ; prov:qualifiedAssociation ?seat .
        ?seat prov:agent|ukg:expertFrom ?agent ; prov:hadRole ?role }}""")
    seats: dict[str, set[str]] = {}
    for row in rows:
        seats.setdefault(row["agent"], set()).add(row["role"])
    return seats


def statements(kg, paragraph: int, extra: str = "") -> list[dict[str, str]]:
    return kg.select(f"""SELECT DISTINCT ?s ?q ?text ?act WHERE {{
        ?s a ukg:ReportedStatement ; ukg:statedIn para:{paragraph} ; ukg:quantifier ?q ; ukg:speechAct ?act .
        OPTIONAL {{ ?s ukg:quantifierText ?text }} {extra} }}""")


# ¶44: "The UNODC Organized Crime Branch opened the panel discussion …, and expert panellists from Nigeria,
# Malaysia, Estonia and Turkey … An expert panellist from the European Commission … and a representative from
# the organization Action Solidaire de la Jeunesse par le Développement Communautaire, nominated by the Vienna
# NGO Committee on Drugs".
def test_the_chapter_iii_panel_and_its_roles(kg):
    panellist, opener = UKG + "Panellist", UKG + "PanelOpener"
    assert panel_seats(kg, "III") == {
        ID + "org/unodc-organized-crime-branch": {opener},
        ID + "state/nga": {panellist}, ID + "state/mys": {panellist}, ID + "state/est": {panellist},
        ID + "state/tur": {panellist}, ID + "org/european-commission": {panellist}, ID + "org/asjdc": {panellist},
    }


def test_chapter_iii_ngo_seat_is_nominated_by_the_vienna_ngo_committee_and_no_seat_claims_the_regional_groups(kg):
    nominated = kg.values("""SELECT DISTINCT ?agent WHERE { event:cnd-ungass-r3-chapter-3-panel prov:qualifiedAssociation ?seat .
        ?seat ukg:nominatedBy actor:vngoc ; prov:agent|ukg:expertFrom ?agent }""")
    assert nominated == [ID + "org/asjdc"]
    # ¶44 does not say the country experts represented the regional groups.
    assert not kg.ask("""ASK { event:cnd-ungass-r3-chapter-3-panel prov:qualifiedAssociation ?seat .
        ?seat ukg:representing actor:regional-groups }""")


# ¶54: "the regional groups were represented by experts from Colombia, Mexico, Canada and the Netherlands. Other
# panellists represented the UNODC Research and Trend Analysis Branch, the INCB, the WHO, the … (EMCDDA), as well
# as the Golden Colombia Foundation, selected as panellist by the Vienna NGO Committee on Drugs."
def test_the_chapter_v_panel(kg):
    seats = panel_seats(kg, "V")
    assert set(seats) == {ID + a for a in [
        "state/col", "state/mex", "state/can", "state/nld", "org/unodc-research-and-trend-analysis-branch",
        "org/incb", "org/who", "org/emcdda", "org/golden-colombia-foundation"]}
    assert all(roles == {UKG + "Panellist"} for roles in seats.values())
    regional = kg.values("""SELECT DISTINCT ?agent WHERE { event:cnd-ungass-r3-chapter-5-panel prov:qualifiedAssociation ?seat .
        ?seat ukg:representing actor:regional-groups ; prov:agent|ukg:expertFrom ?agent }""")
    assert sorted(regional) == sorted(ID + "state/" + c for c in ["col", "mex", "can", "nld"])
    nominated = kg.values("""SELECT DISTINCT ?agent WHERE { event:cnd-ungass-r3-chapter-5-panel prov:qualifiedAssociation ?seat .
        ?seat ukg:nominatedBy actor:vngoc ; prov:agent|ukg:expertFrom ?agent }""")
    assert nominated == [ID + "org/golden-colombia-foundation"]


# ¶54: "UNODC expert presentations focused on the implementation of the Commission's scheduling decisions, the
# annual report questionnaire, as well as the diversification of drug markets".
def test_unodc_presented_in_the_chapter_v_debate_on_three_topics(kg):
    rows = kg.select("""SELECT ?agent (COUNT(DISTINCT ?subject) AS ?n) WHERE {
        event:cnd-ungass-r3-chapter-5-debate prov:qualifiedAssociation ?seat .
        ?seat prov:hadRole ukg:Presenter ; prov:agent|ukg:expertFrom ?agent ; dcterms:subject ?subject } GROUP BY ?agent""")
    assert rows == [{"agent": ID + "org/unodc", "n": "3"}]
    assert kg.ask("""ASK { ?s a ukg:ReportedStatement ; ukg:statedIn para:54 ; ukg:speechAct ukg:Presented ;
        schema:mentions doc:annual-report-questionnaire }""")


def test_paragraph_46_cites_the_declaration_the_statement_and_the_outcome_document(kg):
    cited = kg.values("""SELECT DISTINCT ?doc WHERE { ?c a cito:Citation ; cito:hasCitingEntity para:46 ;
        cito:hasCitedEntity ?doc ; ukg:citationPhrase ?phrase FILTER(CONTAINS(STR(?phrase), "in line with")) }""")
    assert sorted(cited) == sorted(ID + "doc/" + d for d in [
        "political-declaration-2009", "joint-ministerial-statement-2014", "a-res-s-30-1"])


def test_paragraph_58_credits_resolution_60_4_and_the_request_names_unodc_and_who(kg):
    rows = kg.select("""SELECT DISTINCT ?para ?phrase WHERE { ?c a cito:Citation ; cito:hasCitedEntity doc:cnd-res-60-4 ;
        cito:hasCitingEntity ?para ; ukg:citationPhrase ?phrase }""")
    assert [r["para"] for r in rows] == [ID + "doc/cnd-ungass-r3-summary/para/58"]
    assert "commended for the adoption of its resolution 60/4" in rows[0]["phrase"]
    assert kg.ask("""ASK { ?s a ukg:ReportedStatement ; ukg:statedIn para:58 ; ukg:speechAct ukg:Commended ;
        schema:mentions doc:cnd-res-60-4 , actor:unodc , actor:who }""")


# ¶49: "UNODC programmes, such as CRIMJUST, Airport Communication Programme (AIRCOP) and the Container Control
# Programme (CCP)"; "the UNODC WCO Container Control Programme".
def test_the_unodc_programmes_of_paragraph_49(kg):
    labels = kg.values("""SELECT DISTINCT ?label WHERE { ?s a ukg:ReportedStatement ; ukg:statedIn para:49 ;
        dcterms:subject ?p . ?p a ukg:Programme ; ukg:runBy actor:unodc ; skos:prefLabel ?label }""")
    assert sorted(labels) == ["Airport Communication Programme", "CRIMJUST", "Container Control Programme"]
    runners = kg.values("""SELECT DISTINCT ?org WHERE { ?p skos:altLabel "CCP"@en ; ukg:runBy ?org }""")
    assert sorted(runners) == [ID + "org/unodc", ID + "org/wco"]


def test_unodc_was_encouraged_to_cooperate_with_wco_and_interpol(kg):
    assert statements(kg, 49, "?s schema:mentions actor:wco , actor:interpol , actor:unodc ; ukg:speechAct ukg:CalledFor .")


# ¶60: "the Early Warning Advisory on new psychoactive substances and the Global Synthetics Monitoring: Analyses,
# Reporting and Trends (SMART) programme of UNODC, and INCB tools"; "A new toxicology module … was presented".
def test_the_early_warning_programmes_of_paragraph_60(kg):
    rows = kg.select("""SELECT DISTINCT ?p ?org WHERE { ?s a ukg:ReportedStatement ; ukg:statedIn para:60 ;
        dcterms:subject ?p . ?p a ukg:Programme ; ukg:runBy ?org }""")
    found = {(r["p"].rsplit("/", 1)[1], r["org"].rsplit("/", 1)[1]) for r in rows}
    assert {("global-smart-programme", "unodc"), ("unodc-early-warning-advisory", "unodc"),
            ("incb-tools", "incb")} <= found
    assert kg.ask("""ASK { ?s ukg:statedIn para:60 ; ukg:speechAct ukg:Presented ; dcterms:subject ?m .
        ?m skos:broader programme:unodc-early-warning-advisory }""")


@pytest.mark.parametrize("paragraph, words, quantifier, text", [
    (46, "balanced and comprehensive approach", "Many", "many delegations"),
    (47, "task forces", "Several", "several delegations"),
    (50, "postal services", "ANumberOf", "a number of delegations"),
    (51, "dark net", "ANumberOf", "a number of Member States"),
    (52, "financial investigations", "Many", "many delegations"),
    (57, "slightly lower", "ANumberOf", "a number of delegations"),
    (62, "fentanyl analogues, and of synthetic cannabinoids", "ANumberOf", "a number of Member States"),
    (62, "training courses", "Several", "several Member States"),
    (64, "WhatsApp", "Unattributed", None),
])
def test_quantifier_of_a_statement(kg, paragraph, words, quantifier, text):
    rows = [r for r in statements(kg, paragraph, f'?s dcterms:description ?d FILTER(CONTAINS(?d, "{words}"))')]
    assert len(rows) == 1
    assert rows[0]["q"] == UKG + quantifier
    assert rows[0].get("text") == text


def test_the_substances_of_paragraph_62(kg):
    labels = set(kg.values("""SELECT ?l WHERE { ?s ukg:statedIn para:62 ; dcterms:subject ?c .
        ?c a ukg:Substance ; skos:prefLabel ?l }"""))
    assert {"fentanyl analogues", "synthetic cannabinoids", "cathinones", "phenethylamines",
            "amphetamine-type stimulants"} <= labels
    assert kg.ask("ASK { ?s ukg:statedIn para:50 ; dcterms:subject substance:fentanyl }")


# ¶61: "UNODC and the Commission were commended for their collaboration with … the United Nations Statistical
# Commission"; "Some delegations welcomed the UNODC Expert consultation … scheduled to be held in early 2018."
def test_paragraph_61_statistical_commission_and_expert_consultation(kg):
    assert statements(kg, 61, "?s ukg:speechAct ukg:Commended ; schema:mentions actor:un-statistical-commission .")
    rows = kg.select("""SELECT DISTINCT ?e ?text WHERE { ?s ukg:statedIn para:61 ; ukg:quantifierText ?text ;
        schema:mentions ?e . ?e a schema:Event ; schema:organizer actor:unodc ; schema:about doc:annual-report-questionnaire }""")
    assert [r["text"] for r in rows] == ["some delegations"]


def test_the_darknet_is_discussed_in_both_chapters(kg):
    paragraphs = set(kg.values("""SELECT ?n WHERE { ?s a ukg:ReportedStatement ; dcterms:subject theme:darknet ;
        ukg:statedIn/eli:number ?n }"""))
    assert paragraphs == {"51", "64"}


def test_every_paragraph_44_to_66_has_a_statement_from_its_own_meeting(kg):
    rows = kg.select("""SELECT DISTINCT ?n ?chapter WHERE { ?s a ukg:ReportedStatement ; ukg:statedIn ?p ;
        prov:wasGeneratedBy/schema:about/eli:number ?chapter . ?p eli:number ?n }""")
    by_paragraph = {}
    for r in rows:
        by_paragraph.setdefault(int(r["n"]), set()).add(r["chapter"])
    for n in range(44, 67):
        assert by_paragraph.get(n) == ({"III"} if n <= 53 else {"V"}), n
