# The two commands a newcomer needs:
#   make demo   set up .venv if missing, then run the whole chain embedded (SQLite, demo portfolio)
#   make test   set up .venv if missing, then run the whole test suite
# and the gates .ci/run passes before the tests:
#   make check  ruff, formatting, mypy, generated code up to date, buf lint and breaking, import contracts
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test check lint protos contracts-image bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-* && touch $@

demo: $(STAMP)
	$(BIN)/quitus demo

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python scripts/gen_protos.py --check
	scripts/buf lint
	scripts/buf breaking --against protos/contracts-v1.json
	$(BIN)/lint-imports

# The contracts as last released, which `buf breaking` compares the protos with. Rebuild it only
# for a breaking change made on purpose (a new major version), and say so in the commit.
contracts-image:
	scripts/buf build --exclude-source-info -o protos/contracts-v1.json

protos: $(STAMP)
	$(BIN)/python scripts/gen_protos.py

bench: $(STAMP)
	$(BIN)/python bench/ingest_interventions.py

clean:
	rm -rf out .pytest_cache .ruff_cache
