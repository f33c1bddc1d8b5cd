"""The embedding map explorer's computation (lesson 2, section 10); the widget only calls this.

The reference map is computed once (`build_word_map`); `explore_words` places a student's
comma-separated words on it, with their nearest vocabulary neighbours, and explains in words
whatever it cannot place. Shapes: `d` = `model.config.hidden_size`, `V` = vocabulary size.
"""

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from helpers.embeddings.vectors import (
    Projection,
    embedding_matrix,
    fit_pca,
    load_word_groups,
    vocabulary_neighbours,
    word_pieces,
    word_vectors,
)
from helpers.text import MAX_CHARS, clean_text

MAX_WORDS = 20
SEPARATORS = (",", "\uff0c", "\u3001", ";", "\n")  # comma, full-width comma, ideographic comma


@dataclass(frozen=True)
class WordMap:
    """The reference map, computed once: words, their groups, vectors (n, d), the fitted
    projection, coords (n, 2), plus the tokenizer, the embedding rows (V, d) and their unit-length copy."""

    words: list[str]
    groups: list[str]
    vectors: torch.Tensor
    projection: Projection
    coords: torch.Tensor
    tokenizer: object
    matrix: torch.Tensor
    unit_matrix: torch.Tensor


def build_word_map(tokenizer, model, groups: dict[str, list[str]] | None = None) -> WordMap:
    """Return the reference WordMap of the course's word groups (static input embeddings)."""
    groups = groups or load_word_groups()
    matrix = embedding_matrix(model)
    words = [w for ws in groups.values() for w in ws]
    labels = [g for g, ws in groups.items() for _ in ws]
    vectors = word_vectors(words, tokenizer, matrix)
    projection = fit_pca(vectors, k=2)
    unit = F.normalize(matrix, dim=1)
    return WordMap(words, labels, vectors, projection, projection(vectors), tokenizer, matrix, unit)


@dataclass(frozen=True)
class PlacedWord:
    """One student word on the map: its pieces, 2D coords, and vocabulary neighbours."""

    word: str
    pieces: list[str]
    coords: tuple[float, float]
    neighbours: list[tuple[str, float]]


@dataclass(frozen=True)
class Exploration:
    """What the explorer shows: the placed words and messages (in words) about the input."""

    placed: list[PlacedWord]
    messages: list[str]


def _distinct(entries: list[str]) -> tuple[list[str], list[str]]:
    """Return the entries once each (first spelling, case-insensitive) and those typed twice."""
    words, seen = [], {}
    for entry in entries:
        key = entry.lower()
        seen[key] = seen.get(key, 0) + 1
        if seen[key] == 1:
            words.append(entry)
    return words, [w for w in words if seen[w.lower()] > 1]


def parse_word_list(text, max_words: int = MAX_WORDS, max_chars: int = MAX_CHARS):
    """Split comma-separated `text` into distinct words; return (words, messages)."""
    if not isinstance(text, str):
        return [], [f"Type words as text separated by commas (got a {type(text).__name__})."]
    text, messages = clean_text(text, "list of words", max_chars)
    for sep in SEPARATORS[1:]:
        text = text.replace(sep, ",")
    entries = [e.strip() for e in text.split(",") if e.strip()]
    if not entries:
        return [], messages + ["Type one or more words separated by commas, e.g. kitten, tram, noodle."]
    words, repeated = _distinct(entries)
    if repeated:
        messages.append("Placed once each (typed more than once): " + ", ".join(repeated) + ".")
    if len(words) > max_words:
        messages.append(f"You typed {len(words)} different words; the map shows the first "
                        f"{max_words} so that the labels stay readable.")
        words = words[:max_words]
    return words, messages


def _known_pieces(word: str, tokenizer, messages: list[str]) -> list[str]:
    """Return the pieces of `word` the vocabulary has, adding a message for anything odd."""
    pieces = word_pieces(word, tokenizer)
    known = [p for p in pieces if p != tokenizer.unk_token]
    if not known:
        messages.append(f"“{word[:40]}” is unknown to the vocabulary (the tokenizer turns it into "
                        f"{'[UNK]' if pieces else 'nothing'}), so it has no vector: skipped.")
    elif len(known) < len(pieces):
        messages.append(f"“{word}”: the pieces the vocabulary lacks ([UNK]) are left out.")
    if len(known) > 1:
        messages.append(f"“{word}” is not one token: it splits into {' + '.join(known)}; its "
                        f"point is the average of those {len(known)} rows.")
    return known


def explore_words(text, word_map: WordMap, k: int = 5) -> Exploration:
    """Place the words of `text` (comma-separated) on the reference map, with their neighbours.

    Never raises on odd input: every problem becomes a message."""
    words, messages = parse_word_list(text)
    tokenizer = word_map.tokenizer
    placed = []
    for word in words:
        known = _known_pieces(word, tokenizer, messages)
        if not known:
            continue
        vector = word_map.matrix[tokenizer.convert_tokens_to_ids(known)].mean(dim=0)  # shape (d,)
        xy = word_map.projection(vector[None])[0].tolist()
        neighbours = vocabulary_neighbours(vector, tokenizer, word_map.unit_matrix, k=k,
                                           exclude=tuple(known), normalised=True)
        placed.append(PlacedWord(word, known, (xy[0], xy[1]), neighbours))
    if len(placed) == 1 and len(words) == 1:
        messages.append("Only one word: it is placed among the reference words. Add more, "
                        "separated by commas, to compare them with each other.")
    return Exploration(placed, messages)
