# Partnership QA platform. `make` lists the targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
TEST_WORKERS ?= 2

.DEFAULT_GOAL := help
.PHONY: help install run worker scheduler test test-sqlite test-postgres lint format assets bench clean browser

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/flask: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	@touch $(BIN)/flask

install: $(BIN)/flask ## Create .venv and install the pinned dependencies

run: install ## Migrate, seed the demo partnership and serve on the embedded default (SQLite)
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	RUN_SCHEDULER_IN_PROCESS=1 $(BIN)/flask run --host $(HOST) --port $(PORT) --no-reload

worker: install ## Run an RQ worker (needs REDIS_URL)
	$(BIN)/flask worker

scheduler: install ## Run the scheduler that enqueues periodic jobs
	$(BIN)/flask scheduler

browser: ## Install Debian's Chromium for the browser tests (root only)
	@bash scripts/ensure_browser.sh

lint: install ## ruff (with its security rules), the import-linter contracts, bandit (no high findings)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/bandit -q -r core config plugins wsgi.py -x core/static --severity-level high

format: install ## Format with ruff
	$(BIN)/ruff format .

test-sqlite: install ## The suite on SQLite
	$(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS)

test-postgres: install ## The suite on a throwaway PostgreSQL database (browser tests run once, on SQLite)
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --ignore=tests/e2e

test: install browser lint ## Everything CI runs: lint, then the suite on SQLite and PostgreSQL with real Redis
	TEST_REDIS_URL=$(REDIS_TEST_URL) $(MAKE) --no-print-directory test-sqlite
	TEST_REDIS_URL=$(REDIS_TEST_URL) $(MAKE) --no-print-directory test-postgres

assets: ## Rebuild the vendored GOV.UK Frontend files (needs Node and npm)
	bash scripts/build_assets.sh

LOAD_VENV ?= .venv-load
BENCH_POSTGRES_URL ?= $(PG_TEST_URL)

$(LOAD_VENV)/bin/locust: constraints.txt
	$(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/pip install --quiet locust==2.47.0
	@touch $(LOAD_VENV)/bin/locust

bench: install $(LOAD_VENV)/bin/locust ## Print benchmark figures as JSON (SQLite, PostgreSQL, load under gunicorn)
	BENCH_POSTGRES_URL=$(BENCH_POSTGRES_URL) $(BIN)/python -m bench

clean: ## Remove the virtualenv, caches and the local database
	rm -rf $(VENV) $(LOAD_VENV) .pytest_cache .ruff_cache instance
