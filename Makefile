# SEND Local Offer Assistant: the verbs. `make run` and `make test` set everything up on first use.
SHELL := /bin/bash
export RASA_TELEMETRY_ENABLED := false
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PYTHONPATH := $(CURDIR)
PY := .venv/bin/python
RASA_PY := .venv-rasa/bin/python

.PHONY: run run-scaled test setup setup-test data train validate lint bench bench-load crossval eval eval-bot staff-admin clean

setup:            ## create/update the two virtual environments (idempotent)
	@scripts/setup.sh

setup-test: setup ## plus Debian's chromium for the browser tests
	@scripts/setup_test.sh

data: setup       ## build the directory database (SQLite under var/) and its search index
	@$(PY) -m directory load

train: setup      ## train the Rasa model only when config.yml, bot/domain.yml or bot/data changed
	@scripts/train.sh

run: data train   ## start the whole service: http://localhost:8000
	@$(PY) scripts/stack.py

run-scaled: setup train ## scale-out mode on one machine: PostgreSQL + Redis, 2 Rasa and 2 directory replicas
	@$(PY) scripts/stack_scaled.py

staff-admin: data ## create the first staff admin (asks for the email and the password)
	@read -r -p "Admin email: " email && $(PY) -m directory create-staff --email "$$email" --role admin

test: setup-test train ## the whole suite, both runtimes
	@scripts/run_tests.sh

validate: setup
	@.venv-rasa/bin/rasa data validate --config config.yml --domain bot/domain.yml --data bot/data

crossval: setup   ## NLU 5-fold cross-validation (slow: minutes)
	@.venv-rasa/bin/rasa test nlu --config config.yml --domain bot/domain.yml --nlu bot/data/nlu --cross-validation --folds 5 --out var/crossval

eval: data        ## search quality on the development questions
	@$(PY) -m directory eval ../shared/eval/dev_questions.jsonl

eval-bot: setup train ## the development questions through a throw-away running stack, scored by a rubric
	@$(PY) -m directory.evaluation_chat ../shared/eval/dev_questions.jsonl

bench: data train ## benchmarks; results go to docs/benchmarks.md
	@$(PY) bench/search_bench.py
	@$(PY) bench/turn_bench.py

bench-load: setup train ## 50 conversations x 60 s, scaled topology vs single machine (needs PostgreSQL + Redis)
	@$(PY) bench/load_bench.py

lint:
	@$(PY) -m ruff check . && $(PY) -m ruff format --check .

clean:
	rm -rf var models
