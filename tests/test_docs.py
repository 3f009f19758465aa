"""The docs are generated from the model; this fails when they drift."""

from pathlib import Path

from icpmap.graph.docs import model_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_model_doc_is_current():
    assert (ROOT / "docs" / "model.md").read_text(encoding="utf-8") == model_markdown(), (
        "docs/model.md is stale: run `icpmap schema --markdown > docs/model.md`"
    )


def test_readme_gives_the_quickstart():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
