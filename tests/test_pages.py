"""Linked-data pages: every IRI under the base dereferences, for people (HTML) and for machines (RDF)."""
from __future__ import annotations

import html
import re

import pyoxigraph as ox
import pytest
import requests

BASE = "https://w3id.org/ungass-kg/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FORMATS = {  # Accept -> pyoxigraph parser
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
LABELS = ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label",
          "https://schema.org/name", "http://purl.org/dc/terms/title")


def local(server, iri: str) -> str:
    return server.url + iri[len(BASE):]


@pytest.fixture(scope="module")
def one_of_each_class(local_store) -> dict[str, str]:
    """A resource under <BASE>id/ for every class the data uses (the first by IRI)."""
    query = f"""SELECT ?class (MIN(STR(?s)) AS ?example) WHERE {{ ?s a ?class .
                FILTER(STRSTARTS(STR(?s), "{BASE}id/")) }} GROUP BY ?class"""
    found = {row["class"].value: row["example"].value
             for row in local_store.query(query, use_default_graph_as_union=True)}
    assert len(found) > 30, found
    return found


def label_of(store, iri: str) -> str | None:
    for predicate in LABELS:
        for quad in store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(predicate), None, None):
            return quad.object.value
    return None


def test_every_class_dereferences_in_every_format(server, local_store, one_of_each_class):
    failures = []
    for cls, iri in sorted(one_of_each_class.items()):
        label = label_of(local_store, iri)
        for accept, rdf_format in FORMATS.items():
            response = requests.get(local(server, iri), headers={"Accept": accept}, timeout=30)
            if response.status_code != 200 or not response.headers["Content-Type"].startswith(accept):
                failures.append(f"{iri} as {accept}: {response.status_code} {response.headers['Content-Type']}")
                continue
            triples = {q.triple for q in ox.parse(response.content, format=rdf_format, base_iri=BASE)}
            if ox.Triple(ox.NamedNode(iri), RDF_TYPE, ox.NamedNode(cls)) not in triples:
                failures.append(f"{iri} as {accept}: no `a <{cls}>`")
            if label and not any(t.subject == ox.NamedNode(iri) and t.object.value == label for t in triples):
                failures.append(f"{iri} as {accept}: no label {label!r}")
        page = requests.get(local(server, iri), headers={"Accept": "text/html"}, timeout=30)
        if page.status_code != 200 or iri not in page.text or (label and label not in html.unescape(page.text)):
            failures.append(f"{iri} as HTML: {page.status_code}, IRI or label {label!r} missing")
    assert not failures, "\n".join(failures)


def test_a_thing_answers_303_to_a_document(server):
    iri = BASE + "id/doc/a-res-s-30-1"
    for accept, target in (("text/html", "/page/id/doc/a-res-s-30-1"), ("text/turtle", "/data/id/doc/a-res-s-30-1.ttl"),
                           ("application/ld+json", "/data/id/doc/a-res-s-30-1.jsonld"),
                           ("application/rdf+xml;q=0.9, application/n-triples", "/data/id/doc/a-res-s-30-1.nt")):
        response = requests.get(local(server, iri), headers={"Accept": accept}, allow_redirects=False, timeout=30)
        assert response.status_code == 303, accept
        assert response.headers["Location"].endswith(target), (accept, response.headers["Location"])
        assert "Accept" in response.headers["Vary"]
        assert response.headers["Link"].count('rel="alternate"') == 5
    assert requests.get(local(server, iri) + "?format=turtle", allow_redirects=False,
                        timeout=30).headers["Location"].endswith(".ttl")


def test_documents_link_their_alternates(server):
    response = requests.get(server.url + "page/id/stmt/p15-1", timeout=30)
    assert response.status_code == 200
    link = response.headers["Link"]
    for url in ("/data/id/stmt/p15-1.ttl", "/data/id/stmt/p15-1.jsonld", "/data/id/stmt/p15-1.nt",
                "/data/id/stmt/p15-1.rdf"):
        assert f"<{url}>" in link and url in response.text


