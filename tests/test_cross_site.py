"""Cross-site requests from a second origin, in Debian's headless Chromium, against a real
uvicorn in single-user mode (no key: the case the issue found open) and with a signed-in
dashboard session: forms and fetches from another site change nothing, and a foreign Host
name (DNS rebinding) is refused."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from icpmap.api.app import create_app
from icpmap.api.auth import KeyFile
from icpmap.graph import open_store
from icpmap.loaders import load_paths

from .attacks.world import graph_checksum, write_tiny
from .conftest import CHROMIUM, CHROMIUM_ARGS, require

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_app(app) -> tuple[object, threading.Thread, str]:  # type: ignore[no-untyped-def]
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(base + "/health", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.05)
    return server, thread, base


def attack_pages(target: str) -> dict[str, str]:
    """The attacker's site: each page fires one request at the service as soon as it loads."""
    form = ('<form id="f" method="post" action="{action}" enctype="{enctype}">{fields}</form>'
            '<script>document.getElementById("f").submit()</script>')
    delete = '<input name="cypher" value="MATCH (n:Person) DETACH DELETE n">'
    return {
        "/query-form.html": form.format(action=f"{target}/dashboard/query", enctype="application/x-www-form-urlencoded",
                                        fields=delete),
        "/query-form-noreferrer.html": '<meta name="referrer" content="no-referrer">' + form.format(
            action=f"{target}/dashboard/query", enctype="application/x-www-form-urlencoded", fields=delete),
        "/upload-fetch.html": (
            "<script>const d = new FormData(); d.append('files', new Blob(['code,name\\nEVIL,pwned\\n']), "
            f"'ics.csv'); fetch('{target}/loads', {{method: 'POST', body: d, mode: 'no-cors'}})"
            ".then(() => document.title = 'sent', () => document.title = 'failed')</script>"),
        "/query-fetch.html": (
            f"<script>fetch('{target}/query', {{method: 'POST', mode: 'no-cors', headers: {{'Content-Type': "
            "'text/plain'}, body: JSON.stringify({cypher: 'MATCH (n:Person) DETACH DELETE n'})})"
            ".then(() => document.title = 'sent', () => document.title = 'failed')</script>"),
        "/login-form.html": form.format(action=f"{target}/login", enctype="application/x-www-form-urlencoded",
                                        fields='<input name="key" value="icp-x-y"><input name="next" value="/">'),
        "/logout-form.html": form.format(action=f"{target}/logout", enctype="application/x-www-form-urlencoded",
                                         fields=""),
    }


class Attacker:
    def __init__(self, pages: dict[str, str]) -> None:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = pages.get(self.path, "").encode()
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.port = _free_port()
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.base = f"http://localhost:{self.port}"  # another origin: another host name and port

    def close(self) -> None:
        self.httpd.shutdown()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        require("browser", f"Debian's chromium is not installed at {CHROMIUM}")  # a failure where CI promises it
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP evil.example 127.0.0.1"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    root = tmp_path_factory.mktemp("crosssite")
    store = open_store(root / "db", engine="ladybug")
    load_paths(store, [write_tiny(root / "in")])
    audit = root / "loads.jsonl"
    audit.write_text("", encoding="utf-8")
    single = create_app(store, allow_anonymous=True, keys_path=root / "no-keys.json", audit=audit, cache=False)
    keys = KeyFile(root / "keys.json")
    admin = keys.create("admin", "admin")[1]
    keyed = create_app(store, keys_path=keys.path, audit=audit, cache=False)
    servers = [_serve_app(single), _serve_app(keyed)]
    yield {"store": store, "audit": audit, "single": servers[0][2], "keyed": servers[1][2], "admin": admin}
    for server, thread, _ in servers:
        server.should_exit = True  # type: ignore[attr-defined]
        thread.join(timeout=10)
    store.close()


def _attack(chromium, site: dict, target: str, sign_in: bool) -> list[str]:  # type: ignore[no-untyped-def]
    attacker = Attacker(attack_pages(target))
    context = chromium.new_context()
    seen: list[str] = []
    try:
        page = context.new_page()
        if sign_in:
            page.goto(target + "/login")
            page.fill("#key", site["admin"])
            page.click("button[type=submit]")
            page.wait_for_url(target + "/")
        for path in attack_pages(target):
            before = (graph_checksum(site["store"]), site["audit"].read_bytes())
            page.goto(attacker.base + path)
            page.wait_for_timeout(700)
            seen.append(page.content())
            after = (graph_checksum(site["store"]), site["audit"].read_bytes())
            assert after == before, f"{path} changed the store or the audit"
        if sign_in:  # still signed in: the cross-site sign-out did nothing
            page.goto(target + "/")
            assert "/login" not in page.url
    finally:
        context.close()
        attacker.close()
    return seen


def test_single_user_mode_refuses_another_site(chromium, site) -> None:
    pages = _attack(chromium, site, site["single"], sign_in=False)
    assert sum("another site" in p or "own pages" in p for p in pages) >= 3  # the form posts landed on a refusal


def test_a_signed_in_session_refuses_another_site(chromium, site) -> None:
    _attack(chromium, site, site["keyed"], sign_in=True)


def test_a_foreign_host_name_is_refused(chromium, site) -> None:
    port = site["single"].rsplit(":", 1)[1]
    context = chromium.new_context()
    try:
        page = context.new_page()
        response = page.goto(f"http://evil.example:{port}/places")  # DNS rebinding: a foreign name on 127.0.0.1
        assert response is not None and response.status == 400 and "Invalid host" in page.content()
        assert page.goto(f"http://localhost:{port}/health").status == 200
    finally:
        context.close()
    assert httpx.get(site["single"] + "/health", headers={"Host": "evil.example"}).status_code == 400
