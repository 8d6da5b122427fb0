# detente: `make demo`, `make test`. Everything runs from .venv; `make install` is idempotent and quiet
# once done (a stamp file that depends on pyproject.toml and requirements.lock).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_LIMIT ?= 500

.PHONY: install demo test bench lint lock clean

install: $(STAMP)
	@true

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing detente and its pinned dependencies into $(VENV) ..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock -e '.[dev,api]'
	@touch $(STAMP)

demo: install
	@$(BIN)/detente demo

test: install
	@$(BIN)/pytest -q

bench: install
	@$(BIN)/python benchmarks/throughput.py --limit $(BENCH_LIMIT)

lint: install
	@$(BIN)/ruff check src tests benchmarks

# After changing dependencies in pyproject.toml: pin what .venv now holds.
lock:
	@{ echo "# Pinned versions for \`make install\` (then: pip install -e '.[dev,api]')."; \
	   echo "# Regenerate: make lock (pip freeze of .venv minus detente itself)."; \
	   $(BIN)/python -m pip freeze --exclude-editable | grep -v -i -E '^detente[=@ ]' | grep -v '^#'; \
	 } > requirements.lock

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache .mypy_cache
