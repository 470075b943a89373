# Charter — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell bin/find-python)
VENV := .venv
BIN := $(VENV)/bin
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")

# Tests and CI talk to real PostgreSQL and Redis; override these to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/charter
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: help venv venv-dev run migrate demo worker beat web test lint services chromium check-deploy ci clean

help:
	@echo "make run    set up and run Charter on its embedded defaults, with demo data"
	@echo "make test   run the whole test suite (lint, checks, PostgreSQL + Redis, browser, SQLite smoke)"
	@echo "make worker / make beat / make web   run one process of the quickstart"

$(BIN)/python:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) venv --quiet -p "$(PYTHON)" $(VENV)

venv: $(BIN)/python
	$(UV) sync --frozen --no-dev --compile-bytecode --quiet -p $(BIN)/python

venv-dev: $(BIN)/python
	$(UV) sync --frozen --compile-bytecode --quiet -p $(BIN)/python

# --- quickstart: SQLite file and a filesystem broker under var/, no servers -------------------
QUICKSTART_ENV := DJANGO_DEBUG=true DATABASE_URL= REDIS_URL= CELERY_BROKER_URL=

migrate: venv
	$(QUICKSTART_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(QUICKSTART_ENV) $(BIN)/python manage.py load_demo_data

run: demo
	$(QUICKSTART_ENV) $(BIN)/python bin/quickstart

web: venv
	$(QUICKSTART_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

worker: venv
	$(QUICKSTART_ENV) $(BIN)/celery -A config worker --loglevel=INFO --concurrency=2

beat: venv
	$(QUICKSTART_ENV) $(BIN)/celery -A config beat --loglevel=INFO

# --- tests ------------------------------------------------------------------------------------
services:
	@bin/ensure-services

chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

lint: venv-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-deploy: venv-dev
	DJANGO_DEBUG=false DJANGO_SECRET_KEY="$$(head -c 48 /dev/urandom | base64)" \
	DJANGO_ALLOWED_HOSTS=charter.example.com DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	$(BIN)/python manage.py check --deploy --fail-level WARNING
	DJANGO_DEBUG=true DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python manage.py makemigrations --check --dry-run

test: venv-dev services chromium lint check-deploy
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python -m pytest --create-db -q
	DATABASE_URL=sqlite:///$$(mktemp -d)/smoke.sqlite3 REDIS_URL=$(TEST_REDIS_URL) \
	$(BIN)/python -m pytest --create-db -q -m sqlite_smoke

ci: test

clean:
	rm -rf $(VENV) var staticfiles
