# Reports on the criminal protection of personality rights in China.
# `make help` lists the targets; `make report` and `make test` set everything up.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LAB := .venv-lab
LAB_PORT ?= 8888
export LAB_PORT
# The folder exactly as typed, never expanded by make; recipes read it from the
# environment, quoted, so any name is one argument and never a command.
override PUBLISH_DIR := $(value PUBLISH_DIR)
export PUBLISH_DIR
JOBS ?=
# Languages to build (en, zh; default both), read by the recipe from the environment.
override LANGS := $(value LANGS)
export LANGS
SHOW_CODE ?=
ENGINE ?=

SHELL := /bin/bash
# This machine's pip configuration names local index folders that may not exist; pip
# says so once per package. Only that line is hidden; pip's exit status is kept.
PIP_NOISE := is ignored: it is neither a file nor a directory
QUIET_PIP = 2>&1 | { grep -v '$(PIP_NOISE)' || true; }; exit $${PIPESTATUS[0]}

.DEFAULT_GOAL := help
.PHONY: help env system data report screenshots test lint format lab publish rollback serve bench lock clean

help: ## List the targets with what they do
	@if [ -t 1 ]; then on='\033[36m'; off='\033[0m'; else on=; off=; fi; \
	awk -v on="$$on" -v off="$$off" 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %s%-10s%s %s\n", on, $$1, off, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "setting up $(VENV): pinned packages (requirements.lock) and the kernel report-lib"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]' $(QUIET_PIP)
	@$(BIN)/python -m ipykernel install --sys-prefix --name report-lib --display-name "Python (report-lib)" >/dev/null
	@touch $@

env: $(STAMP) ## Create or update the Python environment in .venv (pinned, with the Jupyter kernel)

SYSTEM_STAMP := $(VENV)/.system
DATA_STAMP := $(VENV)/.data
# Folders too: removing a source changes its parent folder's time. A name make cannot
# take as a prerequisite (a space, a colon…) is left out here; its parent folder's time
# still sends the data step, which refuses the name in one line.
DATA_INPUTS := $(shell find data/raw data/reference -name '*[^A-Za-z0-9._-]*' -prune -o -print) \
	data/corrections.csv \
	$(wildcard src/report_lib/*.py src/report_lib/data/*.py)

system: $(STAMP) ## Install Chromium, poppler, fonts (DejaVu, CJK) and nginx from Debian if missing (as root)
	@rm -f $(SYSTEM_STAMP)
	@$(MAKE) --no-print-directory $(SYSTEM_STAMP)

# Checked once per environment; the build checks the browser again before it runs.
$(SYSTEM_STAMP): $(STAMP)
	@missing="$$($(BIN)/report-lib doctor --missing)" || exit 1; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null \
	      || { echo "error: apt-get could not install: $$missing" >&2; exit 1; }; \
	  else \
	    echo "error: missing: $$missing; install with: sudo apt-get install $$missing (or set REPORT_LIB_CHROMIUM)" >&2; exit 1; \
	  fi; \
	fi
	@touch $@

data: $(STAMP) ## Check data/raw and rebuild data/processed
	@$(BIN)/report-lib data
	@touch $(DATA_STAMP)

$(DATA_STAMP): $(DATA_INPUTS) | $(STAMP)
	@$(BIN)/report-lib data
	@touch $@

report: $(SYSTEM_STAMP) $(DATA_STAMP) ## Build every report (executed notebooks, HTML, PDF, index) in outputs/
	@$(BIN)/report-lib build $(if $(JOBS),--jobs $(JOBS)) $(if $(LANGS),--langs "$$LANGS") $(if $(SHOW_CODE),--show-code) $(if $(ENGINE),--engine $(ENGINE))

screenshots: report ## Screenshot every page at 390 and 1280 px wide into outputs/screenshots/
	@$(BIN)/python -m report_lib.build.screenshots outputs outputs/screenshots

test: $(SYSTEM_STAMP) ## Run the whole test suite (lint and format checks included)
	$(BIN)/pytest

lint: $(STAMP) ## Lint and format-check the code and notebooks with ruff
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(STAMP) ## Format the code and notebooks with ruff
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

$(LAB)/.installed: $(STAMP)
	@test -x $(LAB)/bin/python || $(PYTHON) -m venv $(LAB)
	@echo "setting up $(LAB): JupyterLab, apart from the build environment"
	@$(LAB)/bin/python -m pip install --quiet --disable-pip-version-check -c requirements.lock 'jupyterlab==4.6.6' $(QUIET_PIP)
	@touch $@

# Root (CI, containers) needs --allow-root; the server listens on 127.0.0.1 only.
lab: $(LAB)/.installed ## Open JupyterLab on notebooks/ with the project's kernel (own env, keeps builds lean)
	@echo "JupyterLab: http://127.0.0.1:$$LAB_PORT/lab (log in with the token link it prints below)"
	JUPYTER_PATH="$$PWD/$(VENV)/share/jupyter" $(LAB)/bin/jupyter lab --notebook-dir=notebooks \
	  --ip=127.0.0.1 --port="$$LAB_PORT" --ServerApp.port_retries=0 \
	  $$([ "$$(id -u)" = 0 ] && echo --allow-root)

publish: report ## Build, then publish index, HTML, PDF and chart tables to PUBLISH_DIR atomically
	@$(BIN)/report-lib publish -- "$$PUBLISH_DIR"

rollback: $(STAMP) ## Switch PUBLISH_DIR back to its previous release
	@$(BIN)/report-lib publish --rollback -- "$$PUBLISH_DIR"

serve: $(STAMP) ## Preview outputs/ on http://localhost:8000
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory outputs 8000

bench: $(SYSTEM_STAMP) $(DATA_STAMP) ## Time the naive way, both engines and the floor, then 10/100/300 reports (outputs/bench.json)
	@$(BIN)/report-lib bench

lock: $(STAMP) ## Rewrite requirements.lock from the environment
	@{ sed -n '1,2p' requirements.lock; $(BIN)/python -m pip freeze --exclude-editable; } > requirements.lock.tmp
	@mv requirements.lock.tmp requirements.lock

clean: ## Remove outputs/ and caches (keeps .venv)
	rm -rf outputs .pytest_cache .ruff_cache .hypothesis
