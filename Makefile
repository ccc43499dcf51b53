# The README's quick start is `make run` and `make test`; CI (.ci/run) calls `make test`.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 8000

.PHONY: install install-dev browser run serve ingest test test-fast bench eval lint clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian's chromium for the UI test (playwright drives it; it never downloads a browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

# Main job: the server (API + UI at /ui); the knowledge base is built from corpus/ on first start.
run: $(STAMP)
	$(BIN)/zhice serve --host $(HOST) --port $(PORT)

ingest: $(STAMP)
	$(BIN)/zhice ingest

test: $(STAMP) browser
	$(BIN)/pytest

test-fast: $(STAMP)
	$(BIN)/pytest -m "not slow and not browser"

bench: $(STAMP)
	$(BIN)/python -m benchmarks.ingest_bench
	$(BIN)/python -m benchmarks.load_bench

eval: $(STAMP)
	$(BIN)/zhice eval

lint: $(STAMP)
	$(BIN)/ruff check assistant ingest ui evals tests benchmarks
	$(BIN)/mypy assistant ingest ui evals

clean:
	rm -rf $(VENV) data reports
