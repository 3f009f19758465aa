"""Install like a Python tool: build the wheel, install it into a new virtual environment
outside the checkout (dependencies from the package index, through pip's cache), and run
`icpmap demo` and `icpmap serve` from there, as an analyst would after `pipx install .`.

Also: the wheel holds every file the code reads (queries, templates, stylesheets, diagram
assets, the sample), so a new kind of file added to a package folder and forgotten in
`pyproject.toml`'s package data fails here, not on a user's machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from .serving import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
# Files in package folders that the installed package does not need (developers' notes, generators).
NOT_SHIPPED = {"loaders/README.md", "reports/README.md", "synth/README.md", "visualise/README.md",
               "sample/_generate.py"}
SHIPPED_DIRS = ("api", "cli", "cypher", "graph", "loaders", "reports", "safety", "sample", "synth", "visualise")


def tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if out.returncode != 0:
        pytest.fail("the wheel test builds from the git checkout's tracked files; `git ls-files` failed")
    return [f for f in out.stdout.decode().split("\0") if f and (ROOT / f).is_file()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the tracked files (a build writes into the folder it builds)."""
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"
    for name in tracked_files():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, src / name)
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(root / "dist"),
                          str(src)], capture_output=True, text=True, timeout=600,
                         env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    assert out.returncode == 0, out.stderr[-3000:]
    (built,) = (root / "dist").glob("icpmap-*.whl")
    return built


def test_the_wheel_holds_every_file_the_code_reads(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    wanted = {f"icpmap/{f}" for f in tracked_files()
              if f.split("/")[0] in SHIPPED_DIRS and f not in NOT_SHIPPED}
    wanted |= {"icpmap/__init__.py", "icpmap/__main__.py", "icpmap/errors.py"}
    assert sorted(wanted - names) == [], "add these to [tool.setuptools.package-data] in pyproject.toml"
    # and nothing of the developers' tree
    assert not [n for n in names if n.startswith(("icpmap/tests/", "icpmap/benchmarks/", "icpmap/tools/",
                                                  "icpmap/docs/"))]
    assert {"icpmap/cypher/load/ics_geography.cypher", "icpmap/api/templates/base.html", "icpmap/api/static/style.css",
            "icpmap/visualise/assets/index.html.j2", "icpmap/sample/places.csv"} <= names


def test_installed_in_a_new_venv_the_demo_and_the_service_run(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / "python"
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV") and not k.startswith("ICPMAP_")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", ICPMAP_DB=str(tmp_path / "home-store"))
    started = time.monotonic()
    out = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-compile", str(wheel)], capture_output=True, text=True,
                         env=env, timeout=1200)
    assert out.returncode == 0, out.stderr[-3000:]
    install_s = time.monotonic() - started

    run = tmp_path / "elsewhere"  # outside the checkout: nothing can be imported from it
    run.mkdir()
    where = subprocess.run([str(python), "-c", "import icpmap; print(icpmap.__file__)"], cwd=run, env=env,
                           capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout

    demo = subprocess.run([str(bindir / "icpmap"), "demo"], cwd=run, env=env, capture_output=True, text=True,
                          timeout=900)
    assert demo.returncode == 0, demo.stderr[-3000:]
    out_dir = run / "icpmap-demo"
    assert f"Where to look: {out_dir / 'index.html'}" in demo.stdout
    assert "icpmap serve" in demo.stdout  # the command is on PATH in a venv's bin: said as `icpmap`
    files = {p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file()}
    assert {"index.html", "reports/report-pack.xlsx", "diagrams/place-liverpool-E08000012.html",
            "queries/report-unsigned.csv", "charts/assurance.svg"} <= files

    port = free_port()
    server = subprocess.Popen([str(bindir / "icpmap"), "serve", "--port", str(port), "--log-level", "warning"],
                              cwd=run, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=5) as r:
                    assert r.status == 200
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "the installed service did not start"
                time.sleep(0.5)
        with urllib.request.urlopen(f"{base}/", timeout=30) as r:  # a template, from the wheel
            home = r.read().decode("utf-8")
        assert "Liverpool" in home and "/static/style.css" in home
        with urllib.request.urlopen(f"{base}/static/style.css", timeout=30) as r:
            assert r.status == 200 and b"--blue" in r.read()
        with urllib.request.urlopen(f"{base}/places/E08000012/network.html", timeout=60) as r:
            assert r.status == 200 and b"vis-network" in r.read()  # the diagram page, its script inlined
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"install into a new venv: {install_s:.0f} s")
