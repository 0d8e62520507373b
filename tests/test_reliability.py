"""A hostile or unlucky internet against a real `python -m server` (granian, 2 processes) on loopback.

Runaway queries, clients re-sending them, memory-hungry queries, a serving process killed mid-load:
lookups from other clients keep being answered, and the server never passes its memory cap nor
leaves a process behind. Each client has its own loopback address (127.0.x.y), as clients on the
internet have their own: admission control counts slow queries per client address.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry
from server_fixtures import Process, child_pids, gone, wait_for

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # (triples)^3 solutions
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d"  # materializes (triples)^2 solutions: ~1 GB/s
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
LOOKUPS = [f'SELECT ?label WHERE {{ <https://w3id.org/ungass-kg/id/org/{name}> <{LABEL}> ?label }}'
           for name in ("unodc", "who", "incb", "unaids", "undp")]
TIME_LIMIT = 3
MEMORY_LIMIT_MB = 2400
PAGE = os.sysconf("SC_PAGE_SIZE")


class Bound(HTTPAdapter):
    """Connections from a given local address. A GET whose connection closes before an answer is sent again
    (RFC 9112 §9.3.1): a server process that stops closes its idle keep-alive connections."""

    def __init__(self, address: str):
        self.address = address
        super().__init__(max_retries=Retry(total=2, connect=2, read=2, status=0, allowed_methods=["GET"],
                                           respect_retry_after_header=False))

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


def client(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", Bound(address))
    return session


@pytest.fixture(scope="module")
def guarded(server_build):
    process = Process("--port", "0", "--build-dir", str(server_build), "--processes", "2",
                      "--time-limit", str(TIME_LIMIT), "--memory-limit", str(MEMORY_LIMIT_MB))
    try:
        url = process.url(60)
        yield url, process
    finally:
        children = child_pids(process.popen.pid)
        code = process.stop()
    assert code == 0, str(process)
    assert all(gone(pid) for pid in children), f"server processes outlived the server. {process}"


def census(url: str, main: int) -> dict[int, dict]:
    """/health of every serving process (each request on a new connection, until every process has answered)."""
    reports: dict[int, dict] = {}
    for _ in range(60):
        try:
            report = requests.get(url + "health", timeout=5, headers={"Connection": "close"}).json()
        except requests.RequestException:
            continue
        reports[report["process"]] = report
        if set(reports) >= child_pids(main) and len(reports) >= 2:
            break
    return {pid: report for pid, report in reports.items() if pid in child_pids(main)}


def whole(url: str, main: int) -> bool:
    """Two serving processes, both answering, neither being replaced."""
    reports = census(url, main)
    return len(reports) == 2 and not any(r["queries"]["recycling"] for r in reports.values())


def send_all(queries: list[tuple[str, str]], url: str) -> tuple[list, list[threading.Thread]]:
    """Each (address, query) sent from its own thread; the responses (or errors) arrive in the list."""
    outcomes: list = []

    def send(address: str, query: str) -> None:
        try:
            outcomes.append(client(address).get(url + "sparql", params={"query": query}, timeout=60))
        except requests.RequestException as error:
            outcomes.append(error)

    threads = [threading.Thread(target=send, args=pair) for pair in queries]
    for thread in threads:
        thread.start()
    return outcomes, threads


@pytest.mark.parametrize("runaways", [4, 8])
def test_lookups_are_answered_within_a_second_while_runaways_run(guarded, runaways):
    url, process = guarded
    wait_for(lambda: whole(url, process.popen.pid), 10, lambda: str(census(url, process.popen.pid)))
    outcomes, threads = send_all([(f"127.0.1.{n + 1}", RUNAWAY) for n in range(runaways)], url)
    wait_for(lambda: sum(r["queries"]["slow"] for r in census(url, process.popen.pid).values()) >= runaways, 10,
             lambda: f"the runaways never ran: {census(url, process.popen.pid)}")
    seconds = []
    with client("127.0.0.1") as lookups:
        for n in range(20):
            started = time.perf_counter()
            response = lookups.get(url + "sparql", params={"query": LOOKUPS[n % len(LOOKUPS)]},
                                   headers={"Cache-Control": "no-cache"}, timeout=30)
            seconds.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
            assert response.json()["results"]["bindings"], response.text
    assert max(seconds) <= 1.0, f"slowest lookup {max(seconds):.3f} s: {sorted(seconds)}"
    for thread in threads:
        thread.join(60)
    assert all(isinstance(r, requests.Response) and r.status_code == 503 and r.headers["Retry-After"]
               for r in outcomes), [getattr(r, "text", r) for r in outcomes]
    assert any(f"ran past the {TIME_LIMIT} s time limit" in r.text for r in outcomes)
    wait_for(lambda: whole(url, process.popen.pid), 10, lambda: str(process))


def test_clients_resending_runaways_for_30_seconds_make_no_lookup_fail(guarded):
    url, process = guarded
    wait_for(lambda: whole(url, process.popen.pid), 10, lambda: str(process))
    deadline = time.monotonic() + 30
    statuses: dict[int, int] = {}
    failed: list[str] = []
    answered = 0

    def attacker(address: str) -> None:
        with client(address) as session:
            while time.monotonic() < deadline:
                try:
                    status = session.get(url + "sparql", params={"query": RUNAWAY}, timeout=60).status_code
                except requests.RequestException:
                    status = 0
                statuses[status] = statuses.get(status, 0) + 1

    attackers = [threading.Thread(target=attacker, args=(f"127.0.2.{n + 1}",)) for n in range(8)]
    for thread in attackers:
        thread.start()
    with client("127.0.0.1") as lookups:
        while time.monotonic() < deadline:
            query = LOOKUPS[answered % len(LOOKUPS)]
            try:
                response = lookups.get(url + "sparql", params={"query": query},
                                       headers={"Cache-Control": "no-cache"}, timeout=30)
                if response.status_code != 200:
                    failed.append(f"{response.status_code} {response.text[:200]}")
            except requests.RequestException as error:
                failed.append(f"{type(error).__name__}: {error}")
            answered += 1
    for thread in attackers:
        thread.join(60)
    assert failed == [], f"{len(failed)} of {answered} lookups failed: {failed[:5]}"
    assert answered >= 100
    assert set(statuses) == {503}, statuses
    wait_for(lambda: whole(url, process.popen.pid), 10, lambda: str(process))


def resident(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except (FileNotFoundError, ProcessLookupError, IndexError):
            pass
    return total


def test_memory_hungry_queries_keep_the_server_under_its_memory_cap(guarded):
    url, process = guarded
    main = process.popen.pid
    wait_for(lambda: whole(url, main), 10, lambda: str(process))
    peak = 0
    outcomes, threads = send_all([(f"127.0.3.{n + 1}", HUNGRY) for n in range(4)], url)
    while any(thread.is_alive() for thread in threads):
        peak = max(peak, resident([main, *child_pids(main)]))
        time.sleep(0.005)  # a sampling interval, not a wait for readiness
    assert peak < MEMORY_LIMIT_MB * 2**20, f"the server reached {peak >> 20} MiB"
    assert all(isinstance(r, requests.Response) and r.status_code == 503 for r in outcomes), outcomes
    assert any("memory limit" in r.text for r in outcomes), [r.text for r in outcomes]
    # At least one process filled most of its share (the limit's 90 % over 2 processes; recycled at 80 % of it).
    share = MEMORY_LIMIT_MB * 2**20 * 0.9 / 2
    assert peak > share * 0.6, f"the queries never used much memory ({peak >> 20} MiB)"
    wait_for(lambda: whole(url, main), 10, lambda: str(process))


@pytest.mark.parametrize("query", [
    "SELECT ?x WHERE { ?s ?p ?o BIND(" + "STR(" * 1000 + "?o" + ")" * 1000 + " AS ?x) } LIMIT 1",
    "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000 + " LIMIT 1",
    "SELECT * WHERE " + "{" * 20_000 + " ?s ?p ?o " + "}" * 20_000,
])
def test_deep_nesting_is_answered_or_refused_never_a_crash(guarded, query):
    url, process = guarded
    wait_for(lambda: whole(url, process.popen.pid), 10, lambda: str(process))  # no process still being replaced
    before = child_pids(process.popen.pid)
    response = requests.post(url + "sparql", data={"query": query}, timeout=60)
    assert response.status_code in (200, 400), response.text[:300]
    assert child_pids(process.popen.pid) == before, "a server process died"


def test_killing_a_serving_process_costs_at_most_its_requests_in_flight(guarded):
    url, process = guarded
    main = process.popen.pid
    wait_for(lambda: whole(url, main), 10, lambda: str(process))
    victim = min(child_pids(main))
    stop = threading.Event()
    failures: list[list[str]] = [[] for _ in range(4)]
    answered = [0] * 4

    def load(n: int) -> None:
        with requests.Session() as session:
            while not stop.is_set():
                try:
                    response = session.get(url + "sparql", params={"query": LOOKUPS[n]},
                                           headers={"Cache-Control": "no-cache"}, timeout=10)
                    if response.status_code == 200:
                        answered[n] += 1
                    else:
                        failures[n].append(str(response.status_code))
                except requests.RequestException as error:
                    failures[n].append(type(error).__name__)

    clients = [threading.Thread(target=load, args=(n,)) for n in range(4)]
    for thread in clients:
        thread.start()
    wait_for(lambda: sum(answered) >= 40, 10, lambda: "no load")
    os.kill(victim, signal.SIGKILL)
    killed = time.monotonic()
    wait_for(lambda: whole(url, main) and victim not in child_pids(main), 10, lambda: str(process))
    whole_after = time.monotonic() - killed
    stop.set()
    for thread in clients:
        thread.join(30)
    assert all(len(f) <= 1 for f in failures), f"a client lost more than its one request in flight: {failures}"
    assert whole_after <= 2.0, f"two serving processes again only after {whole_after:.2f} s"


def test_no_process_outlives_the_server(server_build):
    process = Process("--port", "0", "--build-dir", str(server_build), "--processes", "2")
    try:
        process.url(60)
        children = child_pids(process.popen.pid)
        assert len(children) == 2
    finally:
        process.popen.kill()  # the main process dies without a chance to stop them
        process.stop()
    wait_for(lambda: all(gone(pid) for pid in children), 5, lambda: f"left behind: {children}")
