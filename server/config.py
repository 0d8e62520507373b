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
    time_limit: float = 30.0  # seconds; a query still running then is stopped (503) by replacing its process
    row_limit: int = 100_000  # solutions or triples per answer, 0 for none (X-Row-Limit, X-Result-Truncated)
    max_request_bytes: int = 256 * 1024  # a POST body (413) or a GET query string (414)
    # SERVICE federation: the endpoint IRIs a query may name; empty refuses every SERVICE.
    service_allow_list: tuple[str, ...] = ()
    # Where the embedded backend keeps the store: "memory" (a copy per server process, ~400 bytes per
    # triple, 2-5x faster on scans and joins) or "disk" (RocksDB read-only, shared page cache).
    storage: str = "memory"
    # Resident memory the whole server may use, in bytes, shared equally by its `processes`; 0 for no cap.
    memory_limit: int = 0
    processes: int = 1
    cors_origin: str = "*"
    # The URL the service is reached at (behind a proxy). Without it, a request's Host is believed only when
    # it is one of `trusted_hosts` or the address the server listens on (server.identity).
    public_url: str | None = None
    trusted_hosts: tuple[str, ...] = ()
    # The canonical base of the dataset's IRIs; an IRI under it is served at the same path here (server.pages.ld).
    base_iri: str = "https://w3id.org/ungass-kg/"

    @property
    def store(self) -> Path:
        return self.build_dir / "store"

    @property
    def memory_share(self) -> int:
        """Resident bytes one server process may use: its share of the limit, a tenth kept for the main process."""
        return int(self.memory_limit * 0.9) // self.processes if self.memory_limit else 0
