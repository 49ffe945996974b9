# Jusoor — the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint format bench messages browser-deps migrations-check train-moderation clean fuzz

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[dev]"
	touch $@

$(BENCH_STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[dev,bench]"
	touch $@

## demo: set up, migrate, load the seed's programme and serve it at http://$(HOST):$(PORT)/
demo: $(STAMP)
	@# The compiled catalogues are committed; refresh them only where gettext is installed.
	@command -v msgfmt >/dev/null && $(PY) manage.py compilemessages --ignore=.venv -v 0 || true
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py load_demo
	@echo "Jusoor is at http://$(HOST):$(PORT)/  (public page: http://$(HOST):$(PORT)/p/anbar-prevention-conference-2023/)"
	$(PY) manage.py runserver $(HOST):$(PORT) --noreload

## test: set up with dev extras and run the whole suite (SQLite, or DATABASE_URL)
test: $(DEV_STAMP) browser-deps
	$(PY) manage.py compilemessages --ignore=.venv -v 0
	$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

## browser-deps: Debian's Chromium for the browser tests, the tools that check generated files,
## and nginx for the test that serves the shipped proxy configuration
browser-deps:
	@command -v chromium >/dev/null && command -v msgfmt >/dev/null && command -v pdftoppm >/dev/null \
	  && { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; } \
	  || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	       apt-get install -y -qq chromium gettext poppler-utils fonts-noto-core nginx-light >/dev/null; } \
	  || echo "Chromium, gettext, poppler-utils or nginx missing and cannot be installed: browser tests will fail."

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(DEV_STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: $(DEV_STAMP)
	$(PY) manage.py makemigrations --check --dry-run

## messages: refresh both .po files from the source
messages: $(DEV_STAMP)
	$(PY) manage.py makemessages -l ar -l en --ignore=.venv --ignore=bench --no-obsolete

## bench: every benchmark in bench/; bench-NAME runs bench/NAME.py
bench: $(BENCH_STAMP)
	@set -e; for f in bench/*.py; do n=$$(basename $$f .py); case $$n in _*) continue;; esac; \
	  echo "== bench-$$n"; $(PY) $$f; done

## fuzz: the long fuzzing campaign over every parser of outside input (FUZZ_INPUTS per target);
## atheris when it installs, else hypothesis; prints BENCH fuzz lines
FUZZ_INPUTS ?= 100000
fuzz: $(DEV_STAMP)
	-$(PIP) install --quiet "atheris>=2.3" || echo "atheris does not install here: fuzzing with hypothesis"
	$(PY) bench/fuzz.py --inputs $(FUZZ_INPUTS) $(FUZZ_ARGS)

bench-%: $(BENCH_STAMP)
	$(PY) bench/$*.py $(BENCH_ARGS)

## train-moderation: retrain the shipped moderation model from ../shared/data/arabic-offensive
train-moderation: $(BENCH_STAMP)
	$(PY) -m jusoor.engines.moderation.train

clean:
	rm -rf $(VENV) .pytest_cache
