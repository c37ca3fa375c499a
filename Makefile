# Two commands do all the set-up on a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo sim test bench soak lint typecheck snapshots screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  ## start the simulator with a scripted tour run
	$(BIN)/phrony-tui demo

sim: $(STAMP)  ## the simulator alone, on http://127.0.0.1:8765
	$(BIN)/phrony-tui sim

test: $(STAMP)  ## lint, type-check and run every test
	$(BIN)/ruff check phrony_tui tests
	$(BIN)/mypy
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check phrony_tui tests
	$(BIN)/ruff format --check phrony_tui tests

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)  ## speed and memory against the floor; writes benchmarks/results/latest.json
	$(BIN)/python -m benchmarks.run

soak: $(STAMP)  ## 20 events/s for 10 minutes: memory at start and end, reconnects
	$(BIN)/python -m benchmarks.soak

snapshots: $(STAMP)  ## accept the current console snapshots (look at them first)
	$(BIN)/pytest -q tests/ui/test_snapshots.py --snapshot-update

screenshots: $(STAMP)  ## redraw the README screenshots
	$(BIN)/python screenshots/make.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
