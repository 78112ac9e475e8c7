# Prevent-Hub: `make run` serves the app with demo data; `make test` lints and runs every test.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
PORT ?= 5000
# The PostgreSQL server the test suite runs against a second time (it creates its own database).
TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: install run test test-sqlite test-postgres lint format

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	# Every package, pip itself included, is pinned with its hashes (see README "Security").
	$(BIN)/pip install --quiet --require-hashes -r requirements.txt
	touch $@

run: install
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app demo load
	$(BIN)/flask --app app search sync
	$(BIN)/flask --app app run --host 127.0.0.1 --port $(PORT) --no-reload

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -r app -q

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint test-sqlite test-postgres

test-sqlite: install
	env -u DATABASE_URL $(BIN)/python -m pytest

test-postgres: install
	# tests/ops always runs on its own PostgreSQL database: the SQLite pass has run it already.
	DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/python -m pytest -m "not browser" --ignore=tests/ops
