"""The URL the server names itself by: from the configured public URL, never blindly from the Host header.

Links in pages, the service description, /openapi.json and /queries are built from the request's root
URL (werkzeug's `request.url_root`). A client can send any Host; echoed, it would put a stranger's site
into answers that caches share. So, before the app sees a request: with a public URL, the request's
scheme, host and path prefix are set to it; without one, a Host that is neither in the trusted list nor
the address the server listens on (nor a loopback name for its port) is replaced by that address.
"""
from __future__ import annotations

from urllib.parse import urlsplit

LOOPBACK = ("localhost", "127.0.0.1", "[::1]")


class Identity:
    """WSGI middleware around the app: sets HTTP_HOST (and, from a public URL, the scheme and SCRIPT_NAME)."""

    def __init__(self, app, public_url: str | None, trusted_hosts: tuple[str, ...] = ()):
        self.app = app
        self.public = urlsplit(public_url) if public_url else None
        self.trusted = {host.lower() for host in trusted_hosts}

    def __call__(self, environ, start_response):
        if self.public is not None:
            environ["wsgi.url_scheme"] = self.public.scheme
            environ["HTTP_HOST"] = self.public.netloc
            environ["SCRIPT_NAME"] = self.public.path.rstrip("/")
        else:
            host = environ.get("HTTP_HOST", "").lower()
            own = own_address(environ)
            port = own.rpartition(":")[2]
            if host not in self.trusted and host != own and host not in {f"{name}:{port}" for name in LOOPBACK}:
                environ["HTTP_HOST"] = own
        return self.app(environ, start_response)


def own_address(environ) -> str:
    name = environ.get("SERVER_NAME", "localhost")
    if ":" in name and not name.startswith("["):
        name = f"[{name}]"
    return f"{name}:{environ.get('SERVER_PORT', '80')}".lower()
