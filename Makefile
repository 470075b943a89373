# Charter — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

BIN := .venv/bin
VENV_STAMP := .venv/.charter-synced

# Tests and CI use real PostgreSQL and Redis. A DATABASE_URL or REDIS_URL already set in the
# environment wins (pytest-django creates and drops its own test_<name> database beside it).
DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/charter
REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=
# The main run spreads the tests over pytest-xdist workers, one per core of the 2-core machines
# (each gets its own test_<name>_gw<N> database and Redis key prefix); 0 runs them in one process.
# Work stealing keeps both workers busy to the end (the browser and fault tests are long), and
# the slowest tests are printed, to see where the suite's minutes go.
PYTEST_WORKERS ?= 2
TEST_ENV := DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) CELERY_BROKER_URL=
# The benchmarks run on a database of their own beside DATABASE_URL's (<name>_bench, or
# BENCH_DATABASE_URL), created and migrated if needed (docs/performance.md).
BENCH_SCALE ?= full

# The quickstart ignores the environment and .env on purpose: a SQLite file and a filesystem
# broker under var/, debug on, plain http on localhost, mail printed; no server to install.
CHARTER_PORT ?= 8000
QUICKSTART_ENV := DJANGO_DEBUG=true DATABASE_URL= REDIS_URL= CELERY_BROKER_URL= \
	CHARTER_DATA_DIR=$(CURDIR)/var CHARTER_SECURE=false CHARTER_PORT=$(CHARTER_PORT) \
	CHARTER_SITE_URL=http://127.0.0.1:$(CHARTER_PORT) DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1,[::1] \
	DJANGO_EMAIL_BACKEND=core.console_mail.EmailBackend

# The OpenAPI schema is generated without a database or a cache: the checks and `make schema`.
SCHEMA_ENV := DJANGO_DEBUG=true DATABASE_URL=sqlite:///:memory: REDIS_URL=

# The production profile that `check --deploy` must pass without a single warning.
DEPLOY_ENV := DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS=charter.example.com \
	DJANGO_SECRET_KEY="$$(head -c 48 /dev/urandom | base64 | tr -d '\n')" \
	DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) CELERY_BROKER_URL=

.PHONY: help venv run migrate demo web worker beat test ruff imports lint types services chromium pdflibs pdftotext checks schema bench bench-tiny fuzz ci clean

help:
	@echo "make run      install, migrate, load the demo and start web + worker + beat (SQLite, no servers)"
	@echo "make test     the whole suite: lint, checks, PostgreSQL + Redis + browser tests, SQLite smoke"
	@echo "make migrate / make demo            migrate / load the demo data on the quickstart database"
	@echo "make web / make worker / make beat  one quickstart process on its own"
	@echo "make lint / make checks             ruff check + format check + imports / makemigrations --check, check --deploy"
	@echo "make imports  the import-linter contracts: floors between apps, layers inside them"
	@echo "make types    mypy with the Django and DRF plugins (settings in pyproject.toml)"
	@echo "make schema   regenerate docs/openapi.yaml, the API's checked-in contract (review the diff)"
	@echo "make bench    the benchmarks against their ceilings (BENCH_SCALE=full|tiny, docs/performance.md)"
	@echo "make fuzz     a long Schemathesis run over the whole API (docs/api.md)"
	@echo "make ci       what .ci/run runs (= make test)"

# --- the virtualenv: uv, the locked versions, bytecode compiled once ---------------------------
venv: $(VENV_STAMP)

$(VENV_STAMP): pyproject.toml uv.lock
	@python="$$(bin/find-python)"; \
	"$$python" -m uv --version >/dev/null 2>&1 || "$$python" -m pip install --quiet uv; \
	UV_PYTHON_DOWNLOADS=never "$$python" -m uv sync --frozen --compile-bytecode -p "$$python"
	@touch $@

# --- quickstart ---------------------------------------------------------------------------------
migrate: venv
	$(QUICKSTART_ENV) $(BIN)/python manage.py migrate --noinput
	$(QUICKSTART_ENV) $(BIN)/python manage.py load_frameworks

# The demo data lives in its own app, demo/, the top floor (docs/architecture.md).
demo: migrate
	$(QUICKSTART_ENV) $(BIN)/python manage.py load_demo_data

