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

.PHONY: setup lab test lint notebooks constraints clean slides site wheelhouse test-wheelhouse

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test]"
	@touch $(STAMP)

setup: $(STAMP)

lab: setup  ## JupyterLab on notebooks/, localhost only, with a token
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks $(ROOT_FLAG) $(ARGS)

lint: setup
	$(BIN)/ruff check .

test: setup lint  ## unit tests + every notebook re-executed by strict nbval + browser tests
	@$(BIN)/python tests/browser_support.py --announce
	$(BIN)/python -m pytest -rs $(ARGS)

notebooks: setup  ## re-run notebooks top to bottom and save their outputs (NB=notebooks/01_tokenization.ipynb for one)
	$(BIN)/python tools/record_notebooks.py $(or $(NB),notebooks/*.ipynb)

.PHONY: bench
bench: setup  ## time the floor, every notebook and widget update; writes bench/RESULTS.md (ARGS=--setup: also a fresh setup)
	$(BIN)/python -m bench $(ARGS)

constraints:  ## re-resolve exact versions from pyproject.toml in a throwaway venv
	rm -rf /tmp/constraints-venv && $(PYTHON) -m venv /tmp/constraints-venv
	/tmp/constraints-venv/bin/pip install --quiet torch==2.13.0 -e ".[test]"
	head -n 3 constraints.txt > /tmp/constraints-header.txt
	/tmp/constraints-venv/bin/pip freeze --exclude-editable | sed 's/+cpu$$//' \
		| cat /tmp/constraints-header.txt - > constraints.txt

slides: setup  ## reveal.js slides per lesson in slides/, scripts and styles served locally (no CDN)
	$(BIN)/python tools/build_web.py slides --out slides

site: setup  ## static HTML of every lesson (committed outputs) in site/, with an index and the slides
	$(BIN)/python tools/build_web.py site --out site

# Wheels for every pinned package (and this course), for a room with no network. Build it on the
# same OS and Python version as the laptops it is for.  Install: see docs/instructor-guide.md.
wheelhouse: setup
	$(BIN)/python -m pip wheel --quiet -c constraints.txt -w wheelhouse ".[test]"
	$(BIN)/python -m pip download --quiet -d wheelhouse "setuptools>=68"
	rm -rf build  # left by building this course's own wheel

# Proves the wheelhouse is enough: a fresh venv, pip with no index, no config and no network.
WHEELHOUSE_VENV ?= /tmp/wheelhouse-venv
test-wheelhouse: wheelhouse
	rm -rf $(WHEELHOUSE_VENV) && $(PYTHON) -m venv $(WHEELHOUSE_VENV)
	$(if $(shell command -v unshare && unshare -n true 2>/dev/null && echo y),unshare -n) \
	  env PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 PIP_FIND_LINKS=$(CURDIR)/wheelhouse \
	  $(WHEELHOUSE_VENV)/bin/python -m pip install -c constraints.txt -e ".[test]"
	$(WHEELHOUSE_VENV)/bin/python -c "from helpers.models import load_model, load_tokenizer; \
	  print(load_model()(**load_tokenizer()('offline room', return_tensors='pt')).last_hidden_state.shape)"

clean:
	rm -rf $(VENV) site slides wheelhouse

# A JupyterHub for a class on this machine (deploy/, docs/classroom.md): 127.0.0.1:8000, one
# home folder per student, idle servers stopped; prints the logins and the nbgitpuller link.
# Adds the [hub] extra to .venv and the proxy (npm) to deploy/node_modules. ARGS="--port 8010"
.PHONY: hub
hub: setup  ## JupyterHub for a class on 127.0.0.1 (docs/classroom.md)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[hub]"
	test -x deploy/node_modules/.bin/configurable-http-proxy || npm ci --prefix deploy --no-audit --no-fund
	$(BIN)/python -m deploy.hub $(ARGS)
