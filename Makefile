# sportsbook-ledger: every command a person or CI needs, each installing what it uses.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTEST := $(PY) -m pytest -q -p no:cacheprovider
# The tiers that mostly wait on servers and databases run three tests at a time, the unit
# tier two (pytest-xdist; every test makes its own database, ports and files, and no test
# needs another's). PARALLEL= UNIT_PARALLEL= run them one at a time.
PARALLEL ?= -n 3 --dist load
UNIT_PARALLEL ?= -n 2

.PHONY: install run test unit integration e2e chaos chaos-smoke ha ha-smoke lint format clean \
	replay bench soak profile demo
CHAOS_SECONDS ?= 300
HA_SECONDS ?= 120

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install -qq --disable-pip-version-check -e '.[dev]'
	@touch $@

install: $(STAMP)

## run: serve on the embedded SQLite store with a dev configuration
run: $(STAMP)
	@$(PY) -m scripts.dev

## demo: the ledger, IGPX's simulator and a demo casino; prints one URL, Ctrl-C stops
demo: $(STAMP)
	@$(PY) -m sims.demo

## test: lint, then every tier (PostgreSQL from TEST_POSTGRES_URL, default 127.0.0.1:5432)
test: lint unit integration e2e chaos-smoke ha-smoke

unit: $(STAMP)
	$(PYTEST) $(UNIT_PARALLEL) tests/unit

integration: $(STAMP)
	$(PYTEST) $(PARALLEL) tests/integration benchmarks/tests

e2e: $(STAMP)
	$(PYTEST) $(PARALLEL) --durations=8 tests/e2e

## replay: rebuild the read models from position 0 and reconcile them (DATABASE_URL)
replay: $(STAMP)
	@$(PY) -m scripts.replay

BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP)
	@$(VENV)/bin/pip install -qq --disable-pip-version-check -e '.[dev,bench]'
	@touch $@

## bench: the ledger against the CRUD baseline and the database ceiling, side by side
bench: $(BENCH_STAMP)
	@$(PY) -m benchmarks.run

## chaos-smoke: the chaos tier, time-boxed (CHAOS_SMOKE_SECONDS, default 30), run by make test
chaos-smoke: $(STAMP)
	$(PYTEST) tests/chaos

## chaos: real servers SIGKILLed and restarted and the database cut, under OPERATOR load
chaos: $(STAMP)
	$(PY) -m tests.chaos.driver --duration $(CHAOS_SECONDS)

## ha-smoke: the HA run time-boxed: 3 nodes, one primary host lost (HA_SMOKE_SECONDS, 40), in make test
ha-smoke: $(STAMP)
	$(PYTEST) tests/ha

## ha: a monitor + 4 nodes, 2 servers behind HAProxy: two primary hosts lost in a row, then a server
ha: $(STAMP)
	$(PY) -m tests.ha.driver --duration $(HA_SECONDS)

## soak: ten minutes of steady load; the server's memory at the start and the end
soak: $(BENCH_STAMP)
	@$(PY) -m benchmarks.soak

## profile: the bench's load with py-spy recording the server: a flame graph (SVG)
profile: $(BENCH_STAMP)
	@$(PY) -m benchmarks.profile

## lint: ruff, mypy --strict on domain/, and DESIGN.md's layers (import-linter)
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy --strict domain
	$(VENV)/bin/lint-imports --no-cache

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
