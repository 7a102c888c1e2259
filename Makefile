# moviebot: two commands set everything up.
#   make demo   the bot on the embedded default (SQLite, in-process training, terminal chat), offline
#   make test   every test: unit, integration (DynamoDB Local), end-to-end, template checks
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAM_VENV := .venv-sam
# The load test's locust (and its gevent, its pytest plugin) in a virtualenv of its own.
LOAD_VENV := .venv-load
DATA_DIR ?= data
VAR := var
MODEL_DIR := $(VAR)/model
DEMO_DATA := $(VAR)/demo-data
CLUSTERS ?= 40
export MOVIEBOT_STORE ?= sqlite:///$(VAR)/moviebot.sqlite
# The SAM CLI reports usage to AWS unless told not to; nothing here may reach beyond the registries.
export SAM_CLI_TELEMETRY := 0

# Real IMDb dumps in $(DATA_DIR) (from `make data`, or copied there) win over the demo catalogue.
IMDB_FILES := $(wildcard $(DATA_DIR)/title.basics.tsv.gz $(DATA_DIR)/title.ratings.tsv.gz $(DATA_DIR)/title.akas.tsv.gz)
ifeq ($(words $(IMDB_FILES)),3)
TRAIN_DATA := $(DATA_DIR)
TRAIN_INPUTS := $(IMDB_FILES)
else
TRAIN_DATA := $(DEMO_DATA)
TRAIN_INPUTS := $(DEMO_DATA)/title.basics.tsv.gz
endif

RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed
NODE_STAMP := node_modules/.installed
SAM_STAMP := $(SAM_VENV)/.installed
LOAD_STAMP := $(LOAD_VENV)/.installed
LOADED_STAMP := $(VAR)/.loaded

.PHONY: help venv dev demo chat model load data test test-fast lint bench bench-answers bench-load bench-cold clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

venv: $(RUNTIME_STAMP) ## the virtualenv with what the bot and local training need

$(RUNTIME_STAMP): requirements.txt requirements-train.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.txt -r requirements-train.txt
	@touch $@

dev: $(DEV_STAMP) $(NODE_STAMP) $(SAM_STAMP) ## + test tools, DynamoDB Local, the SAM CLI

$(DEV_STAMP): $(RUNTIME_STAMP) requirements-dev.txt
	@$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	@npm ci --no-audit --no-fund --no-update-notifier --loglevel=error
	@touch $@

# The SAM CLI pins its own boto3, so it lives in a virtualenv of its own.
$(SAM_STAMP): requirements-sam.txt
	@test -x $(SAM_VENV)/bin/python || $(PYTHON) -m venv $(SAM_VENV)
	@$(SAM_VENV)/bin/python -m pip install -q --disable-pip-version-check -r requirements-sam.txt
	@touch $@

$(DEMO_DATA)/title.basics.tsv.gz: training/demo_data.py $(RUNTIME_STAMP)
	@$(BIN)/python -m training.demo_data --out $(DEMO_DATA)

