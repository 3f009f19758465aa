"""The service's edge (api/security.py) on a small app of its own: the exact headers on every
response, the body limits at the limit and one byte over, uploads' own limit, and the 500
that replaces a traceback. The whole service is checked end to end in tests/test_api.py."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from starlette.responses import PlainTextResponse, Response

from icpmap.api import errors
from icpmap.api.security import BASE_HEADERS, CSP, DEFAULT_HEADERS, JSON_BODY_LIMIT, EdgeMiddleware, _size

LIMIT, UPLOAD = 100, 1000
EXPECTED = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    "x-frame-options": "DENY",
}


def _app() -> FastAPI:
    app = FastAPI()
    errors.install(app)

    @app.post("/echo")
    @app.post("/upload")
    async def echo(request: Request) -> Response:
        return PlainTextResponse(str(len(await request.body())))

    @app.get("/plain")
    async def plain() -> Response:
        return PlainTextResponse("ok")

    @app.get("/static/x.js")
    async def static() -> Response:
        return PlainTextResponse("js")

    @app.get("/own")
    async def own() -> Response:
        return PlainTextResponse("own", headers={"Content-Security-Policy": "default-src 'none'",
                                                 "Cache-Control": "max-age=5", "X-Frame-Options": "SAMEORIGIN"})

    @app.get("/boom")
    async def boom() -> Response:
        raise RuntimeError("a bug with a secret in it")

    async def late_boom(scope, receive, send):  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("after the start")

    app.mount("/late", late_boom)
    app.add_middleware(EdgeMiddleware, upload_paths=["/upload"], upload_limit=UPLOAD, body_limit=LIMIT)
    return app


@pytest.fixture(scope="module")
def client() -> TestClient:
    with TestClient(_app(), raise_server_exceptions=False) as c:
        yield c


def test_the_header_tables() -> None:
    assert dict((k.decode(), v.decode()) for k, v in BASE_HEADERS + DEFAULT_HEADERS) == EXPECTED
    assert EXPECTED["content-security-policy"] == CSP and JSON_BODY_LIMIT == 1024 * 1024


def test_every_response_gets_the_headers_once(client: TestClient) -> None:
    for answer in (client.get("/plain"), client.get("/missing"), client.post("/echo", content=b"x" * (LIMIT + 1)),
                   client.get("/boom")):
        for name, value in EXPECTED.items():
            assert answer.headers.get_list(name) == [value], (answer.request.url, name)
        assert answer.headers.get_list("cache-control") == ["no-store"]


def test_the_apps_own_headers_win_and_static_files_may_be_cached(client: TestClient) -> None:
    own = client.get("/own")
    assert own.headers.get_list("content-security-policy") == ["default-src 'none'"]
    assert own.headers.get_list("x-frame-options") == ["SAMEORIGIN"]
    assert own.headers.get_list("cache-control") == ["max-age=5"]
    assert own.headers["referrer-policy"] == "same-origin"
    static = client.get("/static/x.js")
    assert static.text == "js" and "cache-control" not in static.headers
    assert static.headers["x-frame-options"] == "DENY"


def _problem(answer, status: int, limit: int) -> None:  # type: ignore[no-untyped-def]
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/problem+json"
    body = json.loads(answer.content)
    assert body["status"] == status and body["limit_bytes"] == limit and body["title"] == "Content Too Large"
    assert body["detail"] == f"The request body is larger than the limit of {limit} bytes."


def test_a_declared_length_at_the_limit_passes_and_one_byte_over_is_refused(client: TestClient) -> None:
    assert client.post("/echo", content=b"x" * LIMIT).text == str(LIMIT)
    over = client.post("/echo", content=b"x" * (LIMIT + 1))
    _problem(over, 413, LIMIT)
    assert over.headers["connection"] == "close" and json.loads(over.content)["instance"] == "/echo"
    assert over.headers["content-length"] == str(len(over.content))


def test_uploads_have_their_own_limit(client: TestClient) -> None:
    assert client.post("/upload", content=b"x" * UPLOAD).text == str(UPLOAD)
    _problem(client.post("/upload", content=b"x" * (UPLOAD + 1)), 413, UPLOAD)
    _problem(client.post("/echo", content=b"x" * (LIMIT + 1)), 413, LIMIT)


def test_a_streamed_body_is_counted_as_it_arrives(client: TestClient) -> None:
    def chunks(n: int, size: int):  # type: ignore[no-untyped-def]
        for _ in range(n):
            yield b"x" * size

    assert client.post("/echo", content=chunks(4, 25)).text == "100"  # no length given: exactly the limit
    over = client.post("/echo", content=chunks(3, 34))
    assert over.status_code == 413 and json.loads(over.content)["limit_bytes"] == LIMIT
    # a length that is not a number is no length: the body is still counted
    assert client.post("/echo", content=b"x" * 10, headers={"content-length": "ten"}).text == "10"
    _problem(client.post("/echo", content=b"x" * (LIMIT + 1), headers={"content-length": "ten"}), 413, LIMIT)


def test_an_error_is_a_problem_never_a_traceback(client: TestClient) -> None:
    answer = client.get("/boom")
    assert answer.status_code == 500 and answer.headers["content-type"] == "application/problem+json"
    assert json.loads(answer.content) == {
        "type": "about:blank", "title": "Internal Server Error", "status": 500, "instance": "/boom",
        "detail": "The service could not complete this request. The error has been logged."}
    assert "secret" not in answer.text


def test_an_error_after_the_response_started_is_not_covered_up() -> None:
    with TestClient(_app()) as c, pytest.raises(RuntimeError, match="after the start"):
        c.get("/late/")


def test_sizes_in_messages() -> None:
    assert _size(1024 * 1024) == "1 MB" and _size(3 * 512 * 1024) == "1.5 MB"
    assert _size(1024 * 1024 - 1) == "1048575 bytes" and _size(0) == "0 bytes"


def test_other_scopes_pass_through() -> None:
    seen = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        seen.append((scope["type"], receive, send))

    import asyncio

    edge = EdgeMiddleware(app, body_limit=1)

    async def receive():  # type: ignore[no-untyped-def]
        return {}

    async def send(message):  # type: ignore[no-untyped-def]
        return None

    asyncio.run(edge({"type": "lifespan"}, receive, send))
    assert seen == [("lifespan", receive, send)]
    assert (edge.upload_paths, edge.upload_limit, edge.body_limit) == ((), 50 * 1024 * 1024, 1)
