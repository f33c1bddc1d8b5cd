"""Contextual vectors and sentence embeddings (lesson 2, sections 8 and 9): the model's output
for a word inside a sentence (the controlled `bank` experiment), mean pooling, and a small
semantic search.

Shapes: `d` = `model.config.hidden_size`; a batch of sentences padded to `n` tokens gives
states of shape (batch, n, d).
"""

import torch
import torch.nn.functional as F

from helpers.embeddings.vectors import as_text_list, word_pieces
from helpers.text import clean_text

# The controlled `bank` experiment: `bank` is token 5 (after [CLS]) in all six sentences, so
# the senses differ but the position does not. The prefix moves it 4 tokens later.
BANK_SENTENCES = {
    "river": ["We walked along the bank of the river.", "Ducks swam near the bank of the lake.",
              "Fish hid under the bank of the stream."],
    "money": ["We walked into the bank to get cash.", "She went to the bank for a loan.",
              "He paid into the bank account today."],
}
BANK_SHIFT_PREFIX = "Early this morning, "

# Section 9's sentences: three pairs with the same meaning in different words.
SEARCH_SENTENCES = [
    "A cat is sleeping on the sofa.",
    "A kitten naps on the couch.",
    "The stock market fell sharply today.",
    "Share prices dropped this morning.",
    "He is cooking pasta for dinner.",
    "She bakes bread every weekend.",
]


def shifted(sentence: str, prefix: str = BANK_SHIFT_PREFIX) -> str:
    """Return `sentence` with `prefix` in front (its first letter lower-cased)."""
    return prefix + sentence[:1].lower() + sentence[1:]


def _encode(sentences: list[str], tokenizer) -> dict:
    return tokenizer(sentences, padding=True, truncation=True, return_tensors="pt")


def _start_of(pieces: list[str], tokens: list[str], word: str, pad: str) -> int:
    """Return where `pieces` first occur in `tokens`; raise a ValueError naming the tokens."""
    for i in range(len(tokens) - len(pieces) + 1):
        if pieces and tokens[i : i + len(pieces)] == pieces:
            return i
    shown = [t for t in tokens if t != pad]
    raise ValueError(f"{word[:40]!r} (tokens {pieces}) is not in the sentence's tokens {shown}.")


def word_positions(sentences: list[str], word: str, tokenizer) -> list[int]:
    """Return the token index ([CLS] = 0) where `word` first starts in each sentence."""
    sentences, pieces = as_text_list(sentences), word_pieces(word, tokenizer)
    ids = _encode(sentences, tokenizer)["input_ids"].tolist()
    return [_start_of(pieces, tokenizer.convert_ids_to_tokens(row), word, tokenizer.pad_token)
            for row in ids]


def contextual_vectors(sentences: list[str], word: str, tokenizer, model) -> torch.Tensor:
    """Return the model's output vector for `word` in each sentence (mean over the word's pieces,
    first occurrence), computed in one batch; shape (len(sentences), d)."""
    sentences, pieces = as_text_list(sentences), word_pieces(word, tokenizer)
    batch = _encode(sentences, tokenizer)
    starts = [_start_of(pieces, tokenizer.convert_ids_to_tokens(row), word, tokenizer.pad_token)
              for row in batch["input_ids"].tolist()]
    with torch.no_grad():
        states = model(**batch).last_hidden_state  # shape: (batch, n, d)
    return torch.stack([states[row, s : s + len(pieces)].mean(dim=0) for row, s in enumerate(starts)])


def contextual_vector(sentence: str, word: str, tokenizer, model) -> torch.Tensor:
    """Return the model's output vector for `word` inside `sentence` (mean over its pieces), (d,)."""
    return contextual_vectors([sentence], word, tokenizer, model)[0]


def mean_pool(states: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Average token vectors (batch, n, d) over real tokens (mask 1), shape (batch, d)."""
    mask = attention_mask.unsqueeze(-1).to(states.dtype)  # shape (batch, n, 1)
    return (states * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)


def sentence_embeddings(sentences: list[str], tokenizer, model) -> torch.Tensor:
    """Return mean-pooled sentence vectors, shape (len(sentences), d) (not normalised)."""
    batch = _encode(as_text_list(sentences), tokenizer)
    with torch.no_grad():
        states = model(**batch).last_hidden_state
    return mean_pool(states, batch["attention_mask"])


def semantic_search(query: str, sentences: list[str], tokenizer, model) -> list[tuple[float, str]]:
    """Return (cosine similarity, sentence) for every sentence, most similar to `query` first."""
    vectors = sentence_embeddings([clean_text(query, "query")[0], *sentences], tokenizer, model)
    sims = F.cosine_similarity(vectors[:1], vectors[1:], dim=1).tolist()
    return sorted(zip(sims, sentences, strict=True), key=lambda pair: -pair[0])
