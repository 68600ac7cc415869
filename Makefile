# ticketflow: Freshdesk activity exports -> DuckDB -> dbt marts -> report.
# `make help` lists the targets. Variables: TICKETS, SEED, ACTIVITIES, DAILY, TICKETFLOW_DB (the working
# database; its default is stated once, in profiles.yml).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TICKETS ?= 10000
SEED ?= 42
ACTIVITIES ?= 1000000
DAILY ?= 3000000

ACTIVITY_FILE := data/activities.jsonl.gz
REPORT := data/report.txt

.PHONY: help setup all generate load build report publish metrics docs bench lint format test test-engines clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}'

setup: $(STAMP) ## Create .venv and install the project with its dev extras (once)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

all: setup ## Whole pipeline: generate, load, build + test marts, reports, publish
	$(BIN)/ticketflow run -n $(TICKETS) --seed $(SEED) -o $(ACTIVITY_FILE) -r $(REPORT)

generate: setup ## Generate TICKETS tickets of activity (SEED) into data/
	$(BIN)/ticketflow generate -n $(TICKETS) --seed $(SEED) -o $(ACTIVITY_FILE)

load: setup ## Load data/activities.jsonl.gz into the working database
	$(BIN)/ticketflow load $(ACTIVITY_FILE)

build: setup ## dbt build (seeds, models, tests), then publish the marts
	$(BIN)/ticketflow build

report: setup ## Write the reports (txt, html, csv) into data/
	$(BIN)/ticketflow report -o $(REPORT)
	$(BIN)/ticketflow report -o data/report.html
	$(BIN)/ticketflow report -o data/report.csv

publish: setup ## Publish the marts to data/serve.duckdb and data/parquet/
	$(BIN)/ticketflow publish

metrics: setup ## Semantic layer example (after a build): `mf query` of weekly metrics
	$(BIN)/mf query --metrics tickets_created,tickets_resolved,reopen_rate,first_response_seconds_median,first_response_sla_compliance,backlog_unresolved \
		--group-by metric_time__week --order metric_time__week

docs: setup ## dbt docs as one static page: target/static_index.html
	$(BIN)/dbt docs generate --static

bench: setup ## Benchmark every stage at ACTIVITIES activities, a year of DAILY -> bench/RESULTS.md
	$(BIN)/python -m bench.run --activities $(ACTIVITIES) --daily $(DAILY)

lint: setup ## ruff check and format check; sqlfluff lint of the dbt project
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	lintdb=$$(mktemp -d) && trap 'rm -rf "$$lintdb"' EXIT && \
		TICKETFLOW_DB=$$lintdb/lint.duckdb $(BIN)/sqlfluff lint dbt_project

format: setup ## ruff fix and format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: setup ## The whole test suite (pytest, dbt build on test data)
	$(BIN)/pytest -q

ENGINES_STAMP := $(VENV)/.engines-installed

# Postgres's server programs and a Java runtime (for Spark) from Debian when missing, the
# adapters from the `engines` extra.
$(ENGINES_STAMP): $(STAMP)
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v java >/dev/null || missing="$$missing openjdk-17-jre-headless"; \
	if [ -n "$$missing" ]; then \
		echo "apt-get install$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
	$(BIN)/pip install --quiet -e '.[dev,engines]'
	@touch $@

test-engines: $(ENGINES_STAMP) ## Postgres (throwaway cluster) and Spark: the same marts as DuckDB; incremental = full refresh on Postgres
	$(BIN)/pytest -q -m engines tests/test_engines.py tests/test_incremental.py

clean: ## Remove generated data and dbt artifacts (keeps .venv)
	rm -rf data target logs build
