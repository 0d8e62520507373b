"""Background (introduction, paragraphs 1-6) and Chapter I (paragraphs 7-21): facts as the source states them."""
import pytest

INTRO = "https://w3id.org/ungass-kg/id/doc/cnd-ungass-r3-summary/intro"
PARA = "https://w3id.org/ungass-kg/id/doc/cnd-ungass-r3-summary/para/"


def test_the_chapter_1_panel_is_the_one_paragraph_8_names(kg):
    rows = kg.select("""SELECT ?agent ?role WHERE {
        event:cnd-ungass-r3-chapter-1-panel prov:qualifiedAssociation ?p .
        ?p prov:agent|ukg:expertFrom ?agent ; prov:hadRole ?role }""")
    got = {(r["agent"].rsplit("/", 1)[-1], r["role"].rsplit("#", 1)[-1]) for r in rows}
    assert got == {
        ("unodc-drug-prevention-and-health-branch", "PanelOpener"),
        ("nga", "Panellist"), ("sgp", "Panellist"), ("est", "Panellist"), ("prt", "Panellist"),
        ("unaids", "Panellist"), ("emcdda", "Panellist"), ("free-clinic-belgium", "Panellist"),
    }


def test_the_seats_are_numbered_in_the_order_the_source_names_them(kg):
    order = kg.values("""SELECT ?agent WHERE {
        event:cnd-ungass-r3-chapter-1-panel prov:qualifiedAssociation ?p . ?p prov:agent|ukg:expertFrom ?agent .
        BIND(xsd:integer(REPLACE(STR(?p), "^.*-", "")) AS ?n) } ORDER BY ?n""")
    assert [a.rsplit("/", 1)[-1] for a in order] == [
        "unodc-drug-prevention-and-health-branch", "nga", "sgp", "est", "prt", "unaids", "emcdda",
        "free-clinic-belgium"]


def test_the_four_national_experts_represent_the_regional_groups(kg):
    states = kg.values("""SELECT ?s WHERE {
        event:cnd-ungass-r3-chapter-1-panel prov:qualifiedAssociation ?p .
        ?p prov:agent|ukg:expertFrom ?s ; ukg:representing actor:regional-groups ; ukg:seatKind ukg:MemberState }""")
    assert sorted(s.rsplit("/", 1)[-1] for s in states) == ["est", "nga", "prt", "sgp"]


def test_the_free_clinic_belgium_was_nominated_by_the_vienna_ngo_committee(kg):
    assert kg.ask("""ASK { event:cnd-ungass-r3-chapter-1-panel prov:qualifiedAssociation ?p .
        ?p prov:agent actor:free-clinic-belgium ; ukg:nominatedBy actor:vngoc ; ukg:seatKind ukg:CivilSociety }""")


def test_unodc_made_two_expert_presentations_during_the_debate(kg):
    rows = kg.select("""SELECT ?p ?d WHERE { event:cnd-ungass-r3-chapter-1-debate prov:qualifiedAssociation ?p .
        ?p prov:agent actor:unodc ; prov:hadRole ukg:Presenter ; ukg:seatDescription ?d }""")
    texts = sorted(r["d"] for r in rows)
    assert len(texts) == 2
    assert any("prevention and treatment of drug abuse" in t for t in texts)
    assert any("prevention, treatment and care of HIV among drug users" in t for t in texts)


@pytest.mark.parametrize("para, measure, quantifier_text", [
    (15, "needle-syringe-exchange-programmes", "many Member States"),
    (15, "methadone-maintenance-therapy", "many Member States"),
    (15, "heroin-assisted-therapy", "some delegations"),
    (15, "drug-consumption-rooms", "some delegations"),
    (15, "abstinence-oriented-treatment-programmes", "other delegations"),
    (17, "needle-syringe-exchange-programmes", "a number of delegations"),
    (18, "drug-observatories", "some delegations"),
    (19, "take-home-naloxone", "delegations"),
    (19, "good-samaritan-overdose-acts", "Member States"),
    (20, "decriminalization", "some delegations"),
])
def test_who_reported_each_measure(kg, para, measure, quantifier_text):
    texts = kg.values(f"""SELECT ?t WHERE {{ ?s a ukg:ReportedStatement ; ukg:statedIn para:{para} ;
        dcterms:subject measure:{measure} ; ukg:quantifierText ?t }}""")
    assert texts == [quantifier_text]


def test_paragraph_9_quantifiers(kg):
    rows = kg.select("""SELECT ?t ?q WHERE { ?s ukg:statedIn para:9 ; ukg:quantifierText ?t ; ukg:quantifier ?q }""")
    got = {(r["t"], r["q"].rsplit("#", 1)[-1]) for r in rows}
    assert ("many delegations and expert panellists", "Many") in got
    assert ("a number of delegations", "ANumberOf") in got
    assert ("several delegations", "Several") in got
    assert ("some delegations", "Some") in got


def test_a_society_free_of_drug_abuse_was_underlined_by_a_number_of_delegations(kg):
    assert kg.ask("""ASK { ?s ukg:statedIn para:9 ; dcterms:subject theme:society-free-of-drug-abuse ;
        ukg:quantifier ukg:ANumberOf ; ukg:speechAct ukg:Highlighted }""")


