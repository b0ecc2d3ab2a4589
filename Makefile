# Two commands: `make prove` (the proof catalogue) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: prove test lint bench clean frameworks

# frameworks whose pins clash with the main venv (old numpy, own protobuf) get a venv each: one per
# derive/frameworks/<key>/tests/requirements.txt (`side_venv` in their record in derive/registry.py; an optional
# requirements.pre.txt beside it is installed first); the conformance harness runs their probes with
# DERIVE_<KEY>_PYTHON (tests/conformance/_harness.py)
FW        := derive/frameworks
SIDE      := $(patsubst $(FW)/%/tests/requirements.txt,%,$(wildcard $(FW)/*/tests/requirements.txt))
SIDE_DIR  := .venv-frameworks
# an editable install as a path entry (.pth), not setuptools' import hook, which costs every start (bench/startup.py)
EDITABLE  := --config-settings editable_mode=compat
SIDE_ENV  := $(foreach f,$(SIDE),DERIVE_$(shell echo $(f) | tr a-z A-Z)_PYTHON=$(abspath $(SIDE_DIR)/$(f)/bin/python))

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.core: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e . $(EDITABLE)
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test,cvc5,conformance]' $(EDITABLE)
	touch $@ $(VENV)/.core

$(SIDE_DIR)/%/.ok: $(FW)/%/tests/requirements.txt
	rm -rf $(SIDE_DIR)/$*
	$(PYTHON) -m venv $(SIDE_DIR)/$*
	if [ -f $(FW)/$*/tests/requirements.pre.txt ]; then $(SIDE_DIR)/$*/bin/pip install -q -r $(FW)/$*/tests/requirements.pre.txt; fi
	$(SIDE_DIR)/$*/bin/pip install -q --no-build-isolation -r $<
	touch $@

frameworks: $(foreach f,$(SIDE),$(SIDE_DIR)/$(f)/.ok)

prove: $(VENV)/.core
	$(BIN)/derive prove --docs

test: $(VENV)/.test frameworks
	$(BIN)/ruff check derive tests proofs bench conftest.py
	$(SIDE_ENV) $(BIN)/pytest

lint: $(VENV)/.test
	$(BIN)/ruff check derive tests proofs bench conftest.py

bench: $(VENV)/.test
	$(BIN)/pip install -q -e '.[bench]' $(EDITABLE)
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/run.py
	$(BIN)/python bench/queries.py
	$(BIN)/python bench/net.py

clean:
	rm -rf $(VENV) $(SIDE_DIR) .pytest_cache
