"""Open one of our offline pages (diagram, map) in headless Chromium and watch it: any request
that would leave the machine is blocked and recorded, as is every page error, console error or
warning and dialog; the page is ready when its script sets `window.icpmap.ready`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCAL = ("file:", "data:", "blob:")


class Opened:
    """A ready page with what it tried to fetch (`attempts`), what went wrong (`problems`) and how
    long it took to be ready (`seconds`)."""

    def __init__(self, page, attempts: list[str], problems: list[str], seconds: float) -> None:
        self.page, self.attempts, self.problems, self.seconds = page, attempts, problems, seconds

    def js(self, expression: str, arg: object = None) -> object:
        # page.evaluate goes through the DevTools protocol, so the page's CSP (no eval) does not stop it
        return self.page.evaluate(expression, arg)


def open_page(browser, path: Path, timeout: float = 30.0) -> Opened:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = context.new_page()
    attempts: list[str] = []
    problems: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(LOCAL):
            r.continue_()
        else:
            attempts.append(url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    started = time.monotonic()
    page.goto(path.as_uri())
    while not page.evaluate("() => !!(window.icpmap && window.icpmap.ready)"):
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{path.name} was not ready in {timeout} s; problems: {problems}")
        page.wait_for_timeout(20)
    return Opened(page, attempts, problems, time.monotonic() - started)


@contextmanager
def opened_page(browser, path: Path, timeout: float = 30.0) -> Iterator[Opened]:
    """`open_page`, closed again when the block ends (however it ends)."""
    opened = open_page(browser, path, timeout)
    try:
        yield opened
    finally:
        opened.page.context.close()
