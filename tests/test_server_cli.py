"""`python -m server` as an operator runs it: a real subprocess, the URL it prints, clean stops, one-line errors."""
from __future__ import annotations

import ast
import json

import pytest
import requests
from server_fixtures import ROOT, Process, child_pids, gone, wait_for


def test_python_m_server_serves_the_store_on_the_printed_url(server_build, build_info):
    process = Process("--port", "0", "--build-dir", str(server_build), "--processes", "2")
    try:
        url = process.url(60)
        assert url.startswith("http://127.0.0.1:") and url.endswith("/"), str(process)
        copies = child_pids(process.popen.pid)
        assert len(copies) == 2, f"{copies}. {process}"
        # Each request on a new connection: both processes take connections from the one socket.
        seen = {requests.get(url + "health", timeout=10).json()["process"] for _ in range(40)}
        assert seen == copies, f"answered by {seen}, server processes {copies}"
        health = requests.get(url + "health", timeout=10).json()
        assert health["build_id"] == build_info["build_id"], str(process)
        answer = requests.get(url + "sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        assert answer.json()["boolean"] is True, str(process)
        assert answer.headers["Server"] == "ungass-kg"
    finally:
        code = process.stop()
    assert code == 0, str(process)
    assert all(gone(pid) for pid in copies), f"server processes outlived the server. {process}"


def test_the_old_workers_flag_still_starts_the_server_and_says_it_is_ignored(server_build):
    """--workers was documented while queries ran in worker processes; scripts that pass it keep working."""
    process = Process("--port", "0", "--build-dir", str(server_build), "--processes", "1", "--workers", "2")
    try:
        url = process.url(60)
        assert requests.get(url + "sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30).json()["boolean"] is True
    finally:
        code = process.stop()
    assert code == 0, str(process)
    assert "--workers is ignored" in process.output["stderr"].decode(), str(process)


def test_health_tells_nothing_about_the_file_system(server, server_build):
    response = requests.get(server.url + "health", timeout=10)
    assert response.json()["ok"] is True
    text = json.dumps(response.json())
    assert str(server_build.resolve()) not in text and "/" not in text, text


@pytest.mark.parametrize("processes", ["1", "2"])
def test_a_missing_store_is_one_line_on_stderr_and_exit_code_2(tmp_path, processes):
    process = Process("--port", "0", "--build-dir", str(tmp_path / "nowhere"), "--processes", processes)
    process.popen.wait(60)
    assert process.stop() == 2, str(process)
    stderr = process.output["stderr"].decode()
    assert stderr.count("\n") == 1 and "no store at" in stderr and "python -m loader build" in stderr, str(process)
    assert "Traceback" not in stderr


def test_a_port_in_use_is_one_line_and_exit_code_2(server, server_build):
    port = server.url.rsplit(":", 1)[1].strip("/")
    process = Process("--port", port, "--build-dir", str(server_build))
    process.popen.wait(60)
    assert process.stop() == 2, str(process)
    assert f"cannot listen on 127.0.0.1:{port}" in process.output["stderr"].decode(), str(process)


def test_bad_usage_exits_with_code_2():
    process = Process("--port", "not-a-port")
    process.popen.wait(60)
    assert process.stop() == 2, str(process)
    assert b"--port" in process.output["stderr"]


def test_help_exits_with_code_0():
    process = Process("--help")
    process.popen.wait(60)
    assert process.stop() == 0, str(process)
    assert b"--allow-service" in process.output["stdout"] and b"--memory-limit" in process.output["stdout"]


def test_the_server_never_imports_the_loader():
    for path in sorted((ROOT / "server").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                assert name.split(".")[0] != "loader", f"{path.relative_to(ROOT)} imports {name}"


def test_wait_for_fails_with_its_message():
    """The fixtures' poll helper, on which the process tests rely: it gives up, and says why."""
    with pytest.raises(pytest.fail.Exception, match="never"):
        wait_for(lambda: None, 0.1, lambda: "never")
