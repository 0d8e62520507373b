"""The server's settings: one frozen object, built by the CLI or a test and handed to `create_app`."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Config:
    # Where the data comes from: the loader's build folder (its `store` link), or a remote endpoint.
    build_dir: Path = ROOT / "build"
    remote: str | tuple[str, ...] | None = None  # SPARQL 1.1 Protocol endpoint URL(s): use the remote backend
    release: str | None = None  # the build id the remote endpoints must hold (None: the first one's)
    # Query limits, announced in the service description.
    time_limit: float = 30.0  # seconds; a query still running then is stopped (503)
    row_limit: int = 100_000  # solutions or triples per answer, 0 for none (X-Row-Limit, X-Result-Truncated)
    max_request_bytes: int = 256 * 1024  # a POST body (413) or a GET query string (414)
    # SERVICE federation: the endpoint IRIs a query may name; empty refuses every SERVICE.
    service_allow_list: tuple[str, ...] = ()
    # The embedded backend's worker processes, and where they keep the store: "memory" (each loads a copy,
    # ~400 bytes per triple, 2-5x faster on scans and joins) or "disk" (RocksDB read-only, shared page cache).
    workers: int = 2  # per server process (server.processes)
    storage: str = "memory"
    worker_memory_mb: int = 2048  # RLIMIT_DATA of each worker; 0 for none
    cors_origin: str = "*"
    # The URL the service is reached at (behind a proxy); by default, the one each request was sent to.
    public_url: str | None = None
    # The canonical base of the dataset's IRIs; an IRI under it is served at the same path here (server.pages.ld).
    base_iri: str = "https://w3id.org/ungass-kg/"

    @property
    def store(self) -> Path:
        return self.build_dir / "store"
