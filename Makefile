# Every target bootstraps its own virtual environment, so a fresh clone needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)
DATA ?= briefings

export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: site serve check changes test lint bench schemas update-golden lock clean

$(STAMP):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

site: $(STAMP) ## validate the data, write the pages, build the site into site/
	$(BIN)/briefings build --data $(DATA)
	$(BIN)/mkdocs build --strict --quiet

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

test: $(STAMP) $(AXE) ## run every test
	$(BIN)/python -m pytest

lint: $(STAMP) ## ruff and mypy
	$(BIN)/ruff check builder tests bench
	$(BIN)/ruff format --check builder tests bench
	$(BIN)/mypy

bench: $(STAMP) ## measure the stages on synthetic repositories; prints one line per target
	$(BIN)/python -m bench

update-golden: $(STAMP) ## rewrite tests/golden from the sample data; review the diff before committing
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_render.py

schemas: $(STAMP) ## regenerate the committed JSON Schemas from the model
	$(BIN)/briefings schemas --out schemas

lock: $(STAMP) ## refresh requirements.lock from what is installed
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

clean:
	rm -rf site docs/generated docs/.generated .pytest_cache .mypy_cache .ruff_cache
