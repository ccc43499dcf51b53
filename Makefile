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

# Debian's chromium (+ a CJK font for readable screenshots) for the UI test; playwright drives it and
# never downloads a browser of its own.
BROWSER_PKGS := chromium fonts-wqy-microhei fonts-noto-color-emoji  # CJK and ✅❌❔ in screenshots
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi wenquanyi || ! fc-list 2>/dev/null | grep -qi "color emoji"; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(BROWSER_PKGS) >/dev/null; \
	fi

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
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) data reports
