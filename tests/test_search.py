"""Search: ranked hits (tantivy, BM25) over names, symbols and the source's words, at /search and inside SPARQL."""
from __future__ import annotations

import pytest
import requests

BASE = "https://w3id.org/ungass-kg/id/"
SCORE_QUERY = """PREFIX fn: <https://w3id.org/ungass-kg/fn#>
SELECT DISTINCT ?s ?score WHERE { ?s a ?type BIND(fn:score(?s, ?q) AS ?score) FILTER(BOUND(?score)) }
ORDER BY DESC(?score) ?s"""

# A query as a person types it (the source's words, abbreviations, symbols) -> what must come first.
# Expected from the source: paragraph 19 names naloxone; CND resolution 60/1 is cited in the introduction and
# paragraph 3; A/RES/S-30/1 is the outcome document; the EMCDDA sat on the panels of chapters I and V.
TOP = {
    "naloxone": "substance/naloxone",
    "60/1": "doc/cnd-res-60-1",
    "S-30/1": "doc/a-res-s-30-1",
    "A/RES/S-30/1": "doc/a-res-s-30-1",
    "E/RES/2017/20": "doc/e-res-2017-20",
    "EMCDDA": "org/emcdda",
    "UNODC": "org/unodc",
    "ECDD": "org/who-ecdd",
    "take-home naloxone": "measure/take-home-naloxone",
    "money laundering": "theme/money-laundering",
    "alternative development": "measure/alternative-development",
    "new psychoactive substances": "theme/new-psychoactive-substances",
    "Nigeria": "state/nga",
    "UNGASS outcome document": "doc/a-res-s-30-1",
}


def search(server, q: str, **params) -> dict:
    response = requests.get(server.url + "search", params={"q": q, **params},
                            headers={"Accept": "application/json"}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("query, top", sorted(TOP.items()))
def test_the_expected_resource_ranks_first(server, query, top):
    hits = search(server, query)["hits"]
    assert hits and hits[0]["iri"] == BASE + top, [h["iri"] for h in hits[:5]]


def test_a_hit_has_kind_label_snippet_and_paragraph(server):
    hits = search(server, "naloxone")["hits"]
    statement = next(h for h in hits if h["iri"] == BASE + "stmt/p19-4")
    assert statement["kind"] == "reported statement"
    assert statement["label"].startswith("¶ 19 · ") and "stmt" not in statement["label"]
    assert "<mark>naloxone</mark>" in statement["snippet"].lower()
    assert [p["label"] for p in statement["paragraphs"]] == ["¶ 19"]
    assert statement["paragraphs"][0]["href"] == "/id/doc/cnd-ungass-r3-summary/para/19"
    resolution = search(server, "60/1")["hits"][0]
    assert resolution["symbols"] == ["60/1"] and resolution["kind"] == "CND resolution"


def test_html_for_people_json_for_programs(server):
    page = requests.get(server.url + "search", params={"q": "EMCDDA"}, headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert 'href="/id/org/emcdda"' in page.text and "European Monitoring Center" in page.text
    assert "Accept" in page.headers["Vary"]
    nothing = requests.get(server.url + "search", params={"q": "zzzxqj"}, timeout=30)
    assert "Nothing in the graph matches" in nothing.text
    assert search(server, "zzzxqj")["hits"] == []


def test_bad_search_requests_get_clear_errors(server):
    for params, status, words in (({"q": "x", "page": "0"}, 400, "page"), ({"q": "x", "limit": "3"}, 400, "limit"),
                                  ({"q": "x" * 401}, 400, "400"), ({"q": "x", "format": "xml"}, 406, "json")):
        response = requests.get(server.url + "search", params=params, timeout=30)
        assert response.status_code == status and words in response.text, (params, response.text[:300])


@pytest.mark.parametrize("query", ["naloxone", "60/1", "civil society", "UNODC"])
def test_search_inside_sparql_has_the_order_of_search(server, query):
    listed = [(h["iri"], h["score"]) for h in search(server, query, format="json")["hits"]]
    response = requests.post(server.sparql, data={"query": SCORE_QUERY.replace("?q", '"' + query + '"')},
                             headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert response.status_code == 200, response.text
    rows = [(b["s"]["value"], round(float(b["score"]["value"]), 4)) for b in response.json()["results"]["bindings"]]
    assert rows[:len(listed)] == listed


def test_search_inside_sparql_is_refused_on_a_remote_backend(remote_server):
    response = requests.post(remote_server.sparql, data={"query": SCORE_QUERY.replace("?q", '"naloxone"')}, timeout=30)
    assert response.status_code == 400 and "https://w3id.org/ungass-kg/fn#score" in response.text
