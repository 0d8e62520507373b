"""Structure of the round as the source states it: chapters, meetings and their dates, paragraphs."""
import pytest


def test_the_graph_holds_85_paragraphs_7_chapters_7_meetings_and_7_panels(kg):
    counts = kg.select("""SELECT
        (COUNT(DISTINCT ?p) AS ?paragraphs) WHERE { ?p a ukg:SummaryParagraph }""")
    assert counts == [{"paragraphs": "85"}]
    assert len(kg.values("SELECT ?c WHERE { ?c a ukg:OutcomeChapter }")) == 7
    assert len(kg.values("SELECT ?m WHERE { ?m a ukg:IntersessionalMeeting }")) == 7
    assert len(kg.values("SELECT ?p WHERE { ?p a ukg:PanelDiscussion }")) == 7


# Dates from paragraphs 7, 22, 34, 44, 54, 67 and 76.
@pytest.mark.parametrize("number, date", [
    ("I", "2017-09-26"), ("II", "2017-09-27"), ("IV", "2017-09-28"), ("III", "2017-10-16"),
    ("V", "2017-10-17"), ("VII", "2017-10-18"), ("VI", "2017-11-16"),
])
def test_each_chapter_was_discussed_on_the_day_the_source_gives(kg, number, date):
    rows = kg.select(f"""SELECT ?date WHERE {{
        ?m a ukg:IntersessionalMeeting ; schema:about ?c ; schema:startDate ?date .
        ?c eli:number "{number}" . FILTER(DATATYPE(?date) = xsd:date) }}""")
    assert rows == [{"date": date}]


def test_the_order_of_discussion_is_not_the_numbering(kg):
    order = kg.values("""SELECT ?n WHERE { ?m a ukg:IntersessionalMeeting ; schema:position ?pos ;
        schema:about/eli:number ?n } ORDER BY ?pos""")
    assert order == ["I", "II", "IV", "III", "V", "VII", "VI"]


def test_paragraphs_that_cross_a_page_break_are_joined(kg):
    text = kg.values('SELECT ?t WHERE { para:3 schema:text ?t }')[0]
    assert "following a decision taken by the CND at its intersessional meeting on 8 September 2016" in text
    text = kg.values('SELECT ?t WHERE { para:60 schema:text ?t }')[0]
    assert "Early Warning Advisory on new psychoactive substances and the Global Synthetics Monitoring" in text
    text = kg.values('SELECT ?t WHERE { para:81 schema:text ?t }')[0]
    assert "capacity building, equipment and technological know-how, to support Member States" in text


def test_footnote_text_is_kept_out_of_the_paragraph_and_anchored_where_its_marker_stands(kg):
    text = kg.values('SELECT ?t WHERE { para:74 schema:text ?t }')[0]
    assert "ECOSOC resolution 2017/20 on promoting" not in text
    rows = kg.select("""SELECT ?offset ?text WHERE { ?f a ukg:Footnote ; eli:number 1 ; skos:notation "1" ;
        ukg:footnoteTo para:74 ; ukg:markerOffset ?offset ; schema:text ?text }""")
    assert len(rows) == 1
    assert rows[0]["text"].startswith("ECOSOC resolution 2017/20 on promoting the implementation")
    assert text[: int(rows[0]["offset"])].endswith("to adopt resolution 2017/20.")
