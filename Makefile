# Two commands: `make prove` (the proof catalogue) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: prove test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.core: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test,cvc5,conformance]'
	touch $@ $(VENV)/.core

prove: $(VENV)/.core
	$(BIN)/derive prove

test: $(VENV)/.test
	$(BIN)/ruff check derive tests proofs bench
	$(BIN)/pytest

lint: $(VENV)/.test
	$(BIN)/ruff check derive tests proofs bench

bench: $(VENV)/.test
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache
