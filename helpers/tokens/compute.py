"""Tokenization helpers for lesson 1: the course corpus (sections 1-3), a tiny trained
tokenizer (section 3), padding by hand (the reference of exercise 4) and the pure
computation behind the tokenizer playground (section 9).

The ideas themselves (splitting by hand, looking ids up in a vocabulary, padding by hand)
are written out in the notebook; these functions do the plumbing.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerBase

from helpers.paths import DATA_DIR
from helpers.text import clean_text

CORPUS_PATH = DATA_DIR / "tokenizer_corpus.txt"

# The playground reads at most this many lines, and draws at most this many tokens per row
# (how much text it reads is the course's one rule: helpers.text.MAX_CHARS).
MAX_SENTENCES = 12
MAX_DRAWN_TOKENS = 64
PADDING_CHOICES = ("off", "longest", "max_length")


def load_corpus(path: Path = CORPUS_PATH) -> list[str]:
    """Return the corpus as a list of sentences, one per non-empty line of the file."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


# --- A tiny tokenizer, trained by you ----------------------------------------


def train_bpe(sentences: list[str], vocab_size: int, min_frequency: int = 2) -> Tokenizer:
    """Return a byte-pair-encoding tokenizer trained on `sentences` with `vocab_size` entries.

    Like the course model's tokenizer it lower-cases, strips accents and splits on spaces and
    punctuation before learning merges. Training is deterministic. The vocabulary is smaller
    when the text runs out of pairs to merge, and larger when it has more distinct characters
    than `vocab_size` (every character seen is kept).
    """
    if vocab_size < 1:
        raise ValueError(f"vocab_size must be a positive number of entries, not {vocab_size}.")
    tokenizer = Tokenizer(models.BPE(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Sequence(
        [normalizers.NFD(), normalizers.Lowercase(), normalizers.StripAccents()]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=["[UNK]"],
        show_progress=False,
    )
    tokenizer.train_from_iterator(sentences, trainer)
    return tokenizer


def merges_of(tokenizer: Tokenizer) -> list[tuple[str, str]]:
    """Return a BPE tokenizer's merges in the order it learned them: [(left, right), ...]."""
    model = json.loads(tokenizer.to_str())["model"]
    if model.get("type") != "BPE":
        raise ValueError(f"Only a BPE tokenizer has merges; this one is {model.get('type')}.")
    # Older versions of `tokenizers` store a merge as "left right", newer ones as [left, right].
    return [tuple(m.split(" ", 1)) if isinstance(m, str) else tuple(m) for m in model["merges"]]


def mean_tokens_per_sentence(tokenizer: Tokenizer, sentences: list[str]) -> float:
    """Return the average number of tokens a `tokenizers.Tokenizer` makes of one sentence."""
    if not sentences:
        raise ValueError("Give at least one sentence to average over.")
    encodings = tokenizer.encode_batch(sentences)
    return sum(len(e.tokens) for e in encodings) / len(sentences)


# --- The tokenizer playground's computation ----------------------------------


@dataclass(frozen=True)
class PlaygroundResult:
    """What the playground shows for one batch: per sentence, its tokens, ids and mask.

    `tokens`, `ids` and `attention_mask` are lists with one row per sentence (rows may have
    different lengths when padding is off). `notes` explain in words what happened;
    `problem` is set (and the rows are empty) when there is nothing to show.
    """

    tokens: list[list[str]] = field(default_factory=list)
    ids: list[list[int]] = field(default_factory=list)
    attention_mask: list[list[int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problem: str | None = None


def split_sentences(text: str) -> list[str]:
    """Return the non-blank lines of `text`: one sentence per line, as the playground reads it."""
    return [line for line in text.splitlines() if line.strip()]


def _clean(text: object) -> tuple[str | None, list[str]]:
    """Return `text` made safe by the course's one rule (helpers.text.clean_text), or None
    with the reason, and notes about what changed."""
    try:
        return clean_text(text)
    except TypeError as err:
        return None, [str(err)]


def _padding_argument(padding: object) -> str | bool | None:
    """Map the playground's padding choice to the tokenizer's `padding=` argument (None if unknown)."""
    return {"off": False, False: False, None: False, "longest": "longest", True: "longest",
            "max_length": "max_length"}.get(padding if isinstance(padding, (str, bool, type(None))) else "?")


def _problem_before_encoding(
    text: str, padding: object, truncation: bool, max_length: object, specials: int
) -> str | None:
    """Return a sentence explaining why this input cannot be encoded, or None if it can."""
    if text == "":
        return "Type a sentence in the box (one sentence per line) to see its tokens."
    if not text.strip():
        return ("Only spaces or line breaks: the tokenizer throws whitespace away, so there is "
                "nothing to turn into tokens. Type some words.")
    if _padding_argument(padding) is None:
        return f"padding must be one of {', '.join(PADDING_CHOICES)}, not {padding!r}."
    if not isinstance(max_length, int) or isinstance(max_length, bool) or max_length < 1:
        return f"max_length must be a whole number of tokens, at least 1 (got {max_length!r})."
    if truncation and max_length < specials:
        return (f"max_length={max_length} is smaller than the {specials} special tokens "
                f"([CLS] and [SEP]) every sentence needs: nothing can be kept. "
                f"Raise max_length to at least {specials + 1}.")
    return None


def _shorten(piece: str, limit: int = 20) -> str:
    """Return `piece`, cut to `limit` characters with an ellipsis if it is longer."""
    return piece if len(piece) <= limit else piece[:limit] + "…"


def _unk_notes(tokenizer, sentences, encoding) -> list[str]:
    """Return one note per sentence that has [UNK] tokens, quoting the text each one replaced."""
    notes = []
    for row, (sentence, ids) in enumerate(zip(sentences, encoding["input_ids"], strict=True)):
        spans = encoding["offset_mapping"][row]
        lost = [sentence[a:b] for i, (a, b) in zip(ids, spans, strict=True)
                if i == tokenizer.unk_token_id]
        if lost:
            quoted = ", ".join(repr(_shorten(piece)) for piece in lost[:5])
            notes.append(f"Sentence {row + 1}: {len(lost)} word(s) became [UNK] (unknown): "
                         f"{quoted}. A word that cannot be built from the vocabulary's pieces "
                         f"(or is over {_longest_word(tokenizer)} characters long) becomes one "
                         "[UNK] as a whole.")
    return notes


def _longest_word(tokenizer) -> int:
    """Return the longest word (in characters) WordPiece splits; longer ones become [UNK]."""
    return getattr(tokenizer.backend_tokenizer.model, "max_input_chars_per_word", 100)


def _length_notes(full_lengths, ids, padding, truncation, max_length, limit) -> list[str]:
    """Return notes about cut sentences, ragged rows and rows over the model's limit."""
    notes = []
    for row, (full, kept) in enumerate(zip(full_lengths, ids, strict=True)):
        if truncation and full > max_length:
            notes.append(f"Sentence {row + 1} was cut from {full} to {max_length} tokens "
                         f"(truncation): {full - max_length} token(s) lost.")
        elif not truncation and padding == "max_length" and full > max_length:
            notes.append(f"Sentence {row + 1} has {full} tokens, more than max_length="
                         f"{max_length}: padding never shortens a row. Switch truncation on.")
        if len(kept) > limit:
            notes.append(f"Sentence {row + 1} has {len(kept)} tokens, more than the model's "
                         f"limit of {limit}: the model would raise an error on it.")
    if len({len(row) for row in ids}) > 1:
        notes.append("The rows have different lengths, so they cannot be stacked into one "
                     "tensor (return_tensors='pt' would fail). Choose padding 'longest'.")
    return notes


def playground_encode(
    tokenizer: PreTrainedTokenizerBase,
    text: str,
    padding: str = "longest",
    truncation: bool = True,
    max_length: int = 16,
    add_special_tokens: bool = True,
) -> PlaygroundResult:
    """Return tokens, ids and attention mask for `text` (one sentence per line), with notes.

    `padding` is "off", "longest" or "max_length"; `max_length` is used for truncation and for
    padding="max_length". Never raises on odd input: it returns a result whose `problem` says
    in words what is wrong.
    """
    text, notes = _clean(text)
    if text is None:
        return PlaygroundResult(problem=notes[0])
    specials = tokenizer.num_special_tokens_to_add(pair=False) if add_special_tokens else 0
    problem = _problem_before_encoding(text, padding, truncation, max_length, specials)
    if problem:
        return PlaygroundResult(notes=notes, problem=problem)
    sentences = split_sentences(text)
    if len(sentences) > MAX_SENTENCES:
        notes.append(f"{len(sentences)} lines: the playground shows the first {MAX_SENTENCES}.")
        sentences = sentences[:MAX_SENTENCES]
    pad = _padding_argument(padding)
    use_max = truncation or pad == "max_length"
    encoding = tokenizer(
        sentences,
        padding=pad,
        truncation=bool(truncation),
        max_length=max_length if use_max else None,
        add_special_tokens=bool(add_special_tokens),
        return_offsets_mapping=True,
    )
    full_lengths = [len(ids) for ids in tokenizer(
        sentences, add_special_tokens=bool(add_special_tokens))["input_ids"]]
    if truncation and max_length == specials:
        notes.append(f"max_length={max_length} leaves room only for the special tokens: "
                     "every sentence lost all its words.")
    notes += _unk_notes(tokenizer, sentences, encoding)
    notes += _length_notes(full_lengths, encoding["input_ids"], pad, truncation, max_length,
                           tokenizer.model_max_length)
    return PlaygroundResult(
        tokens=[tokenizer.convert_ids_to_tokens(ids) for ids in encoding["input_ids"]],
        ids=[list(ids) for ids in encoding["input_ids"]],
        attention_mask=[list(mask) for mask in encoding["attention_mask"]],
        notes=notes,
    )


# --- Padding by hand: the reference of the write-a-function exercise --------------------


def pad_batch(rows: list[list[int]], pad_id: int) -> tuple[list[list[int]], list[list[int]]]:
    """Return (input_ids, attention_mask) for `rows` of ids padded on the right to the longest.

    Both have shape (len(rows), longest); the mask is 1 on real ids and 0 on padding. An empty
    batch gives ([], []). The rows given are not changed."""
    longest = max((len(row) for row in rows), default=0)
    input_ids = [list(row) + [pad_id] * (longest - len(row)) for row in rows]
    attention_mask = [[1] * len(row) + [0] * (longest - len(row)) for row in rows]
    return input_ids, attention_mask
