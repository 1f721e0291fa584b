# Two commands do everything on a fresh machine:
#   make run    the dashboard on a populated demo database, at http://127.0.0.1:8501
#   make test   the whole test suite (lint, unit, collectors over local HTTP, AppTest, browser)
# While working: make check (lint and every test but the browser and slow ones, a few minutes).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DB ?= data/pulse.duckdb
PIP_COMPILE := pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links

.PHONY: run test check lint demo bench lock clean

# requirements*.txt are lock files (every package, pinned, with hashes), made from pyproject.toml by `make lock`.
$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

demo: $(VENV)/.installed
	$(PY) -m demo build --db $(DB) --fresh

# Builds the demo when the database is missing or holds nothing (and says so); keeps one with data.
run: $(VENV)/.installed
	$(PY) -m demo build --db $(DB)
	PULSE_DB=$(DB) $(PY) -m streamlit run app.py

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

# Two processes (pytest-xdist): the quick loop on a 2-core machine.
check: lint
	$(PY) -m pytest -q -n 2 -m "not browser and not slow"

# Every test: the unit, HTTP and AppTest ones in two processes, then the browser ones one at a time
# (a real Chromium and a Streamlit server each: two at once on 2 cores made them time out).
test: lint
	$(PY) -m pytest -q -n 2 -m "not browser"
	$(PY) -m pytest -q -m browser

bench: $(VENV)/.installed-dev
	$(PY) bench/run.py

lock:
	$(PYTHON) -m venv /tmp/pulse-lock-tools && /tmp/pulse-lock-tools/bin/pip install --quiet pip-tools==7.7.0
	/tmp/pulse-lock-tools/bin/$(PIP_COMPILE) --output-file=requirements.txt pyproject.toml
	/tmp/pulse-lock-tools/bin/$(PIP_COMPILE) --extra dev --output-file=requirements-dev.txt pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
