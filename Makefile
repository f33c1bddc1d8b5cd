# Two commands from a fresh clone:  `make lab`  and  `make test`.
# Both create .venv if it is missing and install the exact versions in constraints.txt.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARGS   ?=

# The same quiet, offline environment for JupyterLab, for recording notebooks and for tests,
# so that committed outputs are what CI sees (transformers' progress bars print version text).
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_PROGRESS_BARS := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export TRANSFORMERS_VERBOSITY := error
export TOKENIZERS_PARALLELISM := false
export PYTHONHASHSEED := 0
export MPLBACKEND := module://matplotlib_inline.backend_inline

ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: setup lab test lint notebooks constraints clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test]"
	@touch $(STAMP)

setup: $(STAMP)

lab: setup  ## JupyterLab on notebooks/, localhost only, with a token
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks $(ROOT_FLAG) $(ARGS)

lint: setup
	$(BIN)/ruff check .

test: setup lint  ## unit tests + every notebook re-executed by strict nbval
	$(BIN)/python -m pytest $(ARGS)

notebooks: setup  ## re-run notebooks top to bottom and save their outputs (NB=notebooks/01_tokenization.ipynb for one)
	$(BIN)/python tools/record_notebooks.py $(or $(NB),notebooks/*.ipynb)

constraints:  ## re-resolve exact versions from pyproject.toml in a throwaway venv
	rm -rf /tmp/constraints-venv && $(PYTHON) -m venv /tmp/constraints-venv
	/tmp/constraints-venv/bin/pip install --quiet torch==2.13.0 -e ".[test]"
	head -n 3 constraints.txt > /tmp/constraints-header.txt
	/tmp/constraints-venv/bin/pip freeze --exclude-editable | sed 's/+cpu$$//' \
		| cat /tmp/constraints-header.txt - > constraints.txt

clean:
	rm -rf $(VENV) site slides wheelhouse
