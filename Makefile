# detente: `make demo`, `make test`. Everything runs from .venv; `make install` is idempotent and quiet
# once done (a stamp file that depends on pyproject.toml and requirements.lock).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_LIMIT ?= 500

.PHONY: install browser demo test bench lint lock clean

install: $(STAMP)
	@true

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing detente and its pinned dependencies into $(VENV) ..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock -e '.[dev,api]'
	@touch $(STAMP)

demo: install
	@$(BIN)/detente demo

test: install browser
	@$(BIN)/pytest -q

# The browser tests (tests/test_web.py) drive Debian's chromium with Playwright (Playwright's own
# browser download is not reachable): installed with apt-get when missing and we are root;
# otherwise the browser tests skip and say why.
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing chromium for the browser tests (apt-get) ..."; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	      || echo "could not install chromium: the browser tests will be skipped"; \
	  else echo "no $(CHROMIUM) (and not root with apt-get): the browser tests will be skipped"; fi; }

bench: install
	@$(BIN)/python benchmarks/throughput.py --limit $(BENCH_LIMIT)

# ruff (its default rules plus the ones [tool.ruff.lint] in pyproject.toml adds) and mypy, over the
# code and the tests; .ci/run runs it after the tests
lint: install
	@$(BIN)/ruff check src tests benchmarks
	@$(BIN)/mypy src tests

# After changing dependencies in pyproject.toml: pin what .venv now holds.
lock:
	@{ echo "# Pinned versions for \`make install\` (then: pip install -e '.[dev,api]')."; \
	   echo "# Regenerate: make lock (pip freeze of .venv minus detente itself)."; \
	   $(BIN)/python -m pip freeze --exclude-editable | grep -v -i -E '^detente[=@ ]' | grep -v '^#'; \
	 } > requirements.lock

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache .mypy_cache
