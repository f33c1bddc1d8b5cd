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
export TRANSFORMERS_VERBOSITY := warning
export TOKENIZERS_PARALLELISM := false
export PYTHONHASHSEED := 0
export MPLBACKEND := module://matplotlib_inline.backend_inline

ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: setup lab test lint notebooks constraints clean slides site wheelhouse test-wheelhouse doctor

# torch is the CPU build on every platform. PyPI's macOS and Windows wheels are CPU builds; its
# Linux wheel is the CUDA build (527 MB, plus several GB of nvidia-* packages and triton), so on
# Linux torch alone comes from PyTorch's CPU index (a wheel already on this machine's disk, e.g.
# in a wheelhouse or pip's find-links, is taken first). TORCH_INDEX= (empty) takes pip's default.
OS := $(shell uname -s)
OS_NAME_Darwin := macOS
OS_NAME := $(or $(OS_NAME_$(OS)),$(OS))
TORCH_INDEX ?= $(if $(filter Linux,$(OS)),https://download.pytorch.org/whl/cpu,)
PIP := $(BIN)/python -m pip --disable-pip-version-check
# pip's progress bars in a terminal; in a log (CI, a pipe) one line per package and no bars.
# ([ -t 1 ] is tested by the recipe's shell itself: inside $$(...) stdout is always a pipe.)
TTY_BAR := [ -t 1 ] && bar=on || bar=off;
PROGRESS := --progress-bar $$bar
# What a first setup downloads (wheel sizes, CPython 3.11; Linux measured from a fresh clone:
# 530 MB, .venv 2.1 GB): everything but torch is about 340 MB; torch is 192 MB (Linux CPU
# build), 111 MB (macOS arm64), 122 MB (Windows), from PyPI's listing of torch 2.13.0.
DOWNLOAD_MB_Linux := 530
DOWNLOAD_MB_Darwin := 450
DOWNLOAD_MB := $(or $(DOWNLOAD_MB_$(OS)),460)
PACKAGES = $$(grep -c '^[A-Za-z0-9_.-]*==' constraints.txt)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "==> Installing into $(abspath $(VENV)) (Python $$($(BIN)/python -c 'import platform; print(platform.python_version())')):"\
	  "$(PACKAGES) pinned packages and this course, about $(DOWNLOAD_MB) MB to download on $(OS_NAME)"\
	  "(torch: the CPU build$(if $(TORCH_INDEX), from $(TORCH_INDEX))), about 2 GB on disk. A few minutes."
	@echo "==> 1/3  torch, the CPU build $(if $(TORCH_INDEX),(a wheel on this machine's disk if there is one; else the index),(PyPI's build for $(OS_NAME); step 2 installs it))"
	@$(TTY_BAR) $(if $(TORCH_INDEX),$(PIP) install --no-deps --no-index -c constraints.txt torch >/dev/null 2>&1 \
	  && echo "     already installed or found on this machine's disk (pip's find-links)" \
	  || $(PIP) install $(PROGRESS) --no-deps --index-url $(TORCH_INDEX) -c constraints.txt torch \
	  || { echo "==> No CPU build of torch for this Python from $(TORCH_INDEX) (no network to it?)."\
	  "Retry online or run 'make setup TORCH_INDEX=' to take PyPI's build (on Linux the CUDA build: several GB)."; exit 1; },true)
	@echo "==> 2/3  the other packages and this course (pip lists each one)"
	@$(TTY_BAR) $(PIP) install $(PROGRESS) -c constraints.txt -e ".[test]"
	@echo "==> 3/3  checks (make doctor)"
	@$(BIN)/python -m helpers.doctor
	@touch $(STAMP)
	@echo "==> Done. Next: make lab  (it prints a URL; open it and start with 00_start_here.ipynb)"

setup: $(STAMP)

doctor: setup  ## check Python, packages, the model's checksum, torch's build, disk and Chromium
	@$(BIN)/python -m helpers.doctor

lab: setup  ## JupyterLab on notebooks/, localhost only, with a token
	@echo "==> JupyterLab: open the URL with the token it prints below (the 127.0.0.1 one), then 00_start_here.ipynb. Ctrl+C stops it."
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks $(ROOT_FLAG) $(ARGS)

lint: setup
	$(BIN)/ruff check .

test: setup lint  ## unit tests + every notebook re-executed by strict nbval + browser tests
	@$(BIN)/python tests/browser_support.py --announce
	$(BIN)/python -m pytest -rs $(ARGS)

notebooks: setup  ## re-run notebooks top to bottom and save their outputs (NB=notebooks/01_tokenization.ipynb for one)
	$(BIN)/python tools/record_notebooks.py $(or $(NB),notebooks/*.ipynb)

.PHONY: bench slide-figures progress
bench: setup  ## time the floor, every notebook and widget update; writes bench/RESULTS.md (ARGS=--setup: also a fresh setup)
	$(BIN)/python -m bench $(ARGS)

constraints:  ## re-resolve exact versions from pyproject.toml in a throwaway venv
	rm -rf /tmp/constraints-venv && $(PYTHON) -m venv /tmp/constraints-venv
	/tmp/constraints-venv/bin/pip install --quiet torch==2.13.0 -e ".[test,hub]"
	head -n 3 constraints.txt > /tmp/constraints-header.txt
	/tmp/constraints-venv/bin/pip freeze --exclude-editable | sed 's/+cpu$$//' \
		| cat /tmp/constraints-header.txt - > constraints.txt

slides: setup  ## two reveal.js decks per lesson (code+outputs, outputs only) in slides/, offline (no CDN)
	$(BIN)/python tools/build_web.py slides --out slides

# Projector-sized plots for the decks: each lesson runs once in a temporary copy at
# presentation_mode() sizes (about 2.5 min on 2 cores), cached per lesson in build/slide-figures/;
# `make slides` uses them when present, else the committed plots (they fit, but are smaller).
slide-figures: setup  ## redraw the decks' plots at projector size (cached; run before make slides)
	$(BIN)/python tools/build_web.py figures

progress: setup  ## DIR=students' notebooks -> progress.csv, one row per student and exercise
	$(BIN)/python -m helpers.progress $(DIR) --out $(or $(OUT),progress.csv)

site: setup  ## static HTML of every lesson (committed outputs) in site/, with an index and the slides
	$(BIN)/python tools/build_web.py site --out site

# Wheels for every pinned package (and this course), for a room with no network. Build it on the
# same OS and Python version as the laptops it is for.  Install: see docs/instructor-guide.md.
wheelhouse: setup
	$(if $(TORCH_INDEX),$(PIP) wheel --quiet --no-deps --no-index -c constraints.txt -w wheelhouse torch \
	  || $(PIP) wheel --quiet --no-deps --index-url $(TORCH_INDEX) -c constraints.txt -w wheelhouse torch)
	$(BIN)/python -m pip wheel --quiet -c constraints.txt -w wheelhouse --find-links wheelhouse ".[test]"
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
	rm -rf $(VENV) site slides wheelhouse build/slide-figures

# A JupyterHub for a class on this machine (deploy/, docs/classroom.md): 127.0.0.1:8000, one
# home folder per student, idle servers stopped; prints the logins and the nbgitpuller link.
# Adds the [hub] extra to .venv and the proxy (npm) to deploy/node_modules. ARGS="--port 8010"
.PHONY: hub
hub: setup  ## JupyterHub for a class on 127.0.0.1 (docs/classroom.md)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[hub]"
	test -x deploy/node_modules/.bin/configurable-http-proxy || npm ci --prefix deploy --no-audit --no-fund
	$(BIN)/python -m deploy.hub $(ARGS)

# The slow classroom tests (tests/classroom, marker `classroom`): the course's wheel installed in
# a fresh venv runs every lesson under strict nbval; a class of 3 on a real JupyterHub. .ci/run calls it.
.PHONY: test-classroom
test-classroom: setup  ## the wheel in a fresh venv runs every lesson; a class of 3 on a JupyterHub (6-18 min)
	$(BIN)/python -m pytest tests/classroom -m classroom -p no:randomly -rs $(ARGS)
