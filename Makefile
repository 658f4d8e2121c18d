# Every target bootstraps its own virtual environment, so a fresh clone needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The venv holds exactly requirements.lock once its packages are in; the project is installed on top
# when pyproject.toml or the lock changes.
LOCKED := $(VENV)/.locked-$(shell cat requirements.lock | cksum | cut -d' ' -f1)
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)
DATA ?= briefings

export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: site pdf serve check changes frozen test test-fast lint bench schemas update-golden lock clean

# Every file pip installs must match a hash in requirements.lock, pip included, and the project is
# built by the locked setuptools: nothing unpinned is downloaded.
$(LOCKED):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	@test -x $(BIN)/python || { echo "Creating $(VENV)..." && $(PYTHON) -m venv $(VENV); }
	@echo "Installing pip from requirements.lock..."
	@sed -n '/^pip==/,/^[^ ]/{/^pip==/p;/^ /p;}' requirements.lock > $(VENV)/pip.txt
	@$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(VENV)/pip.txt
	@echo "Installing $$(grep -o '^[A-Za-z0-9._-]*==' requirements.lock | sort -u | wc -l | tr -d " ") pinned packages (about a minute)..."
	@$(BIN)/python -m pip install --require-hashes --no-deps --progress-bar off -r requirements.lock
	@rm -f $(VENV)/.locked-* && touch $@

$(STAMP): $(LOCKED)
	@echo "Installing briefings itself, editable..."
	@$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	@$(BIN)/python -m pip check >/dev/null || { $(BIN)/python -m pip check; \
	echo "requirements.lock does not satisfy pyproject.toml: run make lock"; exit 1; }
	@rm -f $(VENV)/.installed-* && touch $@

site: $(STAMP) ## validate the data, write the pages, build the site strictly into site/
	$(BIN)/briefings site --data $(DATA)

# Headless Chromium from Debian (apt-get install chromium), driven by Playwright; no browser is downloaded.
pdf: $(STAMP) ## print each briefing of the built site (make site first) to a PDF beside its page
	$(BIN)/briefings pdf --site site

serve: $(STAMP) ## live preview on http://127.0.0.1:8000
	$(BIN)/briefings serve --data $(DATA)

check: $(STAMP) ## validate the data; every problem as path:line:col
	$(BIN)/briefings check --data $(DATA)

AXE := node_modules/axe-core/axe.min.js

# axe-core is injected into pages by the accessibility test; without npm that test is skipped.
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the accessibility test will be skipped"; fi

BASE ?= origin/main

changes: $(STAMP) ## Markdown summary of the content changed since BASE (default origin/main)
	$(BIN)/briefings changes $(BASE) --data $(DATA) | tee -a "$${GITHUB_STEP_SUMMARY:-/dev/null}"

frozen: $(STAMP) ## validate, then fail on any change to a briefing published at BASE (default origin/main)
	$(BIN)/briefings check --data $(DATA) --base $(BASE)

test: $(STAMP) $(AXE) ## run every test
	$(BIN)/python -m pytest

test-fast: $(STAMP) ## every test but the browser and slow ones: a quick check while editing
	$(BIN)/python -m pytest -m "not browser and not slow"

lint: $(STAMP) ## ruff and mypy
	$(BIN)/ruff check builder tests bench tools
	$(BIN)/ruff format --check builder tests bench tools
	$(BIN)/mypy

bench: $(STAMP) ## measure the stages on synthetic repositories; prints one line per target
	$(BIN)/python -m bench

update-golden: $(STAMP) ## rewrite tests/golden from the sample data; review the diff before committing
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_render.py

schemas: $(STAMP) ## regenerate the committed JSON Schemas from the model
	$(BIN)/briefings schemas --out schemas

# Resolves pyproject.toml's dependencies, its dev extra, its build backend and pip for every platform and
# Python 3.11+, keeping the versions already locked; UPGRADE=1 takes the newest releases instead.
lock: $(LOCKED) ## regenerate requirements.lock, with the hash of every file, from pyproject.toml
	{ echo pip; $(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")'; } \
	| $(BIN)/uv pip compile pyproject.toml - --extra dev --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command 'make lock' --quiet $(if $(UPGRADE),--upgrade) --output-file requirements.lock

clean:
	rm -rf site docs/generated docs/.generated .pytest_cache .mypy_cache .ruff_cache
