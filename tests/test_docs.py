"""The documentation: generated pages are current, the site builds with warnings as errors,
hand-written pages cover what the code has, and the README stays short and true to its links."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from icpmap.docs.reference import PAGES, stale
from icpmap.graph.config import ENVIRONMENT
from icpmap.graph.docs import model_markdown

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
# The package's own code: what a user's icpmap reads (tests, benchmarks and tools have their own variables)
PACKAGE_DIRS = ("api", "cli", "cypher", "graph", "loaders", "reports", "safety", "sample", "synth", "visualise")


def test_model_doc_is_current():
    assert (DOCS / "model.md").read_text(encoding="utf-8") == model_markdown(), (
        "docs/model.md is stale: run `python -m icpmap.docs` (or `icpmap schema --markdown > docs/model.md`)"
    )


def test_generated_reference_pages_are_current():
    assert stale() == [], "stale generated pages: run `python -m icpmap.docs` (make docs) and commit them"


def test_the_check_finds_a_stale_page(tmp_path):
    copy = tmp_path / "docs"
    for name in PAGES:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(DOCS / name, copy / name)
    assert stale(copy) == []
    page = copy / "reference" / "cli.md"
    page.write_text(page.read_text(encoding="utf-8").replace("icpmap demo", "icpmap demonstrate", 1), encoding="utf-8")
    (copy / "reference" / "settings.md").unlink()
    assert stale(copy) == ["reference/cli.md", "reference/settings.md"]


def test_the_check_command_says_current():
    out = subprocess.run([sys.executable, "-m", "icpmap.docs", "--check"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert f"{len(PAGES)} generated pages are current" in out.stdout


def test_generated_pages_follow_the_code():
    """Spot checks that each generator reads its source (a page of the wrong thing would pass the check)."""
    from icpmap import cypher
    from icpmap.reports import REPORTS

    cli = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    for command in ("icpmap demo", "icpmap load", "icpmap report", "icpmap serve", "icpmap keys create"):
        assert f"## `{command}`" in cli
    assert "`--max-rows`" in cli and "visualize" not in cli  # hidden commands stay hidden
    api = (DOCS / "reference" / "api.md").read_text(encoding="utf-8")
    assert "| [`POST /query`](#post-query) | analyst |" in api and "| [`POST /loads`](#post-loads) | admin |" in api
    assert "| [`GET /health`](#get-health) | none |" in api
    queries = (DOCS / "reference" / "queries.md").read_text(encoding="utf-8")
    assert all(f"### `{name}`" in queries for name in cypher.queries())
    reports = (DOCS / "reference" / "reports.md").read_text(encoding="utf-8")
    assert all(f"## `{name}`" in reports for name in REPORTS)
    settings = (DOCS / "reference" / "settings.md").read_text(encoding="utf-8")
    assert all(f"`{v.name}`" in settings for v in ENVIRONMENT) and "coterminosity_threshold = 0.95" in settings


def _variables_read() -> dict[str, set[str]]:
    """Every ICPMAP_* name in a string of the package's Python code, with the files that hold it."""
    found: dict[str, set[str]] = {}
    files = [ROOT / name for name in ("__init__.py", "__main__.py", "errors.py")]
    files += [p for d in PACKAGE_DIRS for p in (ROOT / d).rglob("*.py")]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for name in re.findall(r"\bICPMAP_[A-Z0-9_]*[A-Z0-9]\b", node.value):
                    found.setdefault(name, set()).add(path.relative_to(ROOT).as_posix())
    return found


def test_every_environment_variable_is_listed_once():
    listed = [v.name for v in ENVIRONMENT]
    assert len(listed) == len(set(listed))
    read = _variables_read()
    missing = {name: sorted(files) for name, files in read.items() if name not in listed}
    assert not missing, f"add these to graph/config.py ENVIRONMENT (the settings page is made from it): {missing}"
    unused = sorted(set(listed) - set(read))
    assert not unused, f"listed in ENVIRONMENT but read nowhere: {unused}"


def test_the_reports_page_defines_every_report_and_column():
    from icpmap.reports import REPORTS

    text = (DOCS / "concepts" / "reports.md").read_text(encoding="utf-8")
    for report in REPORTS.values():
        assert re.search(rf"^## \d+\. {re.escape(report.name)}$", text, re.M), f"no section for {report.name}"
        for column in report.columns:
            assert column in text, f"{report.name}: column {column} is not defined"


def test_every_page_is_in_the_navigation_and_every_screenshot_is_used():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
    assert [p for p in pages if f": {p}" not in nav] == []
    text = "".join(p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md")) + (ROOT / "README.md").read_text(
        encoding="utf-8")
    images = sorted((DOCS / "images").glob("*.png"))
    assert images, "docs/images/ has no screenshot (python -m icpmap.docs.screenshots)"
    for image in images:
        assert f"images/{image.name}" in text, f"{image.name} is used nowhere"
        assert image.stat().st_size < 150_000, f"{image.name}: keep screenshots small"


def needs_mkdocs() -> None:
    """The site is built in every `make test` (CI): no mkdocs is a failure, not a skip."""
    try:
        import material  # noqa: F401
        import mkdocs  # noqa: F401
    except ImportError:
        pytest.fail("the docs extra is not installed: pip install -e '.[docs]' (make install does)", pytrace=False)


def test_the_site_builds_with_warnings_as_errors(tmp_path):
    needs_mkdocs()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    out = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                         cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-4000:]
    for page in ("index.html", "getting-started.html", "roles/it.html", "reference/cli.html", "reference/api.html",
                 "model.html", "concepts/reports.html"):
        assert (tmp_path / "site" / page).is_file(), page
    it = (tmp_path / "site" / "roles" / "it.html").read_text(encoding="utf-8")
    assert "ICPMAP_UNCONFINED_QUERIES" in it


def test_a_broken_link_fails_the_build(tmp_path):
    """The build is strict: the check above can fail."""
    needs_mkdocs()
    copy = tmp_path / "project"
    shutil.copytree(DOCS, copy / "docs", ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    shutil.copy(ROOT / "mkdocs.yml", copy / "mkdocs.yml")
    page = copy / "docs" / "getting-started.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[gone](no-such-page.md)\n", encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    out = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                         cwd=copy, capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode != 0 and "no-such-page.md" in out.stderr


# -- the README ----------------------------------------------------------------------------------------


README = ROOT / "README.md"


def test_readme_fits_on_a_screen_or_two():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) < 150, f"README.md has {len(lines)} lines: move the detail into docs/"


def test_readme_gives_the_quickstart():
    readme = README.read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    assert "pipx install ." in readme and "icpmap demo" in readme


def test_readme_links_resolve():
    readme = README.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", readme):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        assert (ROOT / target.split("#")[0]).exists(), f"README links to {target}, which is not in the repository"
