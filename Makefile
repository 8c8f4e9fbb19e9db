# `make install` builds .venv once and re-installs only when pyproject.toml changes.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install lint browser test demo bench clean

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

# Headless Chromium for the browser tests (tests/test_pages_browser.py): Debian's chromium and
# chromium-driver, installed when missing and the machine allows (root with apt). Never fails the
# build: where it cannot be installed, the browser tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests ..."; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 || \
	  { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1 && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >/dev/null 2>&1; } || \
	  echo "chromium could not be installed here: the browser tests will be skipped"; }

test: lint browser
	$(BIN)/python -m pytest -q

demo: install
	$(BIN)/therapists demo

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info

bench: install
	$(BIN)/python bench/run.py
