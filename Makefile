# The README's commands. `make run` serves the portal on the embedded default (SQLite,
# in-process tasks, console e-mail); `make test` runs the suite. Both set up everything first.

SHELL := /bin/bash
VENV := .venv
TOOLS := .tools
PY := $(VENV)/bin/python
UV := $(TOOLS)/bin/uv
STAMP := $(VENV)/.synced
HOST ?= 127.0.0.1
PORT ?= 8000

# First Python >= 3.12 found: on PATH, then in pyenv's versions.
FIND_PYTHON = for c in python3.13 python3.12 python3 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV); do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then command -v $$c; break; fi; \
	done

.PHONY: run test test-ci worker beat lint messages screenshots setup clean node-tools

$(UV):
	@base="$$($(FIND_PYTHON))"; \
	if [ -z "$$base" ]; then \
	  echo "No Python 3.12 or newer was found (tried python3.13, python3.12, python3, pyenv): install Python 3.13, e.g. 'pyenv install 3.13' or 'apt-get install python3.13'." >&2; exit 1; \
	fi; \
	echo "Using $$base to install uv in $(TOOLS)/"; \
	$$base -m venv $(TOOLS) && $(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv

$(STAMP): $(UV) pyproject.toml uv.lock
	@base="$$($(FIND_PYTHON))"; \
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --group dev --python "$$base" --quiet
	@touch $(STAMP)

setup: $(STAMP)
	@true

# HOST and PORT are exported: mail links and QR codes point to the address served
# (config/settings/local.py), so `make run PORT=8100` gives links to port 8100.
run: export HOST := $(HOST)
run: export PORT := $(PORT)
run: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

# The browser tests need the npm tools of package.json (axe-core, vnu-jar) and Debian's
# Chromium: the tools are installed when npm is there and node_modules is missing or older
# than package-lock.json; a missing Chromium is said in one line (those tests then skip).
test: setup node-tools
	@[ -x /usr/bin/chromium ] || echo "Browser tests skipped: /usr/bin/chromium is missing; install it with 'sudo apt-get install chromium'." >&2
	$(PY) -m pytest $(PYTEST_ARGS)

node-tools:
	@if ! command -v npm >/dev/null 2>&1; then \
	  echo "Browser tests skipped: npm is missing; install it with 'sudo apt-get install npm', then run make test again." >&2; \
	elif [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  npm ci --no-audit --no-fund; \
	fi

# One process with a worker and the beat scheduler, enough for a single machine. In
# production run `celery -A config worker` on as many machines as needed and exactly one
# `celery -A config beat` (see README.md).
worker: setup
	@if [ -z "$$REDIS_URL" ]; then \
	  echo "make worker needs a broker: set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0 make worker (without it, tasks already run inside 'make run')." >&2; exit 1; \
	fi
	@mkdir -p var
	$(VENV)/bin/celery -A config worker --beat --loglevel=info

beat: setup
	@if [ -z "$$REDIS_URL" ]; then echo "make beat needs REDIS_URL." >&2; exit 1; fi
	@mkdir -p var
	$(VENV)/bin/celery -A config beat --loglevel=info

# Refresh the README's captures (docs/screenshots/) from the browser tests' pages.
screenshots: setup node-tools
	UPDATE_SCREENSHOTS=1 $(PY) -m pytest tests/e2e/test_accessibility.py -q

test-ci:
	bash .ci/run

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

messages: setup
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=.tools --ignore=node_modules --ignore=tests --ignore=bench --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv --ignore=.tools --ignore=node_modules

clean:
	rm -rf $(VENV) $(TOOLS) staticfiles
