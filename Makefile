# Two commands matter: `make demo` (the first run) and `make test` (everything CI runs).
# Each creates the virtual environment it needs by itself.

PYTHON_SYS ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Offline mirror of Google's Discovery documents; `make fetch DISCOVERY_SOURCE=live`
# (the default when no mirror exists) downloads them from the service instead.
DISCOVERY_MIRROR ?= ../shared/discovery
DISCOVERY_SOURCE ?= $(if $(wildcard $(DISCOVERY_MIRROR)/generativelanguage.*.json),$(DISCOVERY_MIRROR),live)
export DISCOVERY_MIRROR

.PHONY: venv fetch fetch-discovery generate check-generated lint fmt test test-codegen \
	test-golden test-runtime test-e2e test-revisions test-corpus update-goldens check demo \
	bench clean update-api dist typecheck test-faults fault-report soak

$(VENV)/.installed: pyproject.toml
	$(PYTHON_SYS) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

fetch fetch-discovery: venv
	$(PY) -m codegen fetch --source $(DISCOVERY_SOURCE)

generate: fetch
	$(PY) -m codegen generate

check-generated: fetch
	$(PY) -m codegen generate --check

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# pytest exits 5 when it collected no test: that is a failure here, not a pass.
define run_pytest
	$(BIN)/pytest $(1); rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc
endef

test: check-generated lint
	@$(call run_pytest,-q -p no:cacheprovider tests)

test-codegen: venv
	@$(call run_pytest,-q tests/codegen)

test-golden: venv
	@$(call run_pytest,-q tests/golden)

test-runtime: venv
	@$(call run_pytest,-q tests/runtime)

test-e2e: fetch
	@$(call run_pytest,-q tests/e2e)

# The fault matrix alone (it is part of `make test` too).
test-faults: venv
	@$(call run_pytest,-q tests/faults)

# Run the fault matrix and rewrite its table in docs/RELIABILITY.md.
fault-report: venv
	$(PY) -m tests.faults.report

# Opt-in soak: 10,000 requests and 1,000 streams per client kind; RSS and descriptors
# must stay flat. Rewrites the soak figures in docs/RELIABILITY.md.
soak: venv
	$(PY) -m tests.soak --write

# Type checkers as users run them, over examples/, the README's code blocks and the
# assert_type checks of tests/typing/: mypy and pyright (both also run by `make test`).
TYPECHECKED = examples tests/typing/check_client.py tests/typing/check_errors.py .tmp/readme_blocks

typecheck: venv
	$(PY) -m tests.typing.readme_blocks .tmp/readme_blocks >/dev/null
	$(PY) -m mypy -p generativelanguage.runtime -p generativelanguage.gemini -p generativelanguage.live
	$(PY) -m mypy $(TYPECHECKED)
	$(BIN)/pyright src/generativelanguage/runtime src/generativelanguage/gemini \
		src/generativelanguage/live $(TYPECHECKED)

# Every Discovery revision in the mirror: generate, import, decode a sample.
test-revisions: venv
	@ALL_REVISIONS=1 $(call run_pytest,-q tests/codegen/test_revisions.py)

# Every Discovery document of the pinned google-api-python-client wheel (downloaded by
# pip into .tmp/corpus/): generate, ruff, import, decode a sample of every schema, call
# every method against a loopback server. Opt-in; `make test` runs a fixed sample.
test-corpus: venv
	$(PY) -m tests.corpus

update-goldens: venv
	$(PY) -m tests.golden.update

# Move one API version to the newest document (live or mirror): diff, regenerate, lock,
# CHANGELOG. Other versions' files are left alone.
update-api: venv
	@test -n "$(VERSION)" || (echo "usage: make update-api VERSION=v1beta" >&2; exit 2)
	$(PY) -m codegen update-api --version $(VERSION) --source $(DISCOVERY_SOURCE)

# One wheel per API version plus the runtime wheel, in dist/.
dist: generate
	$(PY) -m codegen build-dist --out dist

check: lint check-generated test

demo: fetch
	$(PY) examples/quickstart.py

clean:
	rm -rf .pytest_cache .ruff_cache .mypy_cache build dist .tmp
	find . -name __pycache__ -type d -prune -not -path './$(VENV)/*' -exec rm -rf {} +

# Benchmarks (bench/README.md): their own environment, bench/.venv, pinned in
# bench/requirements.txt. `fetch` provides the generator's .venv and the cached
# Discovery documents that the code-generation timing uses.
BENCH_VENV ?= bench/.venv
BENCH_ARGS ?=

$(BENCH_VENV)/.installed: bench/requirements.txt pyproject.toml
	$(PYTHON_SYS) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q --disable-pip-version-check -r bench/requirements.txt
	$(BENCH_VENV)/bin/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

.PHONY: bench-quick

bench: fetch $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python bench/run.py $(BENCH_ARGS)

bench-quick: fetch $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python bench/run.py --quick $(BENCH_ARGS)
