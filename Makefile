# Prevent-Hub: `make run` serves the app with demo data; `make test` lints and runs every test.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
PORT ?= 5000
# The PostgreSQL server the test suite runs against a second time (it creates its own database).
TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test

# Both locks are made with the same pip-compile flags (each .txt repeats the command in its
# header). Add LOCK_ARGS="--upgrade-package NAME" to upgrade one package on purpose.
PIP_COMPILE = $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
LOCK_ARGS ?=

.PHONY: install lock run test test-fast test-sqlite test-postgres lint format messages translations

install: $(VENV)/.installed

# What production runs (requirements.txt) and the development and test tools
# (requirements-dev.txt), every package pinned with its hashes (docs/security.md).
$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.txt -r requirements-dev.txt
	$(MAKE) translations
	touch $@

# Interface languages (issue 14; README "Languages"). `make messages` extracts every marked
# string into the template and merges it into each catalogue; `make messages ADD_LANGUAGE=hr`
# starts a new one. `make translations` compiles the .mo files (build output, not committed; the app
# factory also compiles any that are missing or stale, so a fresh clone runs without it).
TRANSLATIONS := app/translations
ADD_LANGUAGE ?=
messages:
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project Prevent-Hub --msgid-bugs-address "" -o $(TRANSLATIONS)/messages.pot .
	$(if $(ADD_LANGUAGE),test -d $(TRANSLATIONS)/$(ADD_LANGUAGE) || $(BIN)/pybabel -q init \
		-i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $(ADD_LANGUAGE),)
	$(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

translations:
	$(BIN)/python -c "from app.core.i18n import compile_catalogues; compile_catalogues()"

# Regenerate both locks from requirements.in and requirements-dev.in, keeping every pin that
# still fits; the development lock is constrained to the production one, so both agree.
lock: install
	$(PIP_COMPILE) $(LOCK_ARGS) --output-file=requirements.txt requirements.in
	$(PIP_COMPILE) $(LOCK_ARGS) --output-file=requirements-dev.txt requirements-dev.in

run: install
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app demo load
	$(BIN)/flask --app app search sync
	$(BIN)/flask --app app run --host 127.0.0.1 --port $(PORT) --no-reload

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -r app -q
	$(BIN)/lint-imports --no-cache  # the layers of README "How the code is laid out"

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint test-sqlite test-postgres

# The tests run in TEST_WORKERS processes (pytest-xdist; 2 for a 2-core machine, 0 for one
# process). Each has its own database, index and upload folders; the tests that start servers
# (tests/faults, tests/ops) all run in one of them, one after another (docs/testing.md).
TEST_WORKERS ?= 2
PYTEST = $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

# The quick run while working: the SQLite suite without the browser and fault tests, and
# without tests/ops (real gunicorn servers over PostgreSQL and Redis). `make test` runs all.
test-fast: install
	env -u DATABASE_URL $(PYTEST) -q -m "not browser and not faults" --ignore=tests/ops

test-sqlite: install
	env -u DATABASE_URL $(PYTEST)

test-postgres: install
	# tests/ops always runs on its own PostgreSQL database: the SQLite pass has run it already.
	DATABASE_URL=$(TEST_POSTGRES_URL) $(PYTEST) -m "not browser" --ignore=tests/ops
