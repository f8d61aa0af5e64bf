# vbe_learn: `make run` sets up everything and serves on http://127.0.0.1:$(PORT) (default 5000;
# `make run PORT=5050`); `make test` runs the suite (npm not needed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app.py
# The port `make run` serves on; config.py's PUBLIC_BASE_URL follows it unless set.
PORT ?= 5000
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test test-sqlite test-postgres lint format setup node_modules bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

# axe-core for the accessibility tests (tests/e2e), exactly as package-lock.json pins it;
# reinstalled only when package-lock.json changes. Test tooling only: nothing is served from it.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

node_modules: node_modules/.installed

run: export PORT := $(PORT)
run: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask courses sync
	$(BIN)/flask demo seed --if-empty
	$(BIN)/flask demo logins
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The whole suite, on SQLite and then on PostgreSQL. Without a reachable PostgreSQL, Redis,
# Chromium or node_modules/axe-core (`make node_modules`, needs npm) those tests are skipped
# locally with the reason; with VBE_REQUIRE_ALL=1 (as in .ci/run) a skip fails.
test: lint test-sqlite test-postgres

test-sqlite: setup
	$(BIN)/flask courses check
	$(BIN)/pytest

test-postgres: setup
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest

bench: setup
	$(BIN)/python bench/roster.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/exports.py
	$(BIN)/python bench/reminders.py
	$(BIN)/python bench/export_load.py
	$(BIN)/python bench/learner.py

clean:
	rm -rf $(VENV) .pytest_cache node_modules
