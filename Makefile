# The two commands of the README: `make run` and `make test`. Everything else is their plumbing.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test check build install bench bench-deps clean browser clients virtuoso web

run: build web
	$(PY) -m server --host $(HOST) --port $(PORT)

test: install browser web clients virtuoso
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

# The JavaScript client of the client matrix (tests/test_clients.py): Comunica, pinned by tests/clients/package-lock.json.
# node and npm come from Debian when missing and we are root; `npm ci` runs again only when the lock file changes.
clients: tests/clients/node_modules/.package-lock.json

tests/clients/node_modules/.package-lock.json: tests/clients/package-lock.json
	@if command -v node >/dev/null && command -v npm >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	else echo "node and npm are not installed and cannot be (not root, or no apt-get): install Debian's nodejs and npm" >&2; exit 1; fi
	cd tests/clients && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Virtuoso Open Source (Debian's virtuoso-opensource), the second engine of tests/test_engines.py. The tests run
# /usr/bin/virtuoso-t from a private ini in a temporary folder; the package's own service is kept from starting
# (policy-rc.d answers 101 while apt-get runs) and is never used.
virtuoso:
	@if command -v virtuoso-t >/dev/null || [ -x /usr/bin/virtuoso-t ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		made=; [ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; \
			chmod +x /usr/sbin/policy-rc.d; made=1; }; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null; \
		status=$$?; [ -z "$$made" ] || rm -f /usr/sbin/policy-rc.d; exit $$status; \
	else echo "virtuoso-t is not installed and cannot be (not root, or no apt-get): install Debian's virtuoso-opensource" >&2; exit 1; fi

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
