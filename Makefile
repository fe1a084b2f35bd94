# Movement Notes: `make run` serves the forum, `make test` runs every test.
# Each target creates or reuses .venv and installs only when pyproject.toml changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
WORKERS ?= 2
FLASK  := $(BIN)/flask --app app
AXE    := tests/e2e/node_modules/axe-core/axe.min.js

.PHONY: run serve test e2e fuzz lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,e2e]'
	touch $@

# axe-core for the browser tests, from npm; without npm (or Chromium) those tests are skipped.
$(AXE): tests/e2e/package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then echo "npm is missing: the axe-core tests will be skipped."; \
	elif npm ci --prefix tests/e2e --no-audit --no-fund --silent; then touch $@; \
	else echo "npm ci failed: the axe-core tests will be skipped."; fi

$(VENV)/.installed-fuzz: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,fuzz]'
	touch $@

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@

run: $(VENV)/.installed-app
	$(FLASK) db upgrade
	$(FLASK) forum seed-demo --if-empty --count 2000
	$(FLASK) forum check-index
	$(FLASK) run --host $(HOST) --port $(PORT)

# With REDIS_URL set, a mail worker (forum mail-worker) runs beside gunicorn and stops with it.
serve: $(VENV)/.installed-app
	FORUM_ENV=production $(FLASK) db upgrade
	@if [ -n "$$REDIS_URL" ]; then \
		FORUM_ENV=production $(FLASK) forum mail-worker & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	fi; \
	FORUM_ENV=production $(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) app:app

# The layers of ARCHITECTURE.md first (import-linter, seconds), then every test.
test: $(VENV)/.installed-test $(AXE)
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

# Only the browser tests (headless Debian chromium; see README, "Browser tests").
e2e: $(VENV)/.installed-test $(AXE)
	$(BIN)/python -m pytest -m e2e tests/e2e

# Schemathesis over every operation of /api/openapi.json, in process (minutes; see README).
fuzz: $(VENV)/.installed-fuzz
	$(BIN)/python -m pytest -m fuzz tests/fuzz

lint: $(VENV)/.installed-test
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/python -m ruff format .
	$(BIN)/python -m ruff check --fix .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache

# Benchmarks (bench/RESULTS.md). BENCH_ARGS e.g. "--sizes 10000 --seconds 5"; data is kept in
# bench/data/ and reused. wrk comes from the Debian package; without it pages are skipped.
bench: $(VENV)/.installed-bench
	@command -v wrk >/dev/null 2>&1 || apt-get install -y -qq wrk >/dev/null 2>&1 \
		|| sudo -n apt-get install -y -qq wrk >/dev/null 2>&1 \
		|| echo "wrk is missing and could not be installed (apt-get install wrk): pages will not be measured."
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

# 16 clients for 60 s against gunicorn (4 workers) on PostgreSQL and Redis on 127.0.0.1, with
# mail over SMTP to a local server through `forum mail-worker`; the mail worker SIGKILLed in the
# middle of a batch at a quarter, one web worker halfway; proves nothing acknowledged was lost
# and every committed message arrived ("Load and faults" in bench/RESULTS.md).
# LOAD_FAULT_ARGS e.g. "--seconds 20 --no-results".
.PHONY: load-fault
load-fault: $(VENV)/.installed-bench
	$(BIN)/python bench/load_fault.py $(LOAD_FAULT_ARGS)
