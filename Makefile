# Massline — two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: run test test-fast test-pg lint bench install clean-venv

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (Python 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs the package and its pinned dependencies (dev extras too) when pyproject changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make run: set up, migrate, load the demo on first start, serve on http://127.0.0.1:8000
run: $(STAMP)
	$(BIN)/massline serve --demo

## make test: lint, types, import contracts, then the whole suite (SQLite; PostgreSQL when available)
test: $(STAMP) lint
	$(BIN)/python -m pytest -n 2 -q
	@if scripts/pg-available.sh; then \
		echo "== again on PostgreSQL =="; \
		scripts/with-postgres.sh $(BIN)/python -m pytest -n 2 -q -m "not browser"; \
	else echo "PostgreSQL not installed: skipped the PostgreSQL run (.ci/run installs it)"; fi

## make test-fast: the suite on SQLite without slow and browser tests
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q -m "not slow and not browser"

test-pg: $(STAMP)
	scripts/with-postgres.sh $(BIN)/python -m pytest -n 2 -q -m "not browser"

lint: $(STAMP)
	$(BIN)/ruff check massline tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

## make bench: every benchmark (the submission benchmark needs wrk, a Debian package: installed here when missing)
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && \
		apt-get install -y -qq --no-install-recommends wrk; } || echo "install wrk (apt-get install wrk) for bench_submit.py"
	$(BIN)/python benchmarks/run_all.py

clean-venv:
	rm -rf $(VENV)
