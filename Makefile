# Two commands for a newcomer: `make run` (install, index data/, serve) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INDEX ?= index
DATA ?= data
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint fmt index clean distclean browser eval bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,cluster]'
	touch $@ $(VENV)/.installed

# Built once. The sample index is rebuilt when an older version of Fouille wrote it; any other
# index is left for its owner to rebuild from its own sources (fouille serve says how).
index: $(VENV)/.installed
	@if ! ls $(INDEX)/_MAIN_*.toc >/dev/null 2>&1; then \
		$(BIN)/fouille index $(DATA) --index $(INDEX); \
	elif [ "$(INDEX)" = index ] && \
		$(BIN)/fouille stats --index $(INDEX) 2>&1 >/dev/null | grep -q "another version"; then \
		$(BIN)/fouille index --rebuild $(DATA) --index $(INDEX); \
	fi

run: index
	$(BIN)/fouille serve --index $(INDEX) --host $(HOST) --port $(PORT)

# Browser tests drive Debian's chromium (Playwright never downloads a browser here) and
# inject axe-core from npm; both are installed once, when missing.
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js

$(AXE):
	npm install --silent --no-save --no-audit --no-fund --prefix $(VENV)/axe axe-core@4

browser: $(AXE)
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint browser
	$(BIN)/python -m pytest

# Relevance on the two French dev sets, recorded in docs/RELEVANCE.md.
EVAL ?= ../shared/eval

eval: $(VENV)/.installed
	$(BIN)/fouille eval $(EVAL)/faq-cnil-dev
	$(BIN)/fouille eval $(EVAL)/piaf-dev
	$(BIN)/fouille eval $(EVAL)/orangesum-knownitem-dev

# Indexing, query latency and HTTP load against SQLite FTS5 and tantivy (docs/BENCHMARKS.md).
SIZES ?= 10000 35987
RUNS ?= 3
INDEX_RUNS ?= 1
SAMPLE ?= 100
# Fouille also in this many shards on a local Ray cluster (0: not measured).
SHARDS ?= 4
HTTP_SECONDS ?= 8

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench,cluster]'
	touch $@ $(VENV)/.installed

bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench.run --sizes $(SIZES) --runs $(RUNS) --index-runs $(INDEX_RUNS) \
		--sample $(SAMPLE) --http-seconds $(HTTP_SECONDS) --shards $(SHARDS)

fmt: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Everything Fouille writes in the index folder, and nothing else in it (index/.gitkeep stays):
# Whoosh's table of contents, segments and lock, then the files beside them (fouille-*: the
# record of files, duplicates, topics, view, writer lock; .fouille-*: one being replaced).
clean:
	rm -rf $(INDEX)/_MAIN_* $(INDEX)/MAIN_* $(INDEX)/MAIN.tmp $(INDEX)/*.seg \
		$(INDEX)/fouille-* $(INDEX)/.fouille-* $(INDEX)/shard-[0-9]*

# The index and the virtual environment: the next make installs everything again.
distclean: clean
	rm -rf $(VENV)
