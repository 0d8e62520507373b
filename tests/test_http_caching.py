"""A client that caches: ETag and Cache-Control on every read answer, 304 on revalidation, a new tag per build."""
from __future__ import annotations

import shutil

import pytest
import requests
from conftest import DATA
from loader_cli import loader
from server_fixtures import serve, wait_for

from server.app import create_app
from server.backends.embedded import EmbeddedBackend
from server.config import Config

SELECT = "SELECT ?label WHERE { <https://w3id.org/ungass-kg/id/org/unodc> <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
JSON = {"Accept": "application/sparql-results+json"}


class CountingBackend:
    """The real embedded backend, counting the queries it runs."""

    def __init__(self, backend: EmbeddedBackend):
        self.backend, self.queries = backend, 0
        self.immutable = backend.immutable

    def query(self, job, limits):
        self.queries += 1
        return self.backend.query(job, limits)

    def __getattr__(self, name):
        return getattr(self.backend, name)


@pytest.fixture(scope="module")
def counted(server_build):
    config = Config(build_dir=server_build, time_limit=10.0)
    backend = CountingBackend(EmbeddedBackend(config.store))
    running = serve(create_app(config, backend))
    yield running, backend
    running.stop()


def test_a_query_answer_carries_an_etag_and_a_modest_max_age(server):
    response = requests.get(server.sparql, params={"query": SELECT}, headers=JSON, timeout=30)
    assert response.status_code == 200
    assert response.headers["ETag"].startswith('W/"')
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert "Accept" in response.headers["Vary"]


def test_revalidation_gets_304_without_running_the_query(counted):
    server, backend = counted
    first = requests.get(server.sparql, params={"query": SELECT}, headers=JSON, timeout=30)
    ran = backend.queries
    again = requests.get(server.sparql, params={"query": SELECT},
                         headers={**JSON, "If-None-Match": first.headers["ETag"]}, timeout=30)
    assert again.status_code == 304, again.text
    assert again.content == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert backend.queries == ran, "a 304 must not run the query"
    stale = requests.get(server.sparql, params={"query": SELECT}, headers={**JSON, "If-None-Match": 'W/"other"'},
                         timeout=30)
    assert stale.status_code == 200 and stale.json() == first.json()
    assert stale.headers["ETag"] == first.headers["ETag"]
    assert backend.queries == ran, "a repeated query is answered from the server's own cache of answers"
    other = requests.get(server.sparql, params={"query": SELECT + " # another text"}, headers=JSON, timeout=30)
    assert other.status_code == 200 and backend.queries == ran + 1
    fresh = requests.get(server.sparql, params={"query": SELECT}, headers={**JSON, "Cache-Control": "no-cache"},
                         timeout=30)
    assert fresh.status_code == 200 and fresh.json() == first.json()
    assert fresh.headers["ETag"] == first.headers["ETag"]
    assert backend.queries == ran + 2, "Cache-Control: no-cache runs the query again"


def test_another_query_dataset_or_format_gets_another_etag(server):
    def tag(params, accept="application/sparql-results+json"):
        response = requests.get(server.sparql, params=params, headers={"Accept": accept}, timeout=30)
        assert response.status_code == 200, response.text
        return response.headers["ETag"]

    base = tag({"query": SELECT})
    assert tag({"query": SELECT}) == base
    assert tag({"query": SELECT}, "text/csv") != base
    assert tag({"query": SELECT, "format": "csv"}, "*/*") == tag({"query": SELECT}, "text/csv")  # the same format
    assert tag({"query": SELECT + " LIMIT 1"}) != base
    assert tag({"query": SELECT, "default-graph-uri": "https://w3id.org/ungass-kg/graph/actors/organizations"}) != base


def test_pages_and_data_documents_are_revalidated_like_answers(counted):
    server, backend = counted
    for path, accept in (("page/id/org/unodc", "text/html"), ("data/id/org/unodc.ttl", "text/turtle"),
                         ("ont", "text/html"), ("ont", "text/turtle")):
        first = requests.get(server.url + path, headers={"Accept": accept}, timeout=30)
        assert first.status_code == 200 and first.headers["ETag"].startswith('W/"'), path
        assert first.headers["Cache-Control"] == "public, max-age=60"
        ran = backend.queries
        again = requests.get(server.url + path, headers={"Accept": accept, "If-None-Match": first.headers["ETag"]},
                             timeout=30)
        assert again.status_code == 304 and again.content == b"", path
        kept = requests.get(server.url + path, headers={"Accept": accept}, timeout=30)
        assert kept.content == first.content and backend.queries == ran, f"{path}: answered from the server's cache"
        fresh = requests.get(server.url + path, headers={"Accept": accept, "Cache-Control": "no-cache"}, timeout=30)
        assert fresh.content == first.content and backend.queries > ran, f"{path}: no-cache renders again"
    unknown = requests.get(server.url + "page/id/org/no-such-thing", timeout=30)
    assert unknown.status_code == 404 and "ETag" not in unknown.headers


def test_descriptions_are_cached_and_errors_and_posts_are_not(server):
    for url in (server.sparql, server.url + ".well-known/void"):
        first = requests.get(url, headers={"Accept": "text/turtle"}, timeout=30)
        assert first.status_code == 200 and first.headers.get("ETag"), url
        again = requests.get(url, headers={"Accept": "text/turtle", "If-None-Match": first.headers["ETag"]}, timeout=30)
        assert again.status_code == 304, url
        other = requests.get(url, headers={"Accept": "application/n-triples"}, timeout=30)
        assert other.headers["ETag"] != first.headers["ETag"], url
    error = requests.get(server.sparql, params={"query": "SELECT * WHERE {"}, timeout=30)
    assert error.status_code == 400 and "ETag" not in error.headers
    post = requests.post(server.sparql, data=SELECT, headers={**JSON, "Content-Type": "application/sparql-query"},
                         timeout=30)
    assert post.status_code == 200 and "ETag" not in post.headers


def test_a_rebuild_with_changed_data_changes_the_etag(server_build, tmp_path):
    build = tmp_path / "build"
    shutil.copytree(server_build, build, symlinks=True)
    running = serve(create_app(Config(build_dir=build, time_limit=10.0)))
    try:
        before = requests.get(running.sparql, params={"query": SELECT}, headers=JSON, timeout=30)
        data = tmp_path / "data"
        shutil.copytree(DATA, data)
        organizations = data / "actors" / "organizations.ttl"
        text = organizations.read_text(encoding="utf-8")
        organizations.write_text(text.replace('rdfs:label "United Nations Office on Drugs and Crime"@en', 'rdfs:label "UNODC, Vienna"@en', 1),
                                 encoding="utf-8")
        assert organizations.read_text(encoding="utf-8") != text, "the edit the test relies on did not apply"
        run = loader("--data", data, "--build-dir", build, "build")
        assert run.code == 0, run.err

        def revalidated():  # the server looks at the store link once a second, then opens the new build
            response = requests.get(running.sparql, params={"query": SELECT},
                                    headers={**JSON, "If-None-Match": before.headers["ETag"]}, timeout=30)
            return response if response.status_code == 200 else None

        after = wait_for(revalidated, 30, lambda: "the old ETag still validated 30 s after the rebuild")
        assert after.status_code == 200, "the old ETag still validated after the rebuild"
        assert after.headers["ETag"] != before.headers["ETag"]
        labels = {b["label"]["value"] for b in after.json()["results"]["bindings"]}
        assert labels == {"UNODC, Vienna"}
    finally:
        running.stop()
