# Massline: `make run` serves the demo, `make test` runs every check. Both build on `make install`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed
MASSLINE_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/massline
export MASSLINE_TEST_DATABASE_URL

.PHONY: install run test lint check pytest-sqlite pytest-postgres e2e bench messages clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Massline needs Python 3.11 ($(PYTHON) not found; set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the pinned dependencies change.
$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade "pip==25.3"
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)
	@$(MAKE) --no-print-directory messages

# Compiled translations (.mo) are built from the committed .po files (needs GNU gettext's msgfmt).
messages: | $(BIN)/python
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: install GNU gettext (apt-get install gettext)"; exit 1; }
	@DEBUG=true $(BIN)/massline compilemessages -v 0 --ignore=.venv --ignore=var

# The demo's messages and links point at the address served here, unless MASSLINE_PUBLIC_URL is set.
run: export MASSLINE_PUBLIC_URL ?= http://$(HOST):$(PORT)
run: install
	DEBUG=true $(BIN)/massline migrate --no-input -v 0
	DEBUG=true $(BIN)/massline demo
	@echo "Massline is serving on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	@DEBUG=true $(BIN)/massline worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		DEBUG=true $(BIN)/massline runserver --noreload $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check massline bench scripts
	$(BIN)/ruff format --check massline bench scripts
	$(BIN)/lint-imports --no-cache --no-logo

check: install
	DEBUG=true $(BIN)/massline check --fail-level WARNING
	DEBUG=true $(BIN)/massline makemigrations --check --dry-run
	DEBUG=false SECRET_KEY=ci-check-$$RANDOM-$$RANDOM-deploy-settings-are-checked-here-with-a-long-key \
		ALLOWED_HOSTS=massline.example.org $(BIN)/massline check --deploy --fail-level WARNING

pytest-sqlite: install
	DEBUG=true DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 $(BIN)/pytest -q $(PYTEST_ARGS)

# PostgreSQL: used when reachable; MASSLINE_REQUIRE_POSTGRES=1 (set by .ci/run) makes its absence fatal.
# It keeps its own var/ and Redis database, so it can run beside the SQLite half (`make test` runs both at once).
pytest-postgres: install
	@if $(BIN)/python scripts/pg_reachable.py; then \
		DEBUG=true DATABASE_URL=$(MASSLINE_TEST_DATABASE_URL) MASSLINE_VAR_DIR=$(CURDIR)/var/postgres \
		MASSLINE_TEST_REDIS_URL=redis://127.0.0.1:6379/14 $(BIN)/pytest -q $(PYTEST_ARGS); \
	elif [ "$(MASSLINE_REQUIRE_POSTGRES)" = "1" ]; then \
		echo "ERROR: PostgreSQL at $(MASSLINE_TEST_DATABASE_URL) cannot be used, and MASSLINE_REQUIRE_POSTGRES=1"; exit 1; \
	else \
		echo; echo "################################################################"; \
		echo "# WARNING: PostgreSQL at $(MASSLINE_TEST_DATABASE_URL) is not reachable:"; \
		echo "# the PostgreSQL half of the test suite was SKIPPED."; \
		echo "# Set MASSLINE_TEST_DATABASE_URL to a server you can use."; \
		echo "################################################################"; echo; \
	fi

# The two halves of the suite run side by side (one per core); each one's output is printed whole when it ends.
test: lint check
	@$(MAKE) --no-print-directory -j2 --output-sync=target pytest-sqlite pytest-postgres

# Only the browser tests (they also run within `make test`).
e2e: install
	DEBUG=true DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 $(BIN)/pytest -m e2e -q

# Benchmarks print their figures and write bench/results/*.json; they use PostgreSQL when it answers.
bench: install
	DEBUG=true $(BIN)/python -m bench.audit_append
	DEBUG=true $(BIN)/python -m bench.intake
	DEBUG=true $(BIN)/python -m bench.queue_page
	DEBUG=true $(BIN)/python -m bench.clock $(CLOCK_BENCH_ARGS)
	DEBUG=true $(BIN)/python -m bench.polis_groups
	DEBUG=true $(BIN)/python -m bench.integrity_receipt
	DEBUG=true $(BIN)/python -m bench.appraisal $(APPRAISAL_BENCH_ARGS)
	DEBUG=true $(BIN)/python -m bench.outbox_drain

clean:
	rm -rf $(VENV) var

# Open311 POST requests.json under 16 keep-alive clients (wrk) against granian on PostgreSQL, beside raw INSERTs.
# wrk comes from Debian's packages: installed here when missing and apt-get can run.
.PHONY: bench-intake
bench-intake: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null; } || \
		{ echo "bench-intake needs wrk: apt-get install wrk"; exit 1; }
	DEBUG=true $(BIN)/python -m bench.intake_open311 $(BENCH_ARGS)

# Load without loss: granian (several workers) on PostgreSQL with `massline worker`, concurrent clients over
# the public form, the JSON API and Open311 with idempotency keys and retries, 127.0.0.1 only, bounded time.
# The last line is one JSON object: acknowledged, stored, lost, duplicates, requests_per_second, p50_ms, p99_ms.
.PHONY: bench-load
bench-load: install
	DEBUG=true $(BIN)/python -m bench.load $(BENCH_ARGS)

# Crash safety: bench-load's clients while a web worker and the worker process are SIGKILLed and PostgreSQL
# (a cluster of its own on port 5440, created by the script) restarts; the same counts plus the audit chain.
.PHONY: bench-crash
bench-crash: install
	DEBUG=true $(BIN)/python -m bench.load.crash $(BENCH_ARGS)

# Routing backtests on ../shared/data: Teddy (zh), Boston 311 as published and with form questions stripped
# (en), and the Boston duplicate closures. Minutes on two cores; figures in bench/results/routing_backtest.json.
.PHONY: bench-routing
bench-routing: install
	DEBUG=true OMP_NUM_THREADS=1 $(BIN)/python -m bench.routing_backtest $(BENCH_ARGS)

.PHONY: bench-duplicates-scale
bench-duplicates-scale: install
	DEBUG=true $(BIN)/python -m bench.duplicates_scale $(BENCH_ARGS)
