"""Every proper name of the source resolves to a node of the graph by its label or an alternative label.

The proper names are not a hand-picked list: they are read off the source text, all of it (header,
introduction, section headings, paragraphs, footnotes, as loader/paragraphs.py splits it), by this method:

1. The names the graph knows are found first: every English rdfs:label (curated or derived by
   loader/labels.py), skos:prefLabel and skos:altLabel of a node that holds a capital letter is looked
   for in the text, longest first, and each occurrence is blanked out: it resolves.
2. What is left is cut at punctuation (, ; : ( ) quotes and sentence ends) into pieces, and each
   piece into runs of consecutive capitalized words (a word that starts with a capital letter, or a
   number or abbreviation holding one). A run is a proper name when it has two capitalized words, or
   is one abbreviation in capitals (UNODC, ARQ), or is one capitalized word not at the start of its
   sentence. A name with lower-case words inside ("Commission on Narcotic Drugs") that the graph
   does not know is still found, as its capitalized runs ("Commission", "Narcotic Drugs").
3. A capitalized word at the start of a sentence (or after a colon) counts only if the source also capitalizes it
   elsewhere mid-sentence or it is an abbreviation ("Many", "While" are not names; "UNODC" is).
4. Not names of anything the graph describes, and so left out, each for the reason given in EXCLUDED:
   dates (months, weekdays), the honorific "H.E.", the generic nouns "State(s)".

A run that is left after these steps is a proper name that no node carries: the test names it.
"""
from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from conftest import DATA

from loader import labels
from loader.paragraphs import parse

ROOT = DATA.parent
SECTIONS, PARAGRAPHS, FOOTNOTES, INTRO, HEADER = parse((DATA / "source" / "summary.txt").read_text(encoding="utf-8"))
TEXTS = HEADER + [INTRO] + [s.title for s in SECTIONS] + [p.text for p in PARAGRAPHS] + [f.text for f in FOOTNOTES]
PUNCTUATION = re.compile(r"[,;:()\"“”‘]|(?<=[a-z0-9])[.?!](?=\s|$)|\s[–-]\s")
WORD = re.compile(r"[\w][\w'’./&-]*")
EXCLUDED = {  # word -> why it names nothing the graph describes
    **{m: "a month" for m in ("January", "February", "March", "April", "May", "June", "July", "August",
                               "September", "October", "November", "December")},
    **{d: "a weekday" for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")},
    "H.E": "an honorific", "H.E.": "an honorific",
    "State": "a generic noun ('the State', 'States')", "States": "a generic noun ('encourage States')",
}


def capitalized(word: str) -> bool:
    return any(c.isupper() for c in word[:1]) or (word[:1].isdigit() and any(c.isupper() for c in word))


def abbreviation(word: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][A-Z0-9/-]*[A-Z0-9]s?", word))


def bare(word: str) -> str:
    """A word without a possessive or a lower-case compound tail ("CND-led" -> "CND", "UNODC's" -> "UNODC")."""
    word = re.sub(r"['’]s$", "", word.rstrip("."))
    head, _, tail = word.partition("-")
    return head if tail and tail.islower() and capitalized(head) else word


def graph_labels() -> list[str]:
    store = ox.Store()
    for path in list(DATA.rglob("*.ttl")) + list((ROOT / "ontology").glob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    labels.derive(store)
    found = {row["l"].value for row in store.query("""SELECT DISTINCT ?l WHERE {
        VALUES ?p { <http://www.w3.org/2000/01/rdf-schema#label> <http://www.w3.org/2004/02/skos/core#prefLabel>
                    <http://www.w3.org/2004/02/skos/core#altLabel> }
        ?s ?p ?l . FILTER(isIRI(?s) && (LANG(?l) = "" || LANGMATCHES(LANG(?l), "en"))) }""")}
    return sorted((label for label in found if any(c.isupper() for c in label)), key=len, reverse=True)


def mid_sentence_capitals(texts: list[str]) -> set[str]:
    seen = set()
    for text in texts:
        for sentence in re.split(r"(?<=[.?!])\s+", text):
            seen |= {bare(w) for w in WORD.findall(sentence)[1:] if capitalized(w)}
    return seen


def proper_names(texts: list[str], known: list[str]) -> set[str]:
    """The runs of step 2-4 left in the texts once the known labels are blanked out (step 1)."""
    mid = mid_sentence_capitals(texts)
    names = set()
    for text in texts:
        for label in known:
            text = re.sub(r"(?<!\w)" + re.escape(label) + r"(?!\w)", " \0 ", text)
        for sentence in re.split(r"(?<=[.?!:])\s+", text):
            first = True
            for piece in PUNCTUATION.split(sentence):
                words = [bare(w) for w in WORD.findall(piece)]
                names |= _runs(words, first, mid)
                first = first and not words
    return names


def _runs(words: list[str], sentence_start: bool, mid: set[str]) -> set[str]:
    runs, i = set(), 0
    while i < len(words):
        if not capitalized(words[i]) or words[i] in EXCLUDED:
            i += 1
            continue
        j = i
        while j + 1 < len(words) and capitalized(words[j + 1]) and words[j + 1] not in EXCLUDED:
            j += 1
        run = words[i:j + 1]
        if i == 0 and sentence_start and not abbreviation(run[0]) and run[0] not in mid:
            run = run[1:]
        capitals = [w for w in run if capitalized(w) and not w[:1].isdigit()]
        if len(capitals) >= 2 or (len(run) == 1 and (abbreviation(run[0]) or not (i == 0 and sentence_start))):
            runs.add(" ".join(run))
        i = j + 1
    return runs


@pytest.fixture(scope="module")
def known() -> list[str]:
    return graph_labels()


def test_the_method_finds_the_names_it_should_and_no_common_words():
    names = proper_names(["Many delegations commended the UNODC Organized Crime Branch and the INCB in Vienna.",
                          "On Tuesday, 17 October 2017, the Commission met."], [])
    assert names == {"UNODC Organized Crime Branch", "INCB", "Vienna", "Commission"}
    assert proper_names(["Delegations met the Commission on Narcotic Drugs."], []) == {"Commission", "Narcotic Drugs"}


def test_a_name_the_graph_knows_is_blanked_out(known):
    assert proper_names(["Experts from the United Nations Office on Drugs and Crime met."], known) == set()
    assert proper_names(["Experts from the Unknown Anti-Drug Alliance of Farmers met."], known) == {
        "Unknown Anti-Drug Alliance", "Farmers"}


def test_every_proper_name_of_the_source_resolves_to_a_node(known):
    assert sorted(proper_names(TEXTS, known)) == []
