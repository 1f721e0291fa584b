# Two commands do everything on a fresh machine:
#   make run    the dashboard on a populated demo database, at http://127.0.0.1:8501
#   make test   the whole test suite (unit, collectors over local HTTP, AppTest, browser)

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DB ?= data/pulse.duckdb

.PHONY: run test demo bench clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(DB): | $(VENV)/.installed
	$(PY) -m demo build --db $(DB)

demo: $(VENV)/.installed
	$(PY) -m demo build --db $(DB) --fresh

run: $(VENV)/.installed $(DB)
	PULSE_DB=$(DB) $(PY) -m streamlit run app.py

test: $(VENV)/.installed-dev
	$(PY) -m pytest -q

bench: $(VENV)/.installed-dev
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache tests/e2e/screenshots
