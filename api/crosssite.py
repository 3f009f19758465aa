"""Cross-site safety: which hosts the service answers, and which requests may change anything.

- `Host` must be one the service was started for (loopback names by default, more with
  `icpmap serve --allowed-host`): Starlette's `TrustedHostMiddleware` refuses any other,
  which defeats DNS rebinding (a foreign name pointed at 127.0.0.1).
- A request that may change something (any method but GET, HEAD and OPTIONS: loads,
  uploads, queries, sign-in and sign-out) whose `Origin` (else `Referer`) names another
  site is refused here, whoever sends it. A browser always sends one of them with such a
  request. A request with neither is accepted only from a caller with an API key in a header
  (`Authorization` or `X-API-Key`): a page on another site cannot add those without a CORS
  preflight, which this service never grants. `deps.require` refuses it for the local user
  of single-user mode and for a dashboard session, and `/login` and `/logout` refuse it.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import PROBLEM, problem_body

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def allowed_hosts(extra: Iterable[str] = ()) -> list[str]:
    """Loopback names plus `extra` (a bare IPv6 address gets its brackets, as a Host header has them)."""
    hosts = list(LOOPBACK_HOSTS)
    for host in extra:
        host = host.strip().lower()
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        if host and host not in hosts:
            hosts.append(host)
    return hosts


def source_matches(headers: Headers) -> bool | None:
    """Whether `Origin` (else `Referer`) names this host; None when the request has neither."""
    source = headers.get("origin") or headers.get("referer")
    if source is None:
        return None
    if source == "null":
        return False
    try:
        netloc = urlsplit(source).netloc.lower()
    except ValueError:
        return False
    return bool(netloc) and netloc == (headers.get("host") or "").lower()


FOREIGN = "This request came from another site (its Origin or Referer is not this service)."
UNKNOWN = ("A request that changes something must come from this service's own pages (a browser sends "
           "Origin), or carry an API key (Authorization or X-API-Key header).")


class CrossSiteMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method", "GET") in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if source_matches(headers) is not False:
            await self.app(scope, receive, send)
            return
        body = problem_body(403, "Forbidden", FOREIGN, instance=scope.get("path", ""))
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", PROBLEM.encode()), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
