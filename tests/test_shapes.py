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
