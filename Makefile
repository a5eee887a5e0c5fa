# ketrdf: two commands do all the set-up. `make run` and `make test` (`make check` while editing).
# Everything runs in a local virtual environment built from requirements.lock.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
# Cache bytecode and pytest's rewritten asserts even where the environment says not to:
# without the cache every run compiles src/ and tests/ again (a sixth of `make check`).
unexport PYTHONDONTWRITEBYTECODE
.PHONY: help run build site answers docs check unit test pytest suite lint typecheck lock clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ketrdf needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

run: build site answers ## set up, build, reason, validate, write the site and print the answers of the saved queries

build: $(STAMP) ## load, reason, validate and write build/
	$(BIN)/ketrdf build

site: $(STAMP) ## write the static site to build/site (after build)
	$(BIN)/ketrdf site -o build/site

answers: $(STAMP) ## print the answer of every saved query (with its example parameters)
	$(BIN)/ketrdf query run --all

docs: $(STAMP) ## regenerate docs/ontology.md from the ontology
	$(BIN)/ketrdf docs -o docs/ontology.md

check: lint typecheck unit ## the loop while editing: ruff, mypy and the unit tests (no integration mark)

unit: $(STAMP)
	$(BIN)/pytest -q -m "not integration"

test: $(STAMP) ## set up, then ruff, mypy and the whole test suite (the stores start meanwhile)
	@scripts/with-stores $(MAKE) --no-print-directory lint typecheck suite

pytest: $(STAMP) ## the tests, with an Oxigraph and a Virtuoso server started for them (scripts/store)
	@scripts/with-stores $(MAKE) --no-print-directory suite

suite: # the whole suite; the stores are those scripts/with-stores started
	@$(BIN)/pytest; status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest ran no test: failing" >&2; fi; exit $$status

lint: $(STAMP)
	$(BIN)/ruff check src tests

typecheck: $(STAMP)
	$(BIN)/mypy

lock: ## re-pin requirements.lock from pyproject.toml in a scratch environment
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet '.[dev]'
	{ echo "# The whole dependency tree of ketrdf (runtime and dev), pinned."; \
	  echo "# Regenerate: make lock"; echo "setuptools==80.9.0"; \
	  .lock-venv/bin/pip freeze --exclude ketrdf; } > requirements.lock.tmp
	mv requirements.lock.tmp requirements.lock && rm -rf .lock-venv

clean: ## remove build/ and the virtual environment
	rm -rf build $(VENV) .setuptools-build
