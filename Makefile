# The two commands of the README: `make run` and `make test`. Everything else is their plumbing.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test check build install bench bench-deps clean browser web

run: build web
	$(PY) -m server --host $(HOST) --port $(PORT)

test: install browser web
	$(PY) -m pytest $(PYTEST_ARGS)

check: install
	$(PY) -m loader check

build: install
	$(PY) -m loader build

bench: bench-deps
	$(PY) -m bench

# What the benchmarks need besides the project: the bench extra (oxigraph, rdflib-endpoint) and Debian's wrk.
bench-deps: install
	$(PY) -m pip install --quiet -e '.[bench]'
	@if command -v wrk >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	else echo "wrk is not installed and cannot be (not root, or no apt-get): install Debian's wrk" >&2; exit 1; fi

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# The browser tests (tests/test_browser.py) drive Debian's chromium through its chromedriver. Installed here
# so that `make test` on a clean Debian machine (CI, as root) has them; without root or apt, the tests skip
# and say why.
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else echo "chromium and chromedriver are not installed and cannot be (not root, or no apt-get): browser tests will skip"; fi

# The browser-side files the server serves from its own origin (YASGUI, for /editor) and axe-core (the browser
# tests' accessibility checks): npm packages pinned by package-lock.json, installed under node_modules/ with
# `npm ci` (Debian's npm, installed here as root when missing, like chromium below).
web: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	@if ! command -v npm >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; fi
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch $@; \
	else echo "npm is not installed and cannot be (not root, or no apt-get): /editor will say its files are missing, and the browser tests that need them skip"; fi

clean:
	rm -rf build
