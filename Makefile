# The two commands of the quickstart: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint docs screenshots fuzz bench mutation clean install neo4j-up neo4j-down paper-images

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,docs]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/icpmap --db $(CURDIR)/icpmap-demo/store demo --out $(CURDIR)/icpmap-demo

lint: $(STAMP)
	$(BIN)/ruff check .

# The documentation site (docs/, MkDocs + Material): reference pages regenerated from the code,
# then built with warnings as errors into build/site. `make test` checks both (tests/test_docs.py).
docs: $(STAMP)
	$(BIN)/python -m icpmap.docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict

# The screenshots in docs/images/, made by the demo in headless Chromium (Debian's chromium).
screenshots: $(STAMP)
	$(BIN)/python -m icpmap.docs.screenshots

# Two pytest-xdist workers, each running whole modules (module fixtures are made once, and a
# module's Neo4j tests keep their order on that worker's own server: tests/conftest.py);
# TEST_WORKERS=0 runs in one process.
# One Neo4j server of yours (ICPMAP_NEO4J_URI) cannot be shared by two workers: one process then.
ifneq ($(strip $(ICPMAP_NEO4J_URI)),)
ifeq ($(strip $(ICPMAP_TEST_NEO4J_ENVS)),)
TEST_WORKERS ?= 0
endif
endif
TEST_WORKERS ?= 2
test: $(STAMP) lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

fuzz: $(STAMP)
	ICPMAP_FUZZ_EXAMPLES=2000 ICPMAP_ATTACKS_FULL=1 $(BIN)/python -m pytest -m "not browser" tests -k "fuzz or hypothesis or property or attack"

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# The pictures of a board paper in docs/concepts/papers.md: `icpmap profile` on the bundled sample, its first
# three pages drawn by poppler's pdftoppm (Debian poppler-utils).
paper-images: $(STAMP)
	rm -rf build/readme && mkdir -p build/readme docs/images
	$(BIN)/icpmap --db build/readme/store load -q sample
	$(BIN)/icpmap --db build/readme/store profile --place E08000012 --as-at 2025-06-30 -o build/readme/profile.pdf
	pdftoppm -r 48 -f 1 -l 3 -png build/readme/profile.pdf docs/images/profile-page

# Mutation testing of the core (about an hour on 2 cores; results kept in .mutation/ between runs).
# MUTATION_ARGS="--area api --no-python" narrows a run; "--sample 150 [--seed 0]" measures a seeded random
# sample of 150 Python and 150 text mutants per area (score with its 95% interval); a run adds its areas
# to the committed report (other areas' rows are kept). See docs/mutation.md.
$(VENV)/.mutation-installed: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,mutation]"
	touch $@

mutation: $(VENV)/.mutation-installed
	$(BIN)/python -m tools.mutation $(MUTATION_ARGS)

# The bundled Neo4j 5.26 Community server (Java 17 + Maven; no Docker): see docs/neo4j.md.
# `eval "$$(make -s neo4j-up)"` sets ICPMAP_NEO4J_* in your shell. ICPMAP_NEO4J_PORT picks the port.
neo4j-up:
	@tools/neo4j/neo4j.sh up

neo4j-down:
	@tools/neo4j/neo4j.sh down

clean:
	rm -rf $(VENV) icpmap-demo build *.egg-info .mutation
