"""Curated facts of Chapters VII and VI (paragraphs 67-85 and footnote 1), expected answers taken from the source text."""
import pytest

FOOTNOTE_1 = "https://w3id.org/ungass-kg/id/doc/cnd-ungass-r3-summary/footnote/1"
ID = "https://w3id.org/ungass-kg/id/"


def seats(kg, event):
    return kg.select(f"""SELECT ?seat ?agent ?role WHERE {{
        event:{event} prov:qualifiedAssociation ?seat . ?seat prov:hadRole ?role .
        OPTIONAL {{ ?seat prov:agent|ukg:expertFrom ?agent }} }}""")


# Paragraph 67: "Expert panellists from Nigeria, Thailand and Germany ... joined by panellists from the
# Sustainable Livelihood Unit of UNODC, the UNDP country office in Afghanistan, and a civil society
# representative from the International Drug Policy Consortium".
def test_chapter_7_panel_is_the_six_seats_of_paragraph_67(kg):
    rows = seats(kg, "cnd-ungass-r3-chapter-7-panel")
    assert {r["role"] for r in rows} == {"https://w3id.org/ungass-kg/ont#Panellist"}
    assert sorted(r["agent"] for r in rows) == sorted(ID + a for a in (
        "state/nga", "state/tha", "state/deu", "org/unodc-sustainable-livelihood-unit",
        "org/undp-afghanistan", "org/idpc"))
    order = kg.values("""SELECT ?agent WHERE { event:cnd-ungass-r3-chapter-7-panel prov:qualifiedAssociation ?s .
        ?s prov:agent|ukg:expertFrom ?agent . FILTER(STRSTARTS(STR(?s), STR(part:r3-ch7-panel-))) } ORDER BY ?s""")
    assert order[:3] == [ID + "state/nga", ID + "state/tha", ID + "state/deu"]


def test_idpc_spoke_on_behalf_of_the_myanmar_opium_farmers_forum(kg):
    assert kg.ask("""ASK { event:cnd-ungass-r3-chapter-7-panel prov:qualifiedAssociation ?s .
        ?s prov:agent actor:idpc ; ukg:onBehalfOf actor:myanmar-opium-farmers-forum ; ukg:seatKind ukg:CivilSociety }""")


def test_unodc_experts_presented_alternative_development_in_the_chapter_7_debate(kg):
    rows = seats(kg, "cnd-ungass-r3-chapter-7-debate")
    assert rows == [{"seat": ID + "participation/r3-ch7-debate-1", "agent": ID + "org/unodc",
                     "role": "https://w3id.org/ungass-kg/ont#Presenter"}]
    assert kg.ask("ASK { part:r3-ch7-debate-1 dcterms:subject measure:alternative-development }")


# Paragraph 76: "experts from Malaysia, Panama, the European Commission, the UNODC Division for Operations,
# and a representative of a non-governmental organization nominated by the Vienna NGO Committee".
def test_chapter_6_panel_is_the_five_seats_of_paragraph_76(kg):
    rows = seats(kg, "cnd-ungass-r3-chapter-6-panel")
    assert len(rows) == 5
    assert {r["role"] for r in rows} == {"https://w3id.org/ungass-kg/ont#Panellist"}
    assert sorted(r["agent"] for r in rows if "agent" in r) == sorted(ID + a for a in (
        "state/mys", "state/pan", "org/european-commission", "org/unodc-division-for-operations"))
    unnamed = [r for r in rows if "agent" not in r]
    assert len(unnamed) == 1
    assert kg.ask(f"""ASK {{ <{unnamed[0]['seat']}> ukg:nominatedBy actor:vngoc ; ukg:seatKind ukg:CivilSociety }}""")


def test_secretary_and_regional_desks_presented_in_the_chapter_6_debate(kg):
    rows = seats(kg, "cnd-ungass-r3-chapter-6-debate")
    assert {r["agent"] for r in rows} == {ID + "org/unodc", ID + "org/cnd-secretariat"}
    assert {r["role"] for r in rows} == {"https://w3id.org/ungass-kg/ont#Presenter"}
    assert kg.values("""SELECT ?d WHERE { ?s prov:agent actor:cnd-secretariat ; ukg:seatDescription ?d ;
        ukg:statedIn para:76 }""") == ["the Secretary to the Commission"]
    # (iii) UNGASS implementation workshops and (iv) a good practice portal
    subjects = set(kg.values("SELECT ?c WHERE { ?s prov:agent actor:cnd-secretariat ; dcterms:subject ?c }"))
    assert {ID + "programme/ungass-implementation-workshops", ID + "programme/good-practice-portal"} <= subjects


@pytest.mark.parametrize("paragraph", range(67, 86))
def test_every_paragraph_of_chapters_6_and_7_states_a_statement(kg, paragraph):
    assert kg.ask(f"ASK {{ ?s a ukg:ReportedStatement ; ukg:statedIn para:{paragraph} }}")


