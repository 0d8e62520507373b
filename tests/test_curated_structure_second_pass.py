"""Facts the source states as structure are nodes and links, each with its paragraph (issue 14, point 6)."""
from __future__ import annotations

ID = "https://w3id.org/ungass-kg/id/"


def test_the_secretarys_four_efforts_are_one_node_each_in_their_order(kg):
    """"including (i) the Commission's contribution to the implementation of the 2030 Agenda …, (ii) the work of its
    subsidiary bodies, (iii) an initiative to organize UNGASS implementation workshops, and (iv) the development of
    a good practice portal" (¶76)."""
    rows = kg.select("""SELECT ?marker ?item WHERE { ?i a ukg:EnumeratedItem ; ukg:itemOf stmt:p76-3 ;
        ukg:itemMarker ?marker ; schema:item ?item ; schema:position ?n ; ukg:statedIn para:76 } ORDER BY ?n""")
    assert [(r["marker"], r["item"][len(ID):]) for r in rows] == [
        ("(i)", "doc/2030-agenda"), ("(ii)", "org/cnd-subsidiary-bodies"),
        ("(iii)", "programme/ungass-implementation-workshops"), ("(iv)", "programme/good-practice-portal")]


def test_the_expert_consultation_is_dated_early_2018_with_the_precision_of_a_year(kg):
    """"the UNODC Expert consultation … scheduled to be held in early 2018" (¶61)."""
    row = kg.select("""SELECT ?d ?t WHERE { event:unodc-expert-consultation-drug-statistics-2018 schema:startDate ?d ;
        ukg:dateText ?t FILTER(DATATYPE(?d) = xsd:gYear) }""")
    assert row == [{"d": "2018", "t": "early 2018"}]


def test_what_resolution_60_4_requested_and_of_whom(kg):
    """"resolution 60/4 … which requested the UNODC, the WHO and other relevant international and regional
    organizations, to incorporate toxicological data into the UNODC early warning advisory system" (¶58)."""
    addressees = set(kg.values("""SELECT ?a WHERE { ?r a ukg:ResolutionRequest ; ukg:requestedBy doc:cnd-res-60-4 ;
        ukg:addressedTo ?a ; ukg:statedIn para:58 ; dcterms:subject programme:unodc-early-warning-advisory }"""))
    assert addressees == {ID + "org/unodc", ID + "org/who"}
    assert kg.values("SELECT ?t WHERE { ?r ukg:requestedBy doc:cnd-res-60-4 ; ukg:requestedAction ?t }")[0].startswith(
        "to incorporate toxicological data into the UNODC early warning advisory system")


def test_what_ecosoc_resolution_2017_20_calls_upon_member_states_to_do(kg):
    """"calling upon Member States to apply the United Nations Guiding Principles on Alternative Development" (fn. 1)."""
    assert kg.ask("""ASK { ?r ukg:requestedBy doc:e-res-2017-20 ; ukg:addresseeText "Member States"@en ;
        schema:mentions doc:un-guiding-principles-alternative-development ;
        ukg:statedIn <https://w3id.org/ungass-kg/id/doc/cnd-ungass-r3-summary/footnote/1> }""")


def test_the_planned_panel_of_paragraph_4(kg):
    """"with five expert panellists nominated by the Regional Groups (one by each Regional Group), up to three panellists
    from United Nations entities, specialized organizations or intergovernmental organizations as well as one
    panellist from civil society" (¶4)."""
    rows = kg.select("""SELECT ?value ?q ?kind WHERE { ?f a ukg:PlannedSeats ; schema:about event:cnd-ungass-r3 ;
        schema:value ?value ; ukg:figureQualifier ?q ; ukg:plannedSeatKind ?kind ; ukg:statedIn para:4 }""")
    got = {(int(r["value"]), r["q"].rsplit("#", 1)[-1], r["kind"].rsplit("#", 1)[-1]) for r in rows}
    assert got == {(5, "Exactly", "MemberState"), (3, "AtMost", "UNEntity"), (3, "AtMost", "IntergovernmentalOrganization"),
                   (1, "Exactly", "CivilSociety")}
    assert kg.ask("ASK { ?f ukg:plannedNominator actor:regional-groups ; schema:value 5 }")


def test_offices_and_organizations_named_after_a_country_are_located_in_it(kg):
    """"the UNDP country office in Afghanistan" (¶67), "the Nepal Concerned Center" (¶34), "the Myanmar Opium Farmers
    Forum" (¶67)."""
    located = {r["o"][len(ID):]: r["s"][len(ID):] for r in kg.select(
        "SELECT ?o ?s WHERE { ?o org:classification ?k ; dcterms:spatial ?s FILTER(STRSTARTS(STR(?s), STR(state:))) }")}
    assert {"org/undp-afghanistan": "state/afg", "org/nepal-concerned-center": "state/npl",
            "org/myanmar-opium-farmers-forum": "state/mmr"}.items() <= located.items()


def test_the_measures_that_target_producers_of_nps_keep_their_point(kg):
    """"inter alia the introduction of blanket bans, generic and analogue based legislation or other measures that
    target producers of NPS" (¶57)."""
    assert kg.ask("""ASK { stmt:p57-4 dcterms:subject ?m . ?m skos:prefLabel "measures that target producers of NPS"@en }""")
    assert not kg.ask("ASK { stmt:p57-4 dcterms:subject measure:national-control-measures }")
