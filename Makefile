# Two commands for a newcomer: `make run` (install, index data/, serve) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INDEX ?= index
DATA ?= data
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint fmt index clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# Build the index from data/ only when none exists yet.
index: $(VENV)/.installed
	@ls $(INDEX)/_MAIN_*.toc >/dev/null 2>&1 || $(BIN)/fouille index $(DATA) --index $(INDEX)

run: index
	$(BIN)/fouille serve --index $(INDEX) --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

fmt: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) $(INDEX)/_MAIN_* $(INDEX)/MAIN_* $(INDEX)/*.seg
