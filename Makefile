# Every target sets up what it needs, so `make serve` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The site's JavaScript, checked with ESLint (eslint.config.mjs).
JS := builder/browser/static builder/build/bytecode.mjs tests/benchmarks/probes.js eslint.config.mjs
ESLINT := node_modules/.bin/eslint
HOST := 127.0.0.1
PORT := 8000

.PHONY: setup build serve test lint bench browser clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The browsers for the browser tests, from Debian (Playwright cannot download browsers here):
# Chromium, Firefox ESR, and WebKitGTK's WebDriver with a virtual screen (Xvfb) for WebKit, each
# installed when it is missing and it can be. Elsewhere a Playwright-managed Chromium is used if
# one is installed, and any Firefox on the PATH.
browser:
	@missing=""; \
	[ -x /usr/bin/chromium ] || ls $${PLAYWRIGHT_BROWSERS_PATH:-$$HOME/.cache/ms-playwright}/chromium* >/dev/null 2>&1 || missing="chromium"; \
	command -v firefox-esr >/dev/null || command -v firefox >/dev/null || missing="$$missing firefox-esr"; \
	command -v WebKitWebDriver >/dev/null || missing="$$missing webkit2gtk-driver"; \
	command -v Xvfb >/dev/null || missing="$$missing xvfb"; \
	missing="$${missing# }"; \
	if [ -z "$$missing" ]; then \
	  echo "browsers: found"; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null && echo "browsers: installed Debian's $$missing"; \
	else \
	  echo "browsers: missing $$missing; install Debian's packages of those names (or, for Chromium: $(PY) -m playwright install chromium)" >&2; exit 1; \
	fi

build: setup
	$(PY) -m mkdocs build --strict --quiet

serve: build
	@echo "Serving the site at http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(PY) -m http.server $(PORT) --bind $(HOST) --directory site

test: setup browser
	$(PY) -m ruff check builder tests
	$(PY) -m mypy
	$(ESLINT) $(JS)
	$(PY) -m pytest

# Timings of what a parent feels, next to the targets (never asserted): BENCH_ARGS=--quick for 2 runs.
bench: setup browser
	$(PY) -m tests.benchmarks $(BENCH_ARGS)

lint: setup
	$(PY) -m ruff check builder tests
	$(PY) -m ruff format --check builder tests
	$(PY) -m mypy
	$(ESLINT) $(JS)

clean:
	rm -rf site .pytest_cache .mypy_cache .ruff_cache