@pytest.mark.parametrize("paragraph, quantifier, text, subject", [
    (70, "Several", "several delegations", "measure:preventive-alternative-development"),
    (71, "Several", "several Member States", "measure:law-enforcement-measures"),
    (73, "ANumberOf", "a number of delegations", "measure:preference-schemes"),
    (75, "Some", "some delegations", "measure:vocational-training"),
    (77, "Many", "many delegations", "theme:coordination"),
    (78, "Some", "some delegations", "theme:sustainable-development-goals"),
    (82, "Some", "some delegations", "programme:networking-the-networks"),
    (83, "Some", "some delegations", "programme:global-smart-programme"),
])
def test_quantifiers_of_statements_are_the_source_words(kg, paragraph, quantifier, text, subject):
    assert kg.ask(f"""ASK {{ ?s a ukg:ReportedStatement ; ukg:statedIn para:{paragraph} ;
        ukg:quantifier ukg:{quantifier} ; ukg:quantifierText "{text}"@en ; dcterms:subject {subject} }}""")


def test_passive_statements_are_unattributed(kg):
    # Paragraph 69: "It was highlighted that while alternative development had predominately been seen ..."
    assert kg.values("SELECT DISTINCT ?q WHERE { ?s ukg:statedIn para:69 ; ukg:quantifier ?q }") == [
        "https://w3id.org/ungass-kg/ont#Unattributed"]
    # Paragraph 84: "the UNODC WCO Container Control Programme was highlighted as a good practice"
    assert kg.ask("""ASK { ?s ukg:statedIn para:84 ; ukg:quantifier ukg:Unattributed ;
        ukg:speechAct ukg:SharedGoodPractice ; dcterms:subject programme:container-control-programme }""")


def test_container_control_programme_is_run_by_unodc_and_wco(kg):
    assert set(kg.values("SELECT ?o WHERE { programme:container-control-programme ukg:runBy ?o }")) == {
        ID + "org/unodc", ID + "org/wco"}
    assert "UNODC WCO Container Control Programme" in kg.values(
        "SELECT ?l WHERE { programme:container-control-programme skos:altLabel ?l }")


def test_smart_programme_is_unodcs(kg):
    assert kg.values("SELECT ?o WHERE { programme:global-smart-programme ukg:runBy ?o }") == [ID + "org/unodc"]


@pytest.mark.parametrize("citing, cited, stated", [
    ("para:79", "doc:cnd-res-60-6", "para:79"),                   # "as further highlighted in CND resolution 60/6"
    ("para:74", "doc:e-res-2017-20", "para:74"),                  # "to adopt resolution 2017/20"
    ("doc:a-res-s-30-1", "doc:2030-agenda", "para:68"),           # "with UNGASS linking it also to ... the 2030 Agenda"
    (f"<{FOOTNOTE_1}>", "doc:e-res-2017-20", f"<{FOOTNOTE_1}>"),   # "ECOSOC resolution 2017/20 on promoting ..."
    ("doc:e-res-2017-20", "doc:un-guiding-principles-alternative-development", f"<{FOOTNOTE_1}>"),  # "calling upon Member States to apply"
    ("para:68", "doc:un-guiding-principles-alternative-development", "para:68"),  # "taking into account the ... Guidelines"
    ("para:80", "doc:unodc-who-mou-2017", "para:80"),             # "renewed Memorandum of Understanding between UNODC and WHO"
])
def test_citations_of_documents(kg, citing, cited, stated):
    assert kg.ask(f"""ASK {{ ?c a cito:Citation ; cito:hasCitingEntity {citing} ; cito:hasCitedEntity {cited} ;
        ukg:statedIn {stated} }}""")


def test_resolution_60_6_is_cited_only_in_paragraph_79_among_chapters_6_and_7(kg):
    paragraphs = kg.values("""SELECT DISTINCT ?n WHERE { ?c cito:hasCitedEntity doc:cnd-res-60-6 ; ukg:statedIn ?p .
        ?p eli:number ?n . FILTER(xsd:integer(?n) >= 67) }""")
    assert paragraphs == ["79"]


def test_paragraph_80_names_the_who_expert_committee_and_the_mou(kg):
    mentioned = set(kg.values("SELECT ?m WHERE { ?s ukg:statedIn para:80 ; schema:mentions ?m }"))
    assert {ID + "org/who-ecdd", ID + "org/who", ID + "doc/unodc-who-mou-2017"} <= mentioned
    assert kg.ask("ASK { ?s ukg:statedIn para:80 ; dcterms:subject theme:new-psychoactive-substances }")


def test_paragraph_85_is_about_the_subsidiary_bodies(kg):
    assert kg.ask("""ASK { ?s ukg:statedIn para:85 ; ukg:quantifier ukg:ANumberOf ;
        ukg:quantifierText "a number of delegations"@en ; schema:mentions actor:cnd-subsidiary-bodies }""")


def test_urban_alternative_development_consultations_welcomed_in_paragraph_75(kg):
    assert kg.ask("""ASK { ?s ukg:statedIn para:75 ; ukg:speechAct ukg:Commended ; ukg:quantifier ukg:ANumberOf ;
        dcterms:subject programme:urban-alternative-development-expert-group-consultations }""")
    assert kg.ask("ASK { measure:urban-alternative-development skos:broader measure:alternative-development }")
