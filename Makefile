# Svenn: `make run` serves the app, `make test` runs every check. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON_BASE ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Test processes (pytest-xdist); each gets its own test database. 1 runs them in-process.
TEST_WORKERS ?= 2
STAMP := $(VENV)/.installed-$(shell cat requirements.lock 2>/dev/null | cksum | cut -d' ' -f1)

# The project's own PostgreSQL cluster unless DATABASE_URL is given.
DB_URL = $${DATABASE_URL:-$$($(PYTHON_BASE) -m svenn.devdb url $(1))}
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help
help:
	@echo "make run       install, start PostgreSQL, migrate, load demo data, serve on :$(PORT)"
	@echo "               with one work-queue worker beside gunicorn (stopped with it)"
	@echo "make test      lint + the whole test suite (browser tests included)"
	@echo "make fuzz      the property-based form tests with thousands of examples each, and every"
	@echo "               hostile value to every URL and field as every role (tests/test_fuzz_site.py)"
	@echo "make brreg-fake  recorded Enhetsregisteret answers on :8099 (BRREG_API_URL=http://127.0.0.1:8099 make run)"
	@echo "make lint      ruff, the import layers (import-linter) and the templates' {% load %} layers"
	@echo "make format    ruff format + fix"
	@echo "make bench-data  fill the benchmark database (FORCE=1 rebuilds it; SCALE=10 fills a second, ten times the firms)"
	@echo "make bench     measure every everyday page over HTTP; writes bench/last.json"
	@echo "make bench-import  time the check and import of a 20,000-row customer file (ROWS=n)"
	@echo "make loadtest  two servers, 50 users for 60 s, PostgreSQL restarted midway; writes loadtest/last.json"
	@echo "make failover-test  primary + synchronous standby, the load test's users, the primary"
	@echo "               killed midway; writes loadtest/failover.json"
	@echo "make backup    pg_dump the database to .local/backups/ (OUT=file to choose)"
	@echo "make restore FILE=x.dump [DB=name]   restore a backup into a new, empty database"
	@echo "make db-stop   stop the project's own PostgreSQL cluster"
	@echo "make lock      re-resolve requirements.lock from pyproject.toml"
	@echo "make messages  update the .po files after changing UI text"

$(STAMP): requirements.lock
	@command -v $(PYTHON_BASE) >/dev/null || { echo "svenn: $(PYTHON_BASE) not found; install Python 3.11."; exit 1; }
	@[ -x $(PY) ] || $(PYTHON_BASE) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

.PHONY: install
install: $(STAMP) compilemessages

.PHONY: compilemessages
compilemessages: $(STAMP)
	@command -v msgfmt >/dev/null || { echo "Installing gettext (msgfmt) from Debian's packages"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq gettext >/dev/null; }
	@DJANGO_SETTINGS_MODULE= $(PY) -c "import django; from django.conf import settings; \
	settings.configure(); django.setup(); from django.core.management import call_command; \
	call_command('compilemessages', verbosity=0, ignore_patterns=['.venv', '.local'])"

.PHONY: run
run: install pango
	@export DATABASE_URL="$(call DB_URL,svenn)" DEBUG=$${DEBUG:-true}; \
	$(PY) manage.py migrate --noinput -v0; \
	$(PY) manage.py demo; \
	$(PY) manage.py collectstatic --noinput -v0; \
	echo; echo "Svenn is running on http://127.0.0.1:$(PORT)/"; \
	echo "Demo logins (password svenn-demo-2026): admin@demo.no (Administrator), moderator@demo.no (Moderator),"; \
	echo "  ansatt@demo.no and ansatt2@demo.no (Ansatt); admin@annen.no (Administrator of another firm)"; \
	echo; \
	$(PY) manage.py procrastinate worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null || true; wait $$worker || true' EXIT; \
	$(VENV)/bin/gunicorn svenn.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --access-logfile -

# Enhetsregisteret without the network: the tests' recorded answers on BRREG_PORT.
BRREG_PORT ?= 8099

.PHONY: brreg-fake
brreg-fake: $(STAMP)
	@$(PY) -m svenn.brreg_fake --port $(BRREG_PORT)