def test_one_delegation_spoke_of_an_opioid_epidemic_involving_fentanyl(kg):
    assert kg.ask("""ASK { ?s ukg:statedIn para:19 ; ukg:quantifier ukg:One ; ukg:quantifierText "one delegation"@en ;
        dcterms:subject theme:opioid-crisis , substance:fentanyl }""")


def test_cannabis_was_raised_by_two_single_delegations_in_paragraph_20(kg):
    texts = sorted(kg.values("""SELECT ?t WHERE { ?s ukg:statedIn para:20 ; dcterms:subject substance:cannabis ;
        ukg:quantifier ukg:One ; ukg:quantifierText ?t }"""))
    assert texts == ["a delegation", "another delegation"]


def test_nps_treatment_was_a_challenge_for_some_member_states(kg):
    assert kg.ask("""ASK { ?s ukg:statedIn para:15 ; ukg:speechAct ukg:IdentifiedChallenge ;
        ukg:quantifierText "some Member States"@en ; dcterms:subject theme:new-psychoactive-substances , substance:synthetic-opioids }""")


def test_cnd_resolution_60_1_and_the_workplan_are_cited_by_the_introduction_and_paragraph_3(kg):
    for doc in ("cnd-res-60-1", "cnd-workplan-2017-06-30"):
        citing = set(kg.values(f"""SELECT ?c WHERE {{ ?x a cito:Citation ; cito:hasCitedEntity doc:{doc} ;
            cito:hasCitingEntity ?c }}"""))
        assert citing == {INTRO, PARA + "3"}, doc


@pytest.mark.parametrize("doc, para", [
    ("a-res-s-30-1", 1), ("a-res-s-30-1", 9), ("a-res-s-30-1", 13),
    ("drug-control-conventions", 9),
    ("international-standards-drug-use-prevention", 13),
    ("international-standards-treatment-drug-use-disorders", 13),
    ("hiv-technical-guide", 17),
])
def test_documents_cited_in_the_range(kg, doc, para):
    assert kg.ask(f"""ASK {{ ?x a cito:Citation ; cito:hasCitedEntity doc:{doc} ; cito:hasCitingEntity para:{para} ;
        ukg:statedIn para:{para} }}""")


def test_the_three_figures_of_paragraph_5(kg):
    rows = kg.select("""SELECT ?v ?q ?item WHERE { ?f a ukg:ReportedFigure ; ukg:statedIn para:5 ;
        schema:about event:cnd-ungass-r3 ; schema:value ?v ; ukg:figureQualifier ?q ; ukg:countedItem ?item }""")
    got = {(int(r["v"]), r["q"].rsplit("#", 1)[-1]) for r in rows}
    assert got == {(50, "Approximately"), (125, "Exactly"), (30, "MoreThan")}
    assert any("panellists" in r["item"] for r in rows)
    assert any("Member States" in r["item"] for r in rows)
    assert any("civil society organizations" in r["item"] for r in rows)


def test_unodc_and_six_other_entities_took_part_in_the_panels(kg):
    assert kg.ask("""ASK { ?s ukg:statedIn para:5 ; schema:mentions actor:unodc }""")
    mentioned = set(kg.values("""SELECT ?a WHERE { ?s ukg:statedIn para:5 ; schema:mentions ?a }"""))
    for actor in ("un-women", "who", "unaids", "undp", "ohchr", "incb"):
        assert "https://w3id.org/ungass-kg/id/org/" + actor in mentioned


def test_paragraph_21_mentions_the_world_health_assembly_and_calls_for_cooperation(kg):
    assert kg.ask("""ASK { ?s ukg:statedIn para:21 ; ukg:speechAct ukg:CalledFor ; ukg:quantifier ukg:Unquantified ;
        schema:mentions actor:world-health-assembly , actor:unodc , actor:who , actor:unaids }""")


def test_background_statements_come_from_no_debate(kg):
    assert not kg.ask("""ASK { ?s a ukg:ReportedStatement ; ukg:statedIn ?p ; prov:wasGeneratedBy ?e .
        VALUES ?p { para:1 para:2 para:3 para:4 para:5 para:6 } }""")


@pytest.mark.parametrize("n", range(8, 22))
def test_every_paragraph_of_the_range_states_at_least_one_statement(kg, n):
    assert kg.ask(f"ASK {{ ?s a ukg:ReportedStatement ; ukg:statedIn para:{n} }}")


@pytest.mark.parametrize("n", range(1, 7))
def test_the_background_is_the_facilitators_own_account_not_statements_of_delegations(kg, n):
    """"Remarks by H.E. Ambassador Pedro Moitinho de Almeida, CND Facilitator": ¶1-6 are his narrative."""
    assert kg.ask(f"""ASK {{ ?s a ukg:NarrativeStatement ; ukg:statedIn para:{n} ;
        prov:wasAttributedTo <https://w3id.org/ungass-kg/id/person/pedro-moitinho-de-almeida> }}""")
    assert not kg.ask(f"ASK {{ ?s ukg:statedIn para:{n} ; ukg:quantifier ?q }}")


def test_chapter_1_statements_come_from_the_chapter_1_debate(kg):
    bad = kg.values("""SELECT ?s WHERE { ?s a ukg:ReportedStatement ; ukg:statedIn ?p ; prov:wasGeneratedBy ?e .
        ?p eli:is_part_of/schema:about chapter:1 . FILTER(?e != event:cnd-ungass-r3-chapter-1-debate) }""")
    assert bad == []
