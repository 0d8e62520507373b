"""Every statement's speech act is the one data/README.md's table reads from the verb phrase the source uses.

The table is parsed from data/README.md ("Speech acts: the verb decides"), so the rule a curator reads
is the rule the test applies. Each statement's ukg:verbPhrase must stand in its paragraph, verbatim.
"""
from __future__ import annotations

import re

import pytest
from conftest import DATA

from loader.paragraphs import parse

README = (DATA / "README.md").read_text(encoding="utf-8")
ROW = re.compile(r"^\| (\d+) \| ([^|]+) \| `ukg:(\w+)` \|$", re.M)
_, PARAGRAPHS, _, _, _ = parse((DATA / "source" / "summary.txt").read_text(encoding="utf-8"))
TEXT = {str(p.number): " ".join(p.text.split()).lower() for p in PARAGRAPHS}


def table() -> list[tuple[str, list[str]]]:
    rows = sorted((int(n), act, [stem.strip().lower() for stem in stems.split(",")]) for n, stems, act in ROW.findall(README))
    return [(act, stems) for _, act, stems in rows]


def speech_act(phrase: str) -> str | None:
    """The speech act of the first row one of whose stems the phrase contains."""
    for act, stems in table():
        if any(stem in phrase.lower() for stem in stems):
            return act
    return None


@pytest.fixture(scope="module")
def statements(kg) -> list[dict[str, str]]:
    return kg.select("""SELECT ?s ?act ?phrase ?n WHERE { ?s a ukg:ReportedStatement ; ukg:speechAct ?act ;
        ukg:verbPhrase ?phrase ; ukg:statedIn/eli:number ?n }""")


def test_the_table_covers_every_speech_act_of_the_scheme(kg):
    acts = {a.rsplit("#", 1)[-1] for a in kg.values("SELECT ?a WHERE { ?a skos:inScheme ukg:SpeechActScheme }")} or None
    listed = {act for act, _ in table()}
    assert len(table()) == 9
    assert acts is None or listed <= acts  # the scheme lives in the ontology, not in data/


def test_every_statement_keeps_its_verb_phrase(kg, statements):
    total = kg.values("SELECT (COUNT(?s) AS ?n) WHERE { ?s a ukg:ReportedStatement }")[0]
    assert len({r["s"] for r in statements}) == int(total)


def test_every_verb_phrase_stands_in_its_paragraph(statements):
    missing = [(r["s"], r["phrase"]) for r in statements
               if any(" ".join(piece.split()).lower() not in TEXT[r["n"]] for piece in r["phrase"].split("…"))]
    assert missing == []


def test_every_speech_act_is_the_one_the_table_reads_from_the_verb(statements):
    wrong = [(r["s"].rsplit("/", 1)[-1], r["phrase"], r["act"].rsplit("#", 1)[-1], speech_act(r["phrase"]))
             for r in statements if speech_act(r["phrase"]) != r["act"].rsplit("#", 1)[-1]]
    assert wrong == []


@pytest.mark.parametrize("phrase, act", [
    ("reported on positive results", "Reported"),                       # ¶11, ¶52
    ("reported on successful joint investigations", "SharedGoodPractice"),  # ¶49
    ("Some delegations mentioned that", "Reported"),                      # ¶38
    ("were mentioned to be very challenging", "IdentifiedChallenge"),     # ¶15
    ("was highlighted as a good practice", "SharedGoodPractice"),         # ¶84
    ("Different views were expressed", "ExpressedDifferentViews"),        # ¶42
])
def test_the_table_reads_the_sources_verbs(phrase, act):
    assert any(phrase.lower() in text for text in TEXT.values())
    assert speech_act(phrase) == act


@pytest.mark.parametrize("statement, act", [
    ("p11-4", "Reported"), ("p52-2", "Reported"),  # "reported on positive results" both times
    ("p38-2", "Reported"), ("p42-2", "Reported"),  # "mentioned that …", "referred to …": no challenge named
])
def test_the_same_verb_gets_the_same_speech_act(kg, statement, act):
    assert kg.values(f"SELECT ?a WHERE {{ stmt:{statement} ukg:speechAct ?a }}") == [f"https://w3id.org/ungass-kg/ont#{act}"]
