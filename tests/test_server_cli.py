"""`python -m server` as an operator runs it: a real subprocess, the URL it prints, clean stops, one-line errors."""
from __future__ import annotations

import ast
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from server_fixtures import wait_for

ROOT = Path(__file__).resolve().parent.parent


class Process:
    """A child process whose output is collected while we wait on it, for failure messages."""

    def __init__(self, *args: str):
        self.popen = subprocess.Popen([sys.executable, "-m", "server", *args], cwd=ROOT,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.output = {"stdout": b"", "stderr": b""}
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.popen.stdout, selectors.EVENT_READ, "stdout")
        self.selector.register(self.popen.stderr, selectors.EVENT_READ, "stderr")

    def read(self, seconds: float) -> None:
        """Collect whatever output arrives within `seconds` (returns as soon as there is some)."""
        for key, _ in self.selector.select(seconds):
            chunk = os.read(key.fileobj.fileno(), 65536)
            if chunk:
                self.output[key.data] += chunk
            else:
                self.selector.unregister(key.fileobj)

    def url(self, seconds: float) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.popen.poll() is None:
            for line in self.output["stdout"].decode(errors="replace").splitlines():
                if line.startswith("Serving on http://"):
                    return line.split()[-1]
            self.read(deadline - time.monotonic())
        raise AssertionError(f"no URL printed within {seconds} s. {self}")

    def stop(self, seconds: float = 20) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + seconds
        while self.selector.get_map() and time.monotonic() < deadline:  # until both pipes reach EOF
            self.read(deadline - time.monotonic())
        self.close()
        return self.popen.wait(max(1.0, deadline - time.monotonic()))

    def close(self) -> None:
        self.selector.close()
        self.popen.stdout.close()
        self.popen.stderr.close()

    def __str__(self) -> str:
        return (f"exit code {self.popen.poll()}\nstdout:\n{self.output['stdout'].decode(errors='replace')}"
                f"\nstderr:\n{self.output['stderr'].decode(errors='replace')}")


def child_pids(parent: int) -> set[int]:
    children = Path(f"/proc/{parent}/task/{parent}/children")
    return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


def gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()


def test_python_m_server_serves_the_store_on_the_printed_url(server_build, build_info):
    process = Process("--port", "0", "--build-dir", str(server_build), "--processes", "1", "--workers", "2")
    try:
        url = process.url(60)
        assert url.startswith("http://127.0.0.1:") and url.endswith("/"), str(process)
        health = wait_for(lambda: _health(url), 30, lambda: str(process))
        assert health["build_id"] == build_info["build_id"], str(process)
        workers = child_pids(process.popen.pid)
        assert len(workers) == 2, f"{workers}. {process}"
        answer = requests.get(url + "sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        assert answer.json()["boolean"] is True, str(process)
        assert answer.headers["Server"] == "ungass-kg"
    finally:
        code = process.stop()
    assert code == 0, str(process)
    assert all(gone(pid) for pid in workers), f"query workers outlived the server. {process}"


def test_several_server_processes_share_the_port_and_a_dead_one_is_replaced(server_build):
    process = Process("--port", "0", "--build-dir", str(server_build), "--processes", "2", "--workers", "1")
    try:
        url = process.url(60)
        copies = child_pids(process.popen.pid)
        assert len(copies) == 2, f"{copies}. {process}"
        workers = {pid for copy in copies for pid in child_pids(copy)}
        assert len(workers) == 2, f"one query worker per server process expected: {workers}. {process}"
        # Each request on a new connection: the kernel hands connections to both processes.
        seen = {requests.get(url + "health", timeout=10).json()["process"] for _ in range(40)}
        assert seen <= copies and len(seen) == 2, f"answered by {seen}, server processes {copies}"
        victim = sorted(copies)[0]
        os.kill(victim, signal.SIGKILL)
        fresh = wait_for(lambda: (child_pids(process.popen.pid) - {victim}) if len(
            child_pids(process.popen.pid) - {victim}) == 2 else None, 60, lambda: str(process))
        answer = wait_for(lambda: _ask(url), 30, lambda: str(process))
        assert answer is True
    finally:
        code = process.stop()
    assert code == 0, str(process)
    assert "exited with code -9; starting another" in process.output["stderr"].decode(), str(process)
    assert all(gone(pid) for pid in fresh | workers), f"processes outlived the server. {process}"


def _ask(url: str) -> bool | None:
    try:
        return requests.get(url + "sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10).json()["boolean"]
    except requests.ConnectionError:
        return None


def _health(url: str) -> dict | None:
    try:
        response = requests.get(url + "health", timeout=5)
    except requests.ConnectionError:
        return None
    return response.json() if response.status_code == 200 else None


@pytest.mark.parametrize("processes", ["1", "2"])
def test_a_missing_store_is_one_line_on_stderr_and_exit_code_2(tmp_path, processes):
    process = Process("--port", "0", "--build-dir", str(tmp_path / "nowhere"), "--processes", processes)
    process.popen.wait(60)
    assert process.stop() == 2, str(process)
    stderr = process.output["stderr"].decode()
    assert stderr.count("\n") == 1 and "no store at" in stderr and "python -m loader build" in stderr, str(process)
    assert "Traceback" not in stderr


def test_bad_usage_exits_with_code_2():
    process = Process("--port", "not-a-port")
    process.popen.wait(60)
    assert process.stop() == 2, str(process)
    assert b"--port" in process.output["stderr"]


def test_help_exits_with_code_0():
    process = Process("--help")
    process.popen.wait(60)
    assert process.stop() == 0, str(process)
    assert b"--allow-service" in process.output["stdout"]


def test_the_server_never_imports_the_loader():
    for path in sorted((ROOT / "server").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                assert name.split(".")[0] != "loader", f"{path.relative_to(ROOT)} imports {name}"
