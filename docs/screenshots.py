"""`python -m icpmap.docs.screenshots`: remake the documentation's screenshots (`docs/images/`).

Runs the real `icpmap demo` into a temporary folder, then opens, in headless Chromium
(Debian's `/usr/bin/chromium` through Playwright, or `ICPMAP_CHROMIUM`; never a downloaded
browser): the demo's `index.html`, a Place's diagram once it has settled, and the
dashboard's Place page served by `icpmap serve` on a free loopback port. Each picture is
saved as a palette PNG (a few tens of KB) so the repository stays small.
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

IMAGES = Path(__file__).resolve().parent / "images"
CHROMIUM = os.environ.get("ICPMAP_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
PLACE, PLACE_FILE = "E06000007", "place-warrington-E06000007.html"  # a Place with gaps to show
VIEWPORT = {"width": 1200, "height": 760}


def icpmap(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "icpmap", *args], check=True, capture_output=True, text=True,
                          **kwargs)  # type: ignore[call-overload]


def save(png: bytes, name: str, colours: int = 256) -> Path:
    """A small palette PNG (Pillow comes with matplotlib)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=colours, dither=Image.Dither.NONE)
    path = IMAGES / name
    image.save(path, format="PNG", optimize=True)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60.0) -> None:
    started = time.monotonic()
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() - started > timeout:
                raise
            time.sleep(0.3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m icpmap.docs.screenshots", description=__doc__)
    parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    IMAGES.mkdir(exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="icpmap-screenshots-") as tmp:
        # as `make demo` runs it, so the pages show the same short paths a user sees
        out, db = Path(tmp) / "icpmap-demo", Path(tmp) / "icpmap-demo" / "store"
        icpmap("--db", "icpmap-demo/store", "demo", "--out", "icpmap-demo", cwd=tmp)
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "icpmap", "--db", str(db), "serve", "--port", str(port),
                                   "--log-level", "warning"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page(viewport=VIEWPORT)
                page.goto((out / "index.html").as_uri())
                written.append(save(page.screenshot(), "demo-index.png"))

                page.goto((out / "diagrams" / PLACE_FILE).as_uri())
                page.wait_for_function("() => !!(window.icpmap && window.icpmap.ready)", timeout=120_000)
                page.wait_for_timeout(300)
                written.append(save(page.screenshot(), "diagram.png"))

                base = f"http://127.0.0.1:{port}"
                wait_for(f"{base}/health")
                page.goto(f"{base}/dashboard/places/{PLACE}")
                page.wait_for_load_state("networkidle")
                diagram = next(f for f in page.frames if f != page.main_frame)
                diagram.wait_for_function("() => !!(window.icpmap && window.icpmap.ready)", timeout=120_000)
                page.wait_for_timeout(300)
                written.append(save(page.screenshot(), "dashboard-place.png"))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    for path in written:
        print(f"{path.relative_to(IMAGES.parent.parent)}: {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