# Training also builds the bot's title index into the artifact: its code counts too.
INDEX_CODE := bot/core/matching.py bot/core/normalize.py bot/core/query.py bot/core/models.py bot/core/artifact.py bot/core/manifest.py
$(MODEL_DIR)/manifest.json: $(TRAIN_INPUTS) $(wildcard training/*.py) $(INDEX_CODE) $(RUNTIME_STAMP)
	@echo "Training $(CLUSTERS) clusters on $(TRAIN_DATA) ..."
	@$(BIN)/python -m training.train --data-dir $(TRAIN_DATA) --model-dir $(MODEL_DIR) --clusters $(CLUSTERS)

model: $(MODEL_DIR)/manifest.json ## train the clusters in-process (only when the data or code changed)

$(LOADED_STAMP): $(MODEL_DIR)/manifest.json
	@$(BIN)/python -m bot load $(MODEL_DIR)
	@echo "$(MOVIEBOT_STORE)" > $@

load: $(LOADED_STAMP) ## load the trained model into the store and make it active

demo: $(LOADED_STAMP) ## set everything up offline and open the terminal chat
	@$(BIN)/python -m bot chat

chat: $(RUNTIME_STAMP) ## the terminal chat on whatever the store holds
	@$(BIN)/python -m bot chat

data: $(RUNTIME_STAMP) ## download the real IMDb dumps into $(DATA_DIR) (resumable)
	@$(BIN)/python -m training.download --out $(DATA_DIR)

# pytest exits 5 when it collected no test: that is a failure here, never a pass.
test: dev ## run every test, then the template checks
	@$(BIN)/python -m pytest; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc
	@$(BIN)/cfn-lint template.yaml
	@$(SAM_VENV)/bin/sam validate --lint --template template.yaml --region us-east-1

test-fast: dev ## unit tests only
	@$(BIN)/python -m pytest tests/unit -q

lint: dev ## ruff, mypy and the import contracts (pyproject.toml: [tool.importlinter])
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@$(BIN)/mypy bot training infra
	@$(BIN)/lint-imports --no-cache --no-logo

bench: dev $(LOAD_STAMP) ## the benchmarks at full scale (slow; prints figures)
	@$(BIN)/python -m benchmarks.run_all

bench-answers: dev ## warm whole answers per category, SQLite and DynamoDB Local (ARGS="--scale 0.25,0.5,1")
	@$(BIN)/python -m benchmarks.bench_answers $(ARGS)

# Only the load test needs locust: `make dev` (and CI) never install it.
$(LOAD_STAMP): requirements-load.txt
	@test -x $(LOAD_VENV)/bin/python || $(PYTHON) -m venv $(LOAD_VENV)
	@$(LOAD_VENV)/bin/python -m pip install -q --disable-pip-version-check -r requirements-load.txt
	@touch $@

# e.g. make bench-load BENCH_ARGS="--model-dir /path/to/trained/model"
bench-load: dev $(LOAD_STAMP) ## signed /movie at 50/s for 60 s on serve --http (locust)
	@$(BIN)/python -m benchmarks.bench_load $(BENCH_ARGS)

bench-cold: dev ## cold start to the first answer, SQLite and DynamoDB Local (issue 14)
	@$(BIN)/python -m benchmarks.bench_cold --growth $(ARGS)

clean: ## remove what make built (keeps $(DATA_DIR))
	rm -rf $(VAR) $(VENV) $(SAM_VENV) $(LOAD_VENV) node_modules .pytest_cache .mypy_cache .ruff_cache

# ---------------------------------------------------------------------------------------------
# AWS SAM: `sam build` runs these (template.yaml, `BuildMethod: makefile`); ARTIFACTS_DIR is the
# function's package. Wheels for the Lambda runtime (Python 3.12, arm64), whatever this machine is.
# Each function gets only the packages it imports: the bot no pandas, no scikit-learn, no training/.
# boto3 ships too: Powertools' Tracer (aws-xray-sdk) brings botocore in anyway, and the runtime's
# older boto3 would then run on that newer botocore, a pair nothing was tested with.
LAMBDA_PYTHON := $(shell test -x $(BIN)/python && echo $(BIN)/python || echo python3)
# Whose wheels: Lambda's by default. The deployment rehearsal (tests/deploy) overrides these two to
# build the same recipe for the machine it runs on, so that it can import and run the package.
LAMBDA_PYTHON_VERSION ?= 3.12
LAMBDA_PLATFORMS ?= manylinux2014_aarch64 manylinux_2_28_aarch64 manylinux_2_34_aarch64
LAMBDA_PIP := $(LAMBDA_PYTHON) -m pip install --quiet --disable-pip-version-check --no-compile \
	--implementation cp --python-version $(LAMBDA_PYTHON_VERSION) --only-binary=:all: \
	$(addprefix --platform ,$(LAMBDA_PLATFORMS))
lambda_deps = $(LAMBDA_PIP) --target "$(ARTIFACTS_DIR)" -r requirements.txt
# Laptop tools no handler imports: the local Slack stand-in, the command line, the evaluation.
LAMBDA_EXCLUDE := bot/tools bot/__main__.py
# $(call lambda_copy,PACKAGES): the packages' Python files, nothing else (no caches, no tests,
# no tools).
lambda_copy = find $(1) -name '*.py' -not -path '*/__pycache__/*' \
	$(foreach path,$(LAMBDA_EXCLUDE),-not -path '$(path)' -not -path '$(path)/*') -print0 \
	| xargs -0 cp --parents -t "$(ARTIFACTS_DIR)"

# The package's bytecode, for the runtime's Python: /var/task is read-only, so a module shipped
# without its .pyc is compiled again by every cold start (~0.9 s CPU of the bot's imports). Made by
# an interpreter of that version (the build's own when it is one); unchecked-hash because nothing
# in a package changes under its .pyc.
LAMBDA_COMPILER ?= $(firstword $(foreach py,$(LAMBDA_PYTHON) python$(LAMBDA_PYTHON_VERSION),\
	$(shell $(py) -c 'import sys; print(sys.version_info[:2] == tuple(map(int, "$(LAMBDA_PYTHON_VERSION)".split("."))) and "$(py)" or "")' 2>/dev/null)))
lambda_compile = $(if $(LAMBDA_COMPILER),$(LAMBDA_COMPILER) -m compileall -q -j 0 \
	--invalidation-mode unchecked-hash "$(ARTIFACTS_DIR)" >/dev/null,\
	@echo "warning: no Python $(LAMBDA_PYTHON_VERSION) here to compile the package so each cold start compiles it" >&2)

.PHONY: build-BotFunction build-LoaderFunction build-RetrainFunction build-NotifyFunction

build-BotFunction:
	$(lambda_deps)
	$(call lambda_copy,bot)
	$(lambda_compile)

build-LoaderFunction build-NotifyFunction:
	$(lambda_deps)
	$(call lambda_copy,bot infra)
	$(lambda_compile)

# The retrain function ships the training source: it uploads it to S3 for the training job.
build-RetrainFunction:
	$(lambda_deps)
	$(call lambda_copy,bot infra training)
	cp training/requirements.txt "$(ARTIFACTS_DIR)/training/"
	$(lambda_compile)
