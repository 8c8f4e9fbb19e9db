# `make install` builds .venv once and re-installs only when pyproject.toml changes.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install lint test demo bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Static checks (configured in pyproject.toml): any lint or format error anywhere in the tree, or a
# type error in the five packages, fails `make test`.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -q

demo: install
	$(BIN)/therapists demo

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info

bench: install
	$(BIN)/python bench/run.py