def test_unknown_iri_is_a_404_page_naming_it(server):
    response = requests.get(server.url + "id/stmt/p999-9", headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")
    assert BASE + "id/stmt/p999-9" in response.text
    plain = requests.get(server.url + "id/stmt/p999-9", headers={"Accept": "text/turtle"}, timeout=30)
    assert plain.status_code == 404 and BASE + "id/stmt/p999-9" in plain.text
    assert requests.get(server.url + "data/id/stmt/p15-1.png", timeout=30).status_code == 404


def test_no_acceptable_format_is_406_listing_the_offers(server):
    response = requests.get(server.url + "id/stmt/p15-1", headers={"Accept": "image/png"}, timeout=30)
    assert response.status_code == 406
    for media_type in ("text/html", "text/turtle", "application/ld+json", "application/n-triples",
                       "application/rdf+xml"):
        assert media_type in response.text
    assert requests.get(server.url + "ont", headers={"Accept": "image/png"}, timeout=30).status_code == 406


def test_statement_page_shows_its_source_paragraph(server):
    text = requests.get(server.url + "id/stmt/p15-1", timeout=30).text
    assert "¶ 15" in text
    assert "Many Member States shared good practices in effectively implementing measures" in text
    assert 'href="/id/doc/cnd-ungass-r3-summary/para/15"' in text


def test_chapter_page_lists_meeting_panel_and_statements(server):
    text = requests.get(server.url + "id/doc/a-res-s-30-1/chapter/3", timeout=30).text
    assert 'href="/id/event/cnd-ungass-r3-chapter-3"' in text
    assert 'href="/id/event/cnd-ungass-r3-chapter-3-panel"' in text
    assert 'href="/id/participation/r3-ch3-panel-1"' in text
    assert re.search(r'href="/id/stmt/p4[4-9]-\d+"', text)


def test_actor_page_lists_panels_and_statements(server):
    text = requests.get(server.url + "id/org/unodc", timeout=30).text
    section = text.split("Panels and debates", 1)[1]
    for chapter in range(1, 8):  # ¶5: UNODC participated in each of the panels
        assert f"/id/event/cnd-ungass-r3-chapter-{chapter}-" in section, chapter
    assert "Statements that name it" in text and 'href="/id/stmt/p' in section


def test_round_page_draws_the_timeline(server):
    text = requests.get(server.url + "id/event/cnd-ungass-r3", timeout=30).text
    svg = text.split('<svg xmlns="http://www.w3.org/2000/svg" class="timeline"', 1)[1].split("</svg>", 1)[0]
    meetings = re.findall(r'class="meeting" data-iri="([^"]+)"', svg)
    assert len(meetings) == 7
    # The order of discussion, from the dates of ¶7, 21, 33, 44, 55, 67, 77: I, II, IV, III, V, VII, VI.
    assert [m.rsplit("-", 1)[1] for m in meetings] == ["1", "2", "4", "3", "5", "7", "6"]
    assert "September 2017" in svg and "November 2017" in svg


def test_document_page_draws_its_citation_network(server):
    text = requests.get(server.url + "id/doc/a-res-s-30-1", timeout=30).text
    svg = text.split('class="citation-network"', 1)[1].split("</svg>", 1)[0]
    nodes = set(re.findall(r'class="node[^"]*" data-iri="([^"]+)"', svg))
    # ¶1 cites the outcome document (the summary cites it), which cites the 2030 Agenda.
    assert {BASE + "id/doc/a-res-s-30-1", BASE + "id/doc/cnd-ungass-r3-summary", BASE + "id/doc/2030-agenda"} <= nodes
    assert f'data-from="{BASE}id/doc/cnd-ungass-r3-summary" data-to="{BASE}id/doc/a-res-s-30-1"' in svg
    assert "Cited by (transitively)" in text


def test_ontology_serves_docs_and_turtle(server, local_store):
    page = requests.get(server.url + "ont", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and "Vary" in page.headers
    for term in ("ReportedStatement", "statedIn", "Many", "Participation"):
        assert f'id="{term}"' in page.text, term
    turtle = requests.get(server.url + "ont", headers={"Accept": "text/turtle"}, timeout=30)
    assert turtle.status_code == 200 and turtle.headers["Content-Location"] == "/ont?format=turtle"
    triples = {q.triple for q in ox.parse(turtle.content, format=ox.RdfFormat.TURTLE)}
    owl_class = ox.NamedNode("http://www.w3.org/2002/07/owl#Class")
    assert ox.Triple(ox.NamedNode(BASE + "ont#ReportedStatement"), RDF_TYPE, owl_class) in triples


def test_home_page(server, build_info):
    text = requests.get(server.url, timeout=30).text
    for link in ('href="/editor"', 'href="/search"', 'href="/browse/ukg:ReportedStatement"', 'href="/ont"', 'href="/.well-known/void"', 'href="/dumps/ungass-kg.ttl"',
                 'href="/id/doc/cnd-ungass-r3-summary"'):
        assert link in text, link
    assert "triples" in text


def test_dumps_are_served(server):
    response = requests.get(server.url + "dumps/ungass-kg.ttl", timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")
    assert len(list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))) > 1000
    assert requests.get(server.url + "dumps/nothing.ttl", timeout=30).status_code == 404
    assert requests.get(server.url + "dumps/..%2Fbuild.json", timeout=30).status_code == 404


def test_the_editor_is_yasgui_from_this_origin_with_the_library(server):
    response = requests.get(server.url + "editor", timeout=30)
    text = response.text
    assert response.status_code == 200 and 'value="round-timeline"' in text and 'value="document-links"' in text
    assert not re.search(r'(src|href)="(https?:)?//', text), "nothing may come from another site"
    assert not re.search(r"<script(?![^>]*\b(src=|type=\"application/json\"))", text), "no inline script"
    for name, kind in (("yasgui.min.js", "text/javascript"), ("yasgui.min.css", "text/css")):
        vendored = requests.get(server.url + "vendor/yasgui/" + name, timeout=30)
        assert vendored.status_code == 200 and vendored.headers["Content-Type"].startswith(kind), name
    moved = requests.get(server.url + "workbench", allow_redirects=False, timeout=30)
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/editor")


@pytest.mark.parametrize("path", ["sparql", ".well-known/void", "store"])
def test_endpoint_and_void_are_pages_for_browsers_and_rdf_for_machines(server, path):
    browser = requests.get(server.url + path, timeout=30,
                           headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert browser.status_code == 200 and browser.headers["Content-Type"].startswith("text/html")
    assert 'href="/editor"' in browser.text and "Accept" in browser.headers["Vary"]
    for accept in ("*/*", "text/turtle", "application/rdf+xml", None):
        machine = requests.get(server.url + path, headers={"Accept": accept} if accept else {}, timeout=30)
        assert machine.status_code == 200 and not machine.headers["Content-Type"].startswith("text/html"), accept


def test_page_queries_bind_values_not_text():
    from server.pages import queries as pages_queries
    query = pages_queries.bind(pages_queries.text("page"), this=ox.NamedNode(BASE + "id/stmt/p15-1"))
    assert f"VALUES ?this {{ <{BASE}id/stmt/p15-1> }}" in query
    with pytest.raises(ValueError):
        ox.NamedNode(BASE + "id/x> } ; DROP ALL ; {")
    with pytest.raises(TypeError):
        pages_queries.bind(pages_queries.text("page"), this="<https://example.org/>")


@pytest.mark.parametrize("path, queries", [
    ("id/theme/corruption", 1), ("id/doc/cnd-ungass-r3-summary/para/15", 1), ("id/stmt/p15-1", 1),
    ("id/doc/cnd-res-60-1", 2), ("id/event/cnd-ungass-r3", 2),  # a document's network, a round's timeline
    ("id/org/unodc", 3), ("id/state/bel", 3),  # an actor's seats, and the statements that name it
    ("id/doc/a-res-s-30-1/chapter/3", 3),  # a chapter's meeting, and the network of its document
])
def test_a_page_asks_one_query_and_one_per_section(server, monkeypatch, path, queries):
    """Never a query per row: one brings what every page shows, labels included; a kind adds its section's."""
    backend = server.app.extensions["backend"]
    requests.get(server.url, timeout=30)  # the build's names (one query per build, server.pages.names) are read
    asked = []
    original = backend.query
    monkeypatch.setattr(backend, "query", lambda job, limits: asked.append(job.text) or original(job, limits))
    # no-cache: the page is rendered again, not answered from the server's cache of this build's pages
    response = requests.get(server.url + "page/" + path, headers={"Cache-Control": "no-cache"}, timeout=30)
    assert response.status_code == 200
    assert len(asked) == queries, asked


def test_pages_work_over_the_remote_backend(server, remote_server):
    """Page queries are plain SPARQL 1.1 with a VALUES block: any endpoint answers them (here, our own)."""
    for path in ("page/id/org/unodc", "page/id/doc/a-res-s-30-1/chapter/3", "page/id/event/cnd-ungass-r3"):
        embedded = requests.get(server.url + path, timeout=30)
        remote = requests.get(remote_server.url + path, timeout=30)
        assert remote.status_code == 200, remote.text[:500]
        assert remote.text == embedded.text, path


def test_the_routes_import_the_pages_never_the_reverse():
    """server.pages.ld (routes, negotiation) uses the page modules; they use server.pages.terms for links, not ld."""
    import ast
    from pathlib import Path
    folder = Path(__file__).resolve().parent.parent / "server"
    modules = sorted(p for p in (folder / "pages").glob("*.py") if p.name != "ld.py") + sorted(folder.glob("search/*.py"))
    assert len(modules) > 8
    for path in modules:
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
        assert "server.pages.ld" not in imported, f"{path.name} imports server.pages.ld"


def heading(server, path: str) -> str:
    response = requests.get(server.url + path, headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 200, path
    found = re.search(r"<h1[^>]*>(.*?)</h1>", response.text, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", found[1])).strip()


@pytest.mark.parametrize("path, name", [
    ("page/id/stmt/p19-4", "¶ 19 · Delegations further shared information on national…"),
    ("page/id/participation/r3-ch3-panel-2", "Seat: expert panellist from Nigeria (Panel discussion on Chapter III)"),
    ("page/id/citation/p44-1", "¶ 44 cites Chapter III"),
    ("page/id/figure/p5-1", "¶ 5 · Approximately 50 panellists shared their expertise."),
    ("page/id/doc/cnd-ungass-r3-summary/para/44", "¶ 44 · The implementation of the operational recommendations on…"),
    ("page/id/org/unodc-organized-crime-branch", "UNODC Organized Crime Branch"),  # its rdfs:label
    ("page/id/doc/a-res-s-30-1/chapter/3", "Chapter III — Operational recommendations on supply reduction and related "
     "measures; effective law enforcement; responses to drug-related crime; and countering money-laundering and "
     "promoting judicial cooperation"),
])
def test_every_resource_is_named_by_its_label_or_a_derived_one(server, path, name):
    assert heading(server, path) == name


@pytest.mark.parametrize("iri, words", [
    # the data's label is the meaningful one (loader/labels.py), with the source's words; the page shows it as is
    ("stmt/p52-1", "Many delegations underscored"),
    ("participation/r3-ch3-panel-2", "expert panellist from Nigeria"),
    ("citation/p44-1", "Chapter III"),
    ("doc/cnd-ungass-r3-summary/para/23", "With the availability of internationally controlled"),
])
def test_the_datas_label_is_meaningful_and_is_the_pages_heading(server, iri, words):
    query = f'SELECT ?label WHERE {{ <{BASE}id/{iri}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}'
    response = requests.get(server.url + "sparql", params={"query": query},
                            headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert response.status_code == 200
    found = [b["label"] for b in response.json()["results"]["bindings"]]
    assert len(found) == 1 and found[0]["xml:lang"] == "en", found
    label = found[0]["value"]
    assert words in label and "stmt" not in label and " of paragraph " not in label, label
    assert label.startswith(("¶ ", "Seat: ")), label
    assert heading(server, "page/id/" + iri) == label


def test_a_chapter_is_cited_by_what_cites_that_chapter_only(server):
    text = requests.get(server.url + "page/id/doc/a-res-s-30-1/chapter/3", timeout=30).text
    cited_by = re.search(r'<ul class="cited-by">(.*?)</ul>', text, re.S)[1]
    items = re.findall(r"<li>(.*?)</li>", cited_by, re.S)
    assert items and all('href="/id/doc/a-res-s-30-1/chapter/3"' in item for item in items), items


def test_the_outcome_documents_chapters_read_i_to_vii(server):
    text = requests.get(server.url + "page/id/doc/a-res-s-30-1", timeout=30).text
    text = text[text.index('<section class="referenced-by">'):]  # its parts: eli:is_part_of links to it
    chapters = re.findall(r'href="/id/doc/a-res-s-30-1/chapter/\d"[^>]*>Chapter ([IVX]+) — ', text)
    assert chapters == ["I", "II", "III", "IV", "V", "VI", "VII"], chapters


def test_browsing_a_class_sorts_by_name_and_narrows_by_facets(server, local_store):
    listing = requests.get(server.url + "browse/ukg:ReportedStatement", timeout=30).text
    statements = len(list(local_store.query(
        "SELECT ?s WHERE { ?s a <https://w3id.org/ungass-kg/ont#ReportedStatement> }", use_default_graph_as_union=True)))
    assert f"{statements} of {statements}" in listing and statements > 200
    paragraphs = [int(n) for n in re.findall(r'<li><a href="/id/stmt/[^"]+"[^>]*>¶ (\d+) · ', listing)]
    assert len(paragraphs) == 50 and paragraphs == sorted(paragraphs)
    chapters = re.findall(r'chapter=[^"]+">Chapter ([IVX]+)</a>', listing)
    assert chapters == ["I", "II", "III", "IV", "V", "VI", "VII"], chapters
    called = len(list(local_store.query(
        "SELECT ?s WHERE { ?s a <https://w3id.org/ungass-kg/ont#ReportedStatement> ; "
        "<https://w3id.org/ungass-kg/ont#speechAct> <https://w3id.org/ungass-kg/ont#CalledFor> }",
        use_default_graph_as_union=True)))
    narrowed = requests.get(server.url + "browse/ukg:ReportedStatement",
                            params={"speech-act": BASE + "ont#CalledFor"}, timeout=30).text
    assert f"{called} of {statements}" in narrowed and called > 5
    seats = requests.get(server.url + "browse/ukg:Participation", timeout=30).text
    assert all(f"<h2>{facet}</h2>" in seats for facet in ("Chapter", "Role", "Seat kind"))
    documents = requests.get(server.url + "browse/ukg:Document", timeout=30).text
    assert "<h2>Type</h2>" in documents and "CND resolution" in documents
    assert requests.get(server.url + "browse/ukg:ReportedStatement", params={"colour": "red"}, timeout=30).status_code == 400
    assert requests.get(server.url + "browse/nope:Thing", timeout=30).status_code == 404
    assert requests.get(server.url + "browse/ukg:ReportedStatement", params={"page": "99"}, timeout=30).status_code == 400


def test_queries_for_people_take_3_for_iii_and_explain_empty_answers(server):
    machine = lambda chapter: requests.get(server.url + "queries/chapter-panel", params={"chapter": chapter},  # noqa: E731
                                           headers={"Accept": "text/csv"}, timeout=30).text
    assert machine("3") == machine("III") and machine("III").count("\n") > 5
    page = requests.get(server.url + "queries/chapter-panel", params={"chapter": "3"},
                        headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and '<table class="results">' in page.text and ">Nigeria</a>" in page.text
    assert '<option value="III" selected>' in page.text
    empty = requests.get(server.url + "queries/chapter-panel", params={"chapter": "IX"},
                         headers={"Accept": "text/html"}, timeout=30).text
    assert "No rows" in empty and "is not one of the values the data has (I, II, III, IV, V, VI, VII)" in html.unescape(empty)
    form = requests.get(server.url + "queries/chapter-panel", headers={"Accept": "text/html"}, timeout=30).text
    assert "<form" in form and "Answer" not in form  # a required parameter is missing: the form, no answer yet
