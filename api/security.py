"""The edge of the service: security headers, request body limits, and the last-resort 500.

One plain ASGI middleware, outermost, so every response gets the headers (errors
included) and no exception ever reaches the client as a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import PROBLEM, Problem, internal_error_body, problem_body

log = logging.getLogger("icpmap.api")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
BASE_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)
DEFAULT_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
)
JSON_BODY_LIMIT = 1024 * 1024  # every request except uploads


class BodyTooLarge(Problem):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than the limit of {_size(limit)}.",
                         title="Content Too Large", limit_bytes=limit)


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n} bytes"


class EdgeMiddleware:
    def __init__(self, app: ASGIApp, upload_paths: Iterable[str] = (), upload_limit: int = 50 * 1024 * 1024,
                 body_limit: int = JSON_BODY_LIMIT) -> None:
        self.app = app
        self.upload_paths = tuple(upload_paths)
        self.upload_limit = upload_limit
        self.body_limit = body_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        limit = self.upload_limit if path in self.upload_paths else self.body_limit
        length = _content_length(scope)
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in BASE_HEADERS if h[0] not in present)
                headers.extend(h for h in DEFAULT_HEADERS if h[0] not in present)
                if b"cache-control" not in present and not path.startswith("/static/"):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        if length is not None and length > limit:
            await self._send_problem(send_with_headers, 413, problem_body(
                413, "Content Too Large", f"The request body is larger than the limit of {_size(limit)}.",
                instance=path, limit_bytes=limit), close=True)
            return

        received = 0

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        try:
            await self.app(scope, receive_limited, send_with_headers)
        except Exception:
            log.exception("Unhandled error on %s %s", scope.get("method"), path)
            if started:
                raise
            await self._send_problem(send_with_headers, 500, internal_error_body(path))

    @staticmethod
    async def _send_problem(send: Send, status: int, body: bytes, close: bool = False) -> None:
        headers = [(b"content-type", PROBLEM.encode()), (b"content-length", str(len(body)).encode())]
        if close:
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