.PHONY: chromium
chromium:
	@[ -x /usr/bin/chromium ] || { echo "Installing Chromium from Debian's packages"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# WeasyPrint (the invoice basis's PDF, core/pdf.py) lays text out with Pango, in DejaVu.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core

.PHONY: pango
pango:
	@dpkg-query -W -f='$${Status}\n' $(PDF_PACKAGES) 2>/dev/null | grep -c '^install ok installed$$' \
		| grep -qx $(words $(PDF_PACKAGES)) || { echo "Installing Pango and DejaVu (for PDFs) from Debian's packages"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(PDF_PACKAGES) >/dev/null; }

.PHONY: lint
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m svenn.lint_templates

.PHONY: format
format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

.PHONY: test
test: install chromium pango lint
	@export DATABASE_URL="$(call DB_URL,svenn)" SVENN_TESTING=true; \
	$(PY) manage.py makemigrations --check --dry-run -v0 || { echo "svenn: models changed without a migration"; exit 1; }; \
	$(PY) -m pytest $(if $(filter-out 1,$(TEST_WORKERS)),-n $(TEST_WORKERS)) $(PYTEST_ARGS)

.PHONY: fuzz
fuzz: install
	@export DATABASE_URL="$(call DB_URL,svenn)" SVENN_TESTING=true HYPOTHESIS_PROFILE=fuzz; \
	$(PY) -m pytest tests/test_fuzz_forms.py tests/test_fuzz_site.py -q $(PYTEST_ARGS)

.PHONY: messages
messages: $(STAMP)
	SVENN_TESTING=true $(PY) manage.py makemessages -l nb --no-obsolete -v0 $(if $(APP),--app $(APP)) \
		--ignore='.venv/*' --ignore='.local/*' --ignore='tests/*' --ignore='static/*' 

.PHONY: backup
backup: install
	@export DATABASE_URL="$(call DB_URL,svenn)" DEBUG=$${DEBUG:-true}; \
	$(PY) manage.py backup $(if $(OUT),--output $(OUT))

.PHONY: restore
restore: install
	@[ -n "$(FILE)" ] || { echo "usage: make restore FILE=backup.dump [DB=svenn_restored]"; exit 1; }
	@export DATABASE_URL="$(call DB_URL,$(or $(DB),svenn_restored))" DEBUG=$${DEBUG:-true}; \
	$(PY) manage.py restore "$(FILE)"

# SCALE=10 loads ten times the firms into a database of its own, which `make bench`
# measures beside the first when it is there.
SCALE ?= 1
BENCH_DB_1 = $${BENCH_DATABASE_URL:-$$($(PYTHON_BASE) -m svenn.devdb url svenn_bench)}
BENCH_DB_10 = $${BENCH10_DATABASE_URL:-$$($(PYTHON_BASE) -m svenn.devdb url svenn_bench_x10)}

.PHONY: bench-data
bench-data: install
	@case "$(SCALE)" in 1|10) ;; *) echo "SCALE is 1 or 10"; exit 2;; esac
	@export DATABASE_URL="$(BENCH_DB_$(SCALE))" DEBUG=true; \
	$(PY) manage.py migrate --noinput -v0; \
	$(PY) manage.py bench_data --scale $(SCALE) $(if $(FORCE),--force)

# "Importer kunder" on a big file, in a database of its own (a new firm each run).
IMPORT_BENCH_DB = $${IMPORT_BENCH_DATABASE_URL:-$$($(PYTHON_BASE) -m svenn.devdb url svenn_import_bench)}
ROWS ?= 20000

.PHONY: bench-import
bench-import: install
	@export DATABASE_URL="$(IMPORT_BENCH_DB)" DEBUG=true; \
	$(PY) manage.py migrate --noinput -v0; \
	$(PY) manage.py bench_import --rows $(ROWS)

.PHONY: bench
bench: install pango
	@export DATABASE_URL="$(BENCH_DB_1)" BENCH10_DATABASE_URL="$(BENCH_DB_10)"; $(PY) bench/run.py

# Its own database svenn_load in the project's cluster, which it restarts midway;
# LOAD_DATABASE_URL points it at another (empty-able) database and skips the restart.
.PHONY: loadtest
loadtest: install
	@$(PY) loadtest/run.py

# A primary and a synchronous standby (pg_auto_failover, installed where missing), the
# load test's users, and the primary killed midway; writes loadtest/failover.json.
.PHONY: failover-test
failover-test: install
	@command -v pg_autoctl >/dev/null || { echo "Installing pg_auto_failover from Debian's packages"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq postgresql-15-auto-failover >/dev/null; }
	@$(PY) loadtest/failover.py

.PHONY: db-stop
db-stop:
	@$(PYTHON_BASE) -m svenn.devdb stop

.PHONY: lock
lock:
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 -q -o requirements.lock
