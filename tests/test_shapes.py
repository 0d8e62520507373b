"""The shapes as data (the W3C SHACL test suite's style): fixtures added to the real data.

Each tests/shapes/invalid/*.ttl says on its first line which shape must fire on which focus node
(`# expect: ukgsh:Shape <focus IRI>`); each valid/*.ttl must leave the data conformant. All fixtures
of a kind are validated in one run of the real loader, which is what a curator runs.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import DATA
from loader_cli import loader

SHAPES = Path(__file__).resolve().parent / "shapes"
INVALID = sorted((SHAPES / "invalid").glob("*.ttl"))
EXPECT = re.compile(r"^# expect: (\S+)(?: (\S+))?\s*$")


def expectation(path: Path) -> tuple[str, str]:
    m = EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert m, f"{path.name}: first line must be '# expect: ukgsh:Shape <focus>'"
    return m.group(1), m.group(2) or ""


def with_fixtures(tmp_path: Path, fixtures: list[Path]) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    for fixture in fixtures:
        shutil.copy(fixture, data / f"zz-fixture-{fixture.name}")
    return data


@pytest.fixture(scope="module")
def invalid_report(tmp_path_factory) -> str:
    run = loader("--data", with_fixtures(tmp_path_factory.mktemp("invalid"), INVALID), "check")
    assert run.code == 1, run.err
    return run.err


def results(report: str) -> list[tuple[str, str]]:
    """(shape, focus node) of every SHACL result in a loader report."""
    found = []
    for block in re.split(r"\n(?=\S)", report):
        focus = re.search(r"focus node: <([^>]*)>", block)
        shape = re.search(r"shape: (\S+)", block)
        if shape:
            found.append((shape.group(1), focus.group(1) if focus else ""))
    return found


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_each_invalid_fixture_is_refused_by_the_shape_it_targets(fixture, invalid_report):
    shape, focus = expectation(fixture)
    found = results(invalid_report)
    if focus:
        assert (shape, focus) in found, f"{shape} on <{focus}> not reported; got {[f for f in found if f[1] == focus]}"
    else:
        assert shape in {s for s, _ in found}


def test_valid_fixtures_keep_the_data_conformant(tmp_path):
    run = loader("--data", with_fixtures(tmp_path, sorted((SHAPES / "valid").glob("*.ttl"))), "check")
    assert run.code == 0, run.err


SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
TARGET_CLASS = "http://www.w3.org/ns/shacl#targetClass"


def unshaped(data: Path) -> set[str]:
    """The classes typed in the data files (rdf:type) that no shape targets, themselves or through a superclass."""
    import pyoxigraph as ox
    used, tbox = ox.Store(), ox.Store()
    for path in data.rglob("*.ttl"):
        used.load(path=str(path), format=ox.RdfFormat.TURTLE)
    for path in (DATA.parent / "ontology").glob("*.ttl"):
        tbox.load(path=str(path), format=ox.RdfFormat.TURTLE)
    targets = {r[0] for r in tbox.query(f"SELECT DISTINCT ?c WHERE {{ ?shape <{TARGET_CLASS}> ?c }}")}
    missing = set()
    for (cls,) in used.query("SELECT DISTINCT ?c WHERE { ?s a ?c }"):
        supers = {r[0] for r in tbox.query(f"SELECT ?s WHERE {{ {cls} <{SUBCLASS}>* ?s }}")} | {cls}
        if not supers & targets:
            missing.add(cls.value)
    return missing


def test_every_class_used_in_the_data_has_a_shape():
    assert unshaped(DATA) == set()


def test_a_class_without_a_shape_is_found(tmp_path):
    data = with_fixtures(tmp_path, [])
    (data / "zz-place.ttl").write_text(
        '<https://w3id.org/ungass-kg/id/place/zz> a <https://schema.org/Country> .\n', encoding="utf-8")
    assert unshaped(data) == {"https://schema.org/Country"}


def test_every_event_cites_its_paragraph():
    """"following a decision taken by the CND at its intersessional meeting on 8 September 2016 and its
    reconvened 59th session in December 2016" (¶3): every event, sessions included, is stated somewhere."""
    import pyoxigraph as ox
    store = ox.Store()
    for path in list(DATA.rglob("*.ttl")) + list((DATA.parent / "ontology").glob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    unstated = [r[0].value for r in store.query(f"""SELECT ?e WHERE {{ ?e a ?c . ?c <{SUBCLASS}>* <https://schema.org/Event>
        FILTER NOT EXISTS {{ ?e <https://w3id.org/ungass-kg/ont#statedIn> ?p }} }}""")]
    assert unstated == []
    sessions = {r[0].value.rsplit("/", 1)[-1]: r[1].value.rsplit("/", 1)[-1] for r in store.query(
        "SELECT ?e ?p WHERE { ?e a <https://w3id.org/ungass-kg/ont#CommissionSession> ; "
        "<https://w3id.org/ungass-kg/ont#statedIn> ?p }")}
    assert sessions == {"cnd-intersessional-2016-09-08": "3", "cnd-59-reconvened": "3", "cnd-61": "header"}
