"""The documentation site's sources (`docs/*.md`, built by MkDocs: `make docs`) and the scripts
that generate parts of it from the code: `python -m icpmap.docs` writes the reference pages
(`reference.py`), `python -m icpmap.docs --check` fails when one is stale, and
`python -m icpmap.docs.screenshots` remakes the screenshots in headless Chromium.

Not part of the installed package (the wheel leaves `docs/` out): a tool for developers.
"""
