"""Reported statements keep the source's quantifiers: a sample, with the words of the source."""
from __future__ import annotations

import pytest

UKG = "https://w3id.org/ungass-kg/ont#"


# (paragraph, the source's words, place on the scale)
@pytest.mark.parametrize("paragraph, words, quantifier", [
    ("9", "many delegations and expert panellists", "Many"),
    ("9", "several delegations", "Several"),
    ("15", "many member states", "Many"),
    ("15", "some delegations", "Some"),
    ("19", "one delegation", "One"),
    ("24", "many delegations", "Many"),
    ("33", "a number of member states", "ANumberOf"),
    ("57", "a number of delegations", "ANumberOf"),
    ("71", "several delegations", "Several"),
    ("83", "some delegations", "Some"),
])
def test_a_statement_keeps_the_words_and_the_rank_of_its_quantifier(kg, paragraph, words, quantifier):
    rows = kg.select(f"""SELECT DISTINCT ?q WHERE {{ ?s a ukg:ReportedStatement ; ukg:statedIn para:{paragraph} ;
        ukg:quantifierText ?text ; ukg:quantifier ?q . FILTER(LCASE(STR(?text)) = "{words}") }}""")
    assert {r["q"] for r in rows} == {UKG + quantifier}


def test_different_views_on_the_death_penalty_are_recorded_as_disagreement(kg):
    assert kg.ask("""ASK { ?s ukg:speechAct ukg:ExpressedDifferentViews ; ukg:statedIn para:42 }""")


def test_statements_of_a_chapter_come_from_that_chapters_debate_or_panel(kg):
    wrong = kg.values("""SELECT ?s WHERE { ?s a ukg:ReportedStatement ; ukg:statedIn ?p ; prov:wasGeneratedBy ?e .
        ?p eli:is_part_of/schema:about ?c . FILTER NOT EXISTS { ?e schema:about ?c } }""")
    assert wrong == []


def test_the_container_control_programme_is_run_by_unodc_and_the_wco(kg):
    runners = set(kg.values("SELECT ?o WHERE { programme:container-control-programme ukg:runBy ?o }"))
    assert runners == {"https://w3id.org/ungass-kg/id/org/unodc", "https://w3id.org/ungass-kg/id/org/wco"}


def test_the_container_control_programme_is_named_in_chapters_iii_and_vi(kg):
    chapters = set(kg.values("""SELECT DISTINCT ?n WHERE { ?s dcterms:subject programme:container-control-programme ;
        ukg:statedIn/eli:is_part_of/schema:about/eli:number ?n }"""))
    assert {"III", "VI"} <= chapters


def test_one_counts_only_statements_by_one_delegation(kg):
    """"with one delegation referring to an 'opioid epidemic'" (¶19), "A delegation also provided" (¶20)."""
    words = set(kg.values("SELECT ?t WHERE { ?s ukg:quantifier ukg:One ; ukg:quantifierText ?t }"))
    assert words == {"one delegation", "a delegation", "another delegation"}
    assert not kg.ask("ASK { ?s ukg:quantifier ukg:One FILTER NOT EXISTS { ?s ukg:quantifierText ?t } }")


def test_the_panellists_of_paragraph_44_shared_insights_from_their_seats_not_as_their_states(kg):
    """"expert panellists from Nigeria, Malaysia, Estonia and Turkey shared insights into national efforts" (¶44)."""
    states = kg.values("""SELECT ?state WHERE { stmt:p44-1 ukg:speakerSeat ?seat . ?seat ukg:expertFrom ?state .
        event:cnd-ungass-r3-chapter-3-panel prov:qualifiedAssociation ?seat } ORDER BY ?seat""")
    assert [s.rsplit("/", 1)[-1] for s in states] == ["nga", "mys", "est", "tur"]
    assert not kg.ask("ASK { stmt:p44-1 prov:wasAttributedTo ?anyone }")


def test_no_statement_made_on_a_panel_is_attributed_to_a_state(kg):
    assert not kg.ask("""ASK { ?s prov:wasGeneratedBy ?panel ; prov:wasAttributedTo ?who .
        ?panel a ukg:PanelDiscussion }""")
    assert not kg.ask("ASK { ?seat a ukg:Participation ; prov:agent ?state . ?state ukg:isoAlpha3 ?code }")


def test_the_unnamed_ngo_representative_of_paragraph_76_is_among_the_speakers_of_the_panel(kg):
    """"and a representative of a non-governmental organization nominated by the Vienna NGO Committee, discussed" (¶76)."""
    assert kg.ask("""ASK { stmt:p76-1 ukg:speakerSeat ?seat . ?seat ukg:nominatedBy actor:vngoc .
        FILTER NOT EXISTS { ?seat prov:agent ?a } }""")
