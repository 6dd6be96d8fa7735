# The single entry point: `make run` serves the demo, `make test` checks everything.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` is for local development: DEBUG on (a throwaway key) unless the caller says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-1}

.PHONY: help run setup test e2e browser lint format coverage clean

help:
	@echo "make run      set up (venv, install, migrate, demo data, admin login) and serve on http://$(HOST):$(PORT)/"
	@echo "make setup    everything 'make run' does except starting the server"
	@echo "make test     ruff and the whole pytest suite"
	@echo "make e2e      browser tests in headless Chromium (installs Chromium and Java when missing)"
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

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SECRET_KEY=lint $(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

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

coverage: $(VENV)/.installed
	$(BIN)/python -m pytest --cov --cov-report=term-missing:skip-covered $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles .coverage htmlcov