run: demo pdflibs
	@$(QUICKSTART_ENV) $(BIN)/python bin/quickstart

web: venv
	$(QUICKSTART_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(CHARTER_PORT)

worker: venv
	$(QUICKSTART_ENV) $(BIN)/celery --app=config worker --loglevel=INFO

beat: venv
	$(QUICKSTART_ENV) $(BIN)/celery --app=config beat --loglevel=INFO

# --- tests --------------------------------------------------------------------------------------
services:
	@$(TEST_ENV) bin/ensure-services

# The browser tests drive the OS's Chromium (never `playwright install`: no downloads).
chromium:
	@test -x /usr/bin/chromium || { \
		echo "Installing Chromium from the OS packages for the browser tests..."; \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$sudo apt-get update -qq; \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# PDFs (model cards) are drawn by WeasyPrint on the OS's Pango with a font of its own; the
# tests read them back with poppler's pdftotext.
pdflibs:
	@{ ldconfig -p | grep -q libpangoft2-1.0 && fc-list | grep -qi dejavu; } || { \
		echo "Installing Pango and the DejaVu fonts from the OS packages for PDF export..."; \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$sudo apt-get update -qq; \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-dejavu-core >/dev/null; }

pdftotext: pdflibs
	@command -v pdftotext >/dev/null || { \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$sudo apt-get update -qq; \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; }

ruff: venv
	$(BIN)/ruff check .

# The floors between apps and the layers inside them (pyproject.toml, docs/architecture.md).
# No cache: the whole graph takes well under a second.
imports: venv
	$(BIN)/lint-imports --no-cache --no-logo

# Formatting is checked on Python files only: the docs show their snippets as written.
lint: ruff imports
	$(BIN)/ruff format --check --extend-exclude '*.md' .

# The type checker reads [tool.mypy] in pyproject.toml; it needs no database.
types: venv
	$(BIN)/mypy

checks: venv
	DJANGO_DEBUG=true DATABASE_URL=sqlite:///:memory: REDIS_URL= $(BIN)/python manage.py makemigrations --check --dry-run
	$(DEPLOY_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(SCHEMA_ENV) $(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null

# The API's contract, checked in: tests/core/test_schema_contract.py fails when the code's
# schema differs from this file. Regenerate, then review the diff as a change of the API.
schema: venv
	$(SCHEMA_ENV) $(BIN)/python manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml

# The benchmarks: Charter's rates against a ceiling measured in the same run. No thresholds:
# `make test` runs them at tiny scale to prove they run, and fails only if one crashes.
bench: venv services
	$(TEST_ENV) $(BIN)/python -m bench --scale $(BENCH_SCALE)

bench-tiny: venv services
	$(TEST_ENV) $(BIN)/python -m bench --scale tiny

# A longer Schemathesis run than the suite's (docs/api.md): more examples, coverage and stateful.
fuzz: venv services
	CHARTER_FUZZ_EXAMPLES=25 CHARTER_FUZZ_PHASES=examples,coverage,fuzzing,stateful \
		$(TEST_ENV) $(BIN)/python -m pytest -q -p no:cacheprovider tests/core/test_api_fuzz.py

test: venv services chromium pdftotext ruff imports types checks bench-tiny
	@echo "== pytest on PostgreSQL and Redis"
	$(TEST_ENV) $(BIN)/python -m pytest --create-db -q -n $(PYTEST_WORKERS) --dist worksteal --durations=15 $(PYTEST_ARGS)
	@echo "== pytest -m sqlite_smoke on SQLite"
	@smoke_dir="$$(mktemp -d)"; status=0; \
	DATABASE_URL="sqlite:///$$smoke_dir/smoke.sqlite3" REDIS_URL=$(REDIS_URL) CELERY_BROKER_URL= \
		$(BIN)/python -m pytest --create-db -q -m sqlite_smoke || status=$$?; \
	rm -rf "$$smoke_dir"; \
	if [ $$status -eq 5 ]; then echo "No sqlite_smoke test was collected: the smoke run proves nothing." >&2; fi; \
	exit $$status

ci: test

clean:
	rm -rf .venv var staticfiles
