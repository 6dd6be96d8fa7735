# The single entry point: `make run` serves the demo, `make test` checks the code (`make test-slow`
# adds the slow fresh-clone test; CI runs both).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` is for local development: DEBUG on (a throwaway key) unless the caller says otherwise,
# and mail is sent at once (to the console unless EMAIL_URL says otherwise), without a worker.
RUN_ENV := DEBUG=$${DEBUG:-1} TASKS_BACKEND=$${TASKS_BACKEND:-django_tasks.backends.immediate.ImmediateBackend}

.PHONY: help run setup serve backup restore test test-slow e2e browser bench lint format coverage clean

help:
	@echo "make run      set up (venv, install, migrate, demo data, admin login) and serve on http://$(HOST):$(PORT)/"
	@echo "make setup    everything 'make run' does except starting the server"
	@echo "make serve    production mode on this machine: gunicorn and the mail worker, WhiteNoise, DEBUG off"
	@echo "make backup   write the database (portable JSON) and the photos to backups/<time>/"
	@echo "make restore BACKUP=backups/<time>   load a backup into an empty database"
	@echo "make test     ruff, the migrations check and every test but the slow ones, on every core"
	@echo "make test-slow the slow tests: a fresh clone set up with 'make setup', 20,000 mails through SMTP"
	@echo "make e2e      browser tests in headless Chromium (installs Chromium and Java when missing)"
	@echo "make bench    load-test 5,000 and 50,000 generated talks on both setups, beside the peers (installs wrk when missing)"
	@echo "make format   reformat the code with ruff"
	@echo "make coverage the suite with a branch-coverage report"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

setup: $(VENV)/.installed
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py load_demo
	@$(RUN_ENV) $(BIN)/python manage.py ensure_admin

run: setup
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production mode on one machine. DEBUG is off; a SECRET_KEY is made once and kept in the
# git-ignored file .secret-key unless the environment gives one. This serves plain http on
# 127.0.0.1, so the https-only settings are turned off here, explicitly; behind TLS, run
# gunicorn as docs/deploy.md shows and leave them on.
WEB_CONCURRENCY ?= 2
SERVE_ENV := DEBUG=0 SECRET_KEY="$${SECRET_KEY:-$$(cat .secret-key)}" \
	SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0

.secret-key:
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@chmod 600 $@

serve: $(VENV)/.installed .secret-key
	@echo "Production mode on plain http://$(HOST):$(PORT)/: SECURE_SSL_REDIRECT, HSTS and secure cookies are OFF (no TLS here)"
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(BIN)/python manage.py load_demo
	@$(SERVE_ENV) $(BIN)/python manage.py ensure_admin
	@echo "The mail worker (manage.py db_worker) runs beside gunicorn and stops with it"
	$(SERVE_ENV) $(BIN)/python manage.py db_worker --no-reload & WORKER=$$!; \
	trap 'kill $$WORKER' EXIT INT TERM; \
	$(SERVE_ENV) $(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers $(WEB_CONCURRENCY) \
		--access-logfile - --forwarded-allow-ips=127.0.0.1

# The database named by DATABASE_URL (SQLite by default), whichever kind it is.
backup: $(VENV)/.installed
	$(RUN_ENV) $(BIN)/python manage.py backup

restore: $(VENV)/.installed
	@test -n "$(BACKUP)" || { echo "Say which backup: make restore BACKUP=backups/<time>"; exit 2; }
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py restore $(BACKUP) $(RESTORE_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SECRET_KEY=lint $(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every test but the `slow` ones, one worker per core (pytest-xdist; PYTEST_ARGS="-n 0" runs
# them in one process). Each worker has its own test database and local-memory cache.
test: lint
	$(BIN)/python -m pytest -n auto -m "not slow" $(PYTEST_ARGS)

# The slow tests (pytest -m slow): a fresh clone of this repository set up with `make setup`, and
# 20,000 subscriber mails queued and delivered through a local SMTP server (timed; see docs/mail.md).
test-slow: $(VENV)/.installed
	$(BIN)/python -m pytest -m slow $(PYTEST_ARGS)

$(VENV)/.installed-e2e: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[dev,e2e]"
	@touch $@

# Debian's Chromium drives the browser tests (Playwright cannot download browsers here), and the
# Nu HTML Checker needs Java. Both come from apt when missing; root or sudo is needed for that.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Chromium with apt-get (for the browser tests)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; \
	fi
	@if ! command -v java >/dev/null; then \
		echo "Installing Java with apt-get (for the Nu HTML Checker)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq default-jre-headless; \
	fi

e2e: $(VENV)/.installed-e2e browser
	@echo "Running the browser tests in headless Chromium; screenshots go to artifacts/"
	RUN_E2E=1 DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	@touch $@

# On the default setup (SQLite, local memory) and on PostgreSQL + Redis when they answer on
# 127.0.0.1, at 5,000 and 50,000 talks (each in a database of its own), serves the site with
# gunicorn (DEBUG off) on 127.0.0.1:8765 and measures with wrk, and times cold feed builds
# beside django-ical and icalendar alone; writes bench/results.md.
bench: $(VENV)/.installed-bench
	@if ! command -v wrk >/dev/null; then \
		echo "Installing wrk with apt-get (the load generator)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk; \
	fi
	$(BIN)/python bench/run.py

coverage: $(VENV)/.installed
	$(BIN)/python -m pytest --cov --cov-report=term-missing:skip-covered $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles .coverage htmlcov
