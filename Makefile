# Two commands for a newcomer: `make run` serves Engage, `make test` runs the whole suite.
# Each step leaves a stamp file so a second run reuses what is already in place.

VENV    := .venv
BIN     := $(VENV)/bin
PORT    ?= 5000
export FLASK_APP := engage

ASSET_SOURCES := $(wildcard assets/scss/*.scss assets/js/*.js assets/images/*)

.PHONY: run test lint setup assets bench clean

run: $(VENV)/.app-installed static/.built
	$(BIN)/flask engage prepare --demo
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.test-installed static/.built lint
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check engage tests benchmarks migrations
	$(BIN)/ruff format --check engage tests benchmarks migrations

setup: $(VENV)/.test-installed static/.built

# Scripts that print timings (never part of the test suite); weightipy is compared against.
bench: $(VENV)/.test-installed static/.built
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[postgres,test,bench]'
	$(BIN)/python benchmarks/weighting.py
	$(BIN)/python benchmarks/pages.py
	$(BIN)/python benchmarks/fieldwork.py
	$(BIN)/python benchmarks/results.py

assets: static/.built

$(VENV)/bin/python:
	python3 -m venv $(VENV)

$(VENV)/.app-installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[postgres]'
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[postgres,test]'
	touch $@ $(VENV)/.app-installed

# GOV.UK Frontend from the npm registry at the version pinned in package-lock.json,
# compiled with the sass CLI (no bundler) into static/, which holds built files only.
static/.built: package.json package-lock.json $(ASSET_SOURCES)
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	rm -rf static && mkdir -p static/css static/js static/images
	node_modules/.bin/sass --pkg-importer=node --no-source-map --style=compressed \
		--quiet-deps assets/scss/engage.scss static/css/engage.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/js/
	cp assets/js/*.js static/js/
	cp assets/images/* static/images/
	touch $@

clean:
	rm -rf $(VENV) node_modules static instance .pytest_cache
