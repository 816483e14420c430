# The collection's commands. A newcomer needs two: `make lab` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 8888
BIN    := $(VENV)/bin
# JupyterLab refuses to run as root unless told; containers and CI often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test browser install install-dev notebooks references exercises benchmark readme site clean

## make lab: set up the environment (first time only) and open the collection in JupyterLab.
## The whole collection is the file browser's root (exercises/ included); notebook 00 opens first.
lab: $(VENV)/.installed
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb \
	  --ip=127.0.0.1 --port=$(PORT) $(ROOT_FLAG)

## make test: every test, including notebooks in a fresh kernel and JupyterLab in headless Chromium.
## The browser and the grader's sandbox come first, so a machine without them stops before anything is installed or run.
test:
	$(PYTHON) tools/browser.py
	$(PYTHON) tools/bubblewrap.py
	$(MAKE) --no-print-directory install-dev
	$(BIN)/python -m pytest

## make browser: find Chromium or Chrome, or install the system's package, or say how to get one
browser:
	$(PYTHON) tools/browser.py

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/.installed: requirements.txt pyproject.toml tools/install_lab_settings.py tools/offline/*.json
	$(PYTHON) tools/bootstrap_venv.py $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python tools/install_lab_settings.py
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

## make notebooks: render the lessons' citation marks, then run every notebook and save it with clean, small outputs
notebooks: $(VENV)/.installed-dev
	$(BIN)/python -m rapprochement.citations --write notebooks/*.ipynb
	$(BIN)/python tools/run_notebooks.py notebooks/*.ipynb

## make references: number the lessons' [@id] marks, regenerate their References, and list any uncited fact
references: $(VENV)/.installed
	$(BIN)/python -m rapprochement.citations --write notebooks/*.ipynb
	$(BIN)/python -m rapprochement.citations --check notebooks/*.ipynb

## make exercises: run the solutions (their outputs are what nbval checks), then regenerate student editions and keys
exercises: $(VENV)/.installed-dev
	$(BIN)/python tools/run_notebooks.py solutions/*.ipynb
	$(BIN)/python -m rapprochement.authoring

## make benchmark: time each notebook against a stack-only baseline; report notebook and data sizes; time widget redraws
benchmark: $(VENV)/.installed-dev
	$(BIN)/python tools/benchmark.py
	$(BIN)/python tools/benchmark_widgets.py

## make site: the static edition in site/ (every lesson and exercise set executed, charts as SVG, no network needed)
site: $(VENV)/.installed-dev
	$(BIN)/python tools/site.py --out site

## make readme: regenerate the README's notebook table from notebooks/lessons.toml
readme: $(VENV)/.installed
	$(BIN)/python -m tools.lessons --write

clean:
	rm -rf $(VENV) .pytest_cache site
