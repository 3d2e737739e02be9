# make render: the site and the PDF CV (quarto render, or the offline preview without Quarto)
# make render PROFILE=resume: the two-page résumé only (quarto render --profile resume)
# make test:   the test suite
# Both set everything up first on a fresh Debian machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DATA_DIR ?= data
# Quarto project profile: empty for the default (full: website + PDF CV), or resume.
PROFILE ?=
PROFILE_FLAG := $(if $(PROFILE),--profile $(PROFILE))
PREVIEW_OUT := _preview$(if $(PROFILE),-$(PROFILE))
# The JSON Resume schema for the tests (npm package, pinned; see tests/test_export.py).
JSONRESUME_SCHEMA := .cache/npm/node_modules/@jsonresume/schema/schema.json
export CVDATA_DIR := $(abspath $(DATA_DIR))

.PHONY: setup render preview validate test lint format clean test-deps bench
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
	  PATH="$(abspath $(VENV))/bin:$$PATH" QUARTO_PYTHON="$(abspath $(PY))" quarto render $(PROFILE_FLAG); \
	else \
	  echo "render: Quarto is not installed (install Quarto 1.8+ from quarto.org, or 'pip install quarto-cli' where its download works)."; \
	  echo "render: rendering the offline preview into $(PREVIEW_OUT)/ instead (a test harness, not Quarto)."; \
	  $(PY) -m cvdata.preview --out $(PREVIEW_OUT) $(PROFILE_FLAG); \
	fi

# The official JSON Resume schema, from npm, for the export tests.
test-deps: $(JSONRESUME_SCHEMA)
$(JSONRESUME_SCHEMA): tests/jsonresume-schema.version
	@command -v npm >/dev/null || { echo "test-deps: npm is missing (scripts/setup-system.sh installs it)" >&2; exit 1; }
	mkdir -p .cache/npm
	npm install --prefix .cache/npm --no-save --no-audit --no-fund --silent "@jsonresume/schema@$$(cat tests/jsonresume-schema.version)"
	touch $@

test: setup test-deps
	$(PY) -m pytest

# make bench: timings and sizes at three data sizes -> BENCHMARKS.md (about 4 min)
bench: setup
	$(PY) benchmarks/bench.py

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf _site _preview _preview-* _resume _freeze .quarto .pytest_cache
