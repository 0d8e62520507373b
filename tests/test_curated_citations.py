"""The citations of the source: which paragraph cites which resolution, and the links beyond."""
from __future__ import annotations

import pytest

INTRO = "intro"
SUMMARY = "https://w3id.org/ungass-kg/id/doc/cnd-ungass-r3-summary/"


def citing_units(kg, document: str) -> set[str]:
    """The units of the summary (intro, para/N, footnote/N) whose citations point at the document."""
    units = kg.values(f"""SELECT DISTINCT ?unit WHERE {{
        ?c a cito:Citation ; cito:hasCitedEntity {document} ; ukg:statedIn ?unit }}""")
    return {u.removeprefix(SUMMARY) for u in units}


# Intro: "in line with CND resolution 60/1"; ¶3: "in line with CND resolution 60/1, entitled …";
# ¶58: "commended for the adoption of its resolution 60/4"; ¶79: "as further highlighted in CND
# resolution 60/6"; ¶74 "resolution 2017/20" with footnote 1 giving its title.
@pytest.mark.parametrize("document, units", [
    ("doc:cnd-res-60-1", {INTRO, "para/3"}),
    ("doc:cnd-res-60-4", {"para/58"}),
    ("doc:cnd-res-60-6", {"para/79"}),
    ("doc:e-res-2017-20", {"para/74", "footnote/1"}),
])
def test_the_paragraphs_citing_each_cnd_and_ecosoc_resolution(kg, document, units):
    assert citing_units(kg, document) == units


def test_the_outcome_document_is_cited_where_the_summary_invokes_it(kg):
    # ¶1 "(resolution S-30/1)"; ¶46 "the commitments made in the UNGASS outcome document";
    # ¶79 "the call made in the UNGASS outcome document".
    assert {"para/1", "para/46", "para/79"} <= citing_units(kg, "doc:a-res-s-30-1")


def test_paragraph_46_cites_the_2009_declaration_and_the_2014_statement(kg):
    assert "para/46" in citing_units(kg, "doc:political-declaration-2009")
    assert "para/46" in citing_units(kg, "doc:joint-ministerial-statement-2014")


def test_the_round_follows_the_workplan_of_30_june_2017(kg):
    assert INTRO in citing_units(kg, "doc:cnd-workplan-2017-06-30")


def test_resolution_links_can_be_traced_transitively(kg):
    # ¶74 cites ECOSOC resolution 2017/20, which (footnote 1) calls upon States to apply the
    # United Nations Guiding Principles on Alternative Development.
    reached = kg.values("""SELECT DISTINCT ?doc WHERE {
        doc:cnd-ungass-r3-summary (^eli:is_part_of*/^cito:hasCitingEntity/cito:hasCitedEntity)+ ?doc }""")
    assert "https://w3id.org/ungass-kg/id/doc/e-res-2017-20" in reached
    assert "https://w3id.org/ungass-kg/id/doc/un-guiding-principles-alternative-development" in reached


def test_documents_with_a_symbol_link_to_undocs(kg):
    rows = kg.select("""SELECT ?symbol ?page WHERE { ?d dcterms:identifier ?symbol ; foaf:page ?page }
                        ORDER BY ?symbol""")
    assert {"symbol": "A/RES/S-30/1", "page": "https://undocs.org/A/RES/S-30/1"} in rows
    assert {"symbol": "E/CN.7/2018/1", "page": "https://undocs.org/E/CN.7/2018/1"} in rows
    assert {"symbol": "E/RES/2017/20", "page": "https://undocs.org/E/RES/2017/20"} in rows


def test_the_summary_is_dated_and_prepared_for_the_sixty_first_session(kg):
    rows = kg.select("""SELECT ?date ?start ?end ?item WHERE { doc:cnd-ungass-r3-summary eli:date_document ?date ;
        ukg:preparedFor ?s ; ukg:agendaItem/eli:number ?item . ?s schema:startDate ?start ; schema:endDate ?end }""")
    assert rows == [{"date": "2018-02-16", "start": "2018-03-12", "end": "2018-03-16", "item": "7"}]


def test_the_three_figures_of_paragraph_5(kg):
    rows = kg.select("""SELECT ?value ?q WHERE { ?f a ukg:ReportedFigure ; schema:value ?value ;
        ukg:figureQualifier ?q ; ukg:statedIn para:5 }""")
    ukg = "https://w3id.org/ungass-kg/ont#"
    assert sorted((r["value"], r["q"]) for r in rows) == sorted(
        [("50", ukg + "Approximately"), ("125", ukg + "Exactly"), ("30", ukg + "MoreThan")])


def test_the_unodc_who_memorandum_of_paragraphs_24_and_80_is_one_document(kg):
    """"the Memorandum of Understanding that had been signed between UNODC and WHO early 2017" (¶24) and "the signing
    of a renewed Memorandum of Understanding between UNODC and WHO in the beginning of 2017" (¶80)."""
    cited_in = set(kg.values("""SELECT ?n WHERE { ?c cito:hasCitedEntity doc:unodc-who-mou-2017 ;
        ukg:statedIn/eli:number ?n }"""))
    assert cited_in == {"24", "80"}
    assert set(kg.values("SELECT ?t WHERE { doc:unodc-who-mou-2017 ukg:dateText ?t }")) == {
        "early 2017", "in the beginning of 2017"}


def test_the_readme_explains_the_choices_the_audit_found_undocumented():
    from conftest import DATA
    notes = (DATA / "README.md").read_text(encoding="utf-8")
    for words in ("About 50 panellists, 48 seats", "EMCDDA's spelling", "The UNODC–WHO agreement (¶24, ¶80)"):
        assert words in notes
    assert "16 September" not in notes.replace('Chapter III "16 September"', "")  # no stale month note left
