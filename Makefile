# make render: the site and the PDF CV (quarto render, or the offline preview without Quarto)
# make test:   the test suite
# Both set everything up first on a fresh Debian machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DATA_DIR ?= data
export CVDATA_DIR := $(abspath $(DATA_DIR))

.PHONY: setup render preview validate test lint format clean
setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml scripts/setup-system.sh
	scripts/setup-system.sh
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

validate: setup
	$(PY) -m cvdata validate $(DATA_DIR)

render: setup
	@if command -v quarto >/dev/null 2>&1; then \
	  echo "render: quarto $$(quarto --version)"; \
	  PATH="$(abspath $(VENV))/bin:$$PATH" QUARTO_PYTHON="$(abspath $(PY))" quarto render; \
	else \
	  echo "render: Quarto is not installed (install Quarto 1.8+ from quarto.org, or 'pip install quarto-cli' where its download works)."; \
	  echo "render: rendering the offline preview into _preview/ instead (a test harness, not Quarto)."; \
	  $(PY) -m cvdata.preview --out _preview; \
	fi

test: setup
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf _site _preview _freeze .quarto .pytest_cache
