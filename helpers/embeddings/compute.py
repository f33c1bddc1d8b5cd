"""Embeddings (lesson 2): word vectors, 2D maps, meaning profiles, contextual and sentence vectors.

Shapes: `d` is the model's hidden size (384 for all-MiniLM-L6-v2), `V` its vocabulary (30522).
Static word vectors are rows of the input-embedding matrix `(V, d)`; a word that splits into
several WordPiece tokens gets the mean of its pieces' rows.
"""

import csv
import math
from dataclasses import dataclass
from functools import cache

import torch
import torch.nn.functional as F

from helpers.paths import DATA_DIR

# --- Course data -------------------------------------------------------------


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_cities() -> list[dict]:
    """Return the cities table: dicts with name, country, latitude, longitude (floats)."""
    rows = _read_csv("cities.csv")
    return [
        {**r, "latitude": float(r["latitude"]), "longitude": float(r["longitude"])} for r in rows
    ]


def load_word_groups() -> dict[str, list[str]]:
    """Return {group: [words]} from data/word_groups.csv, in file order."""
    groups: dict[str, list[str]] = {}
    for row in _read_csv("word_groups.csv"):
        groups.setdefault(row["group"], []).append(row["word"])
    return groups


def load_aspect_seeds() -> dict[str, list[str]]:
    """Return {aspect: [seed words]} from data/aspect_seeds.csv, in file order."""
    seeds: dict[str, list[str]] = {}
    for row in _read_csv("aspect_seeds.csv"):
        seeds.setdefault(row["aspect"], []).append(row["word"])
    return seeds


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the distance in km between two points on Earth (haversine, radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


# --- Model access for checks and tests (loaded once per process) -------------


@cache
def course_encoder():
    """Return (tokenizer, model) of the course, loaded once and shared by checks and tests."""
    from helpers.models import load_model, load_tokenizer

    return load_tokenizer(), load_model()


def embedding_matrix(model) -> torch.Tensor:
    """Return the input-embedding table as a plain tensor, shape (V, d)."""
    return model.get_input_embeddings().weight.detach()


# --- Static word vectors -----------------------------------------------------


def _has_lone_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def valid_text(text, what: str = "text") -> str:
    """Return `text` if the tokenizer can read it; else raise an error that says what to fix."""
    if not isinstance(text, str):
        raise TypeError(f"The {what} must be a string (text), not a {type(text).__name__}.")
    if _has_lone_surrogate(text):
        raise ValueError(
            f"The {what} contains a lone UTF-16 surrogate (a broken half of a character, such "
            "as '\\ud800'), which is not valid text: remove it or retype the text."
        )
    return text


def valid_texts(texts, what: str = "sentences") -> list[str]:
    """Return `texts` as a list of valid strings; raise a clear error if it is empty or bad."""
    texts = list(texts) if isinstance(texts, list | tuple) else texts
    if not isinstance(texts, list) or not texts:
        raise ValueError(f"Give a non-empty list of {what} (got {texts!r:.40}).")
    return [valid_text(t, what[:-1] if what.endswith("s") else what) for t in texts]


def word_pieces(word: str, tokenizer) -> list[str]:
    """Return the WordPiece tokens of `word` (no [CLS]/[SEP]), e.g. ['emb', '##ed', '##ding']."""
    return tokenizer.tokenize(valid_text(word, "word"))


def word_vector(word: str, tokenizer, matrix: torch.Tensor) -> torch.Tensor:
    """Return the static vector of `word`: its row, or the mean of its pieces' rows; shape (d,)."""
    ids = tokenizer(valid_text(word, "word"), add_special_tokens=False)["input_ids"]
    if not ids:
        raise ValueError(f"{word!r} has no tokens: give a word with at least one letter or digit.")
    return matrix[ids].mean(dim=0)


def word_vectors(words: list[str], tokenizer, matrix: torch.Tensor) -> torch.Tensor:
    """Return the static vectors of `words` stacked, shape (len(words), d)."""
    words = valid_texts(words, "words")
    return torch.stack([word_vector(w, tokenizer, matrix) for w in words])


def cosine_matrix(vectors: torch.Tensor) -> torch.Tensor:
    """Return all pairwise cosine similarities, shape (n, n)."""
    unit = F.normalize(vectors, dim=1)
    return unit @ unit.T


def cosine(a: torch.Tensor, b: torch.Tensor) -> float:
    """Return the cosine similarity of two vectors of shape (d,) as a float."""
    return F.cosine_similarity(a, b, dim=0).item()


def nearest_in_list(vectors: torch.Tensor, words: list[str]) -> list[str]:
    """Return, for each row of `vectors` (n, d), the most cosine-similar *other* word of `words`."""
    sims = cosine_matrix(vectors).fill_diagonal_(-2.0)
    return [words[j] for j in sims.argmax(dim=1).tolist()]


# --- Projection to 2D ------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """A fitted PCA: mean (d,), components (k, d) with unit rows, explained_ratio (k,)."""

    mean: torch.Tensor
    components: torch.Tensor
    explained_ratio: torch.Tensor

    def __call__(self, vectors: torch.Tensor) -> torch.Tensor:
        """Return the coordinates of `vectors` (n, d) on the components, shape (n, k)."""
        return (vectors - self.mean) @ self.components.T


def fit_pca(vectors: torch.Tensor, k: int = 2) -> Projection:
    """Fit PCA with k components by SVD of the centred data; each component's sign is fixed
    so that its largest-magnitude entry is positive (the convention scikit-learn uses)."""
    mean = vectors.mean(dim=0)
    _, s, vt = torch.linalg.svd(vectors - mean, full_matrices=False)
    components = vt[:k]
    signs = torch.sign(components.gather(1, components.abs().argmax(dim=1, keepdim=True)))
    variance = s**2
    return Projection(mean, components * signs, (variance / variance.sum())[:k])


def align_signs(coords: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
    """Flip columns of `coords` (n, k) whose sign disagrees with `reference` (n, k)."""
    signs = torch.sign((coords * reference).sum(dim=0))
    signs[signs == 0] = 1
    return coords * signs


def neighbour_agreement(vectors: torch.Tensor, coords: torch.Tensor) -> float:
    """Return the share of points whose nearest neighbour is the same in full space (cosine)
    and on the map (Euclidean distance in 2D)."""
    full = cosine_matrix(vectors).fill_diagonal_(-2.0).argmax(dim=1)
    flat = torch.cdist(coords, coords).fill_diagonal_(float("inf")).argmin(dim=1)
    return (full == flat).float().mean().item()


# --- Meaning profiles ------------------------------------------------------------


def aspect_directions(seeds: dict[str, list[str]], tokenizer, matrix) -> dict[str, torch.Tensor]:
    """Return {aspect: mean of its seed words' vectors}, each of shape (d,)."""
    return {a: word_vectors(ws, tokenizer, matrix).mean(dim=0) for a, ws in seeds.items()}


def profile(vector: torch.Tensor, directions: dict[str, torch.Tensor]) -> dict[str, float]:
    """Return {aspect: cosine similarity of `vector` (d,) with that aspect's direction}."""
    return {a: cosine(vector, d) for a, d in directions.items()}


# --- Nearest neighbours in the vocabulary ------------------------------------


@cache
def _whole_word_mask(tokenizer) -> torch.Tensor:
    vocab = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
    return torch.tensor([t.isascii() and t.isalpha() for t in vocab])


def vocabulary_neighbours(
    vector: torch.Tensor,
    tokenizer,
    matrix: torch.Tensor,
    k: int = 5,
    exclude: tuple = (),
    normalised: bool = False,
) -> list[tuple[str, float]]:
    """Return the k vocabulary tokens (whole words in a-z only) most cosine-similar to `vector`,
    as (token, similarity) pairs, best first, skipping the tokens in `exclude`.
    Pass normalised=True if the rows of `matrix` already have length 1 (faster)."""
    unit_rows = matrix if normalised else F.normalize(matrix, dim=1)
    sims = unit_rows @ F.normalize(vector, dim=0)  # shape (V,)
    sims = sims.masked_fill(~_whole_word_mask(tokenizer), -2.0)
    for token in exclude:
        if not isinstance(token, str) or _has_lone_surrogate(token):
            continue  # not a token of any vocabulary: nothing to exclude
        token_id = tokenizer.convert_tokens_to_ids(token)
        if token_id != tokenizer.unk_token_id:
            sims[token_id] = -2.0
    top = sims.topk(k)
    return list(
        zip(tokenizer.convert_ids_to_tokens(top.indices.tolist()), top.values.tolist(), strict=True)
    )


# --- Contextual vectors and sentence embeddings ------------------------------


def token_states(sentence: str, tokenizer, model) -> tuple[list[str], torch.Tensor]:
    """Return the sentence's tokens and the model's output vectors, shape (num_tokens, d)."""
    batch = tokenizer(valid_text(sentence, "sentence"), return_tensors="pt", truncation=True)
    with torch.no_grad():
        states = model(**batch).last_hidden_state[0]
    return tokenizer.convert_ids_to_tokens(batch["input_ids"][0].tolist()), states


def contextual_vectors(sentences: list[str], word: str, tokenizer, model) -> torch.Tensor:
    """Return the model's output vector for `word` in each sentence (mean over the word's pieces,
    first occurrence), computed in one batch; shape (len(sentences), d)."""
    sentences = valid_texts(sentences, "sentences")
    pieces = word_pieces(word, tokenizer)
    batch = tokenizer(sentences, padding=True, truncation=True, return_tensors="pt")
    with torch.no_grad():
        states = model(**batch).last_hidden_state  # shape: (batch, seq, d)
    vectors = []
    for row, ids in enumerate(batch["input_ids"].tolist()):
        tokens = tokenizer.convert_ids_to_tokens(ids)
        starts = [
            i for i in range(len(tokens) - len(pieces) + 1) if tokens[i : i + len(pieces)] == pieces
        ]
        if not pieces or not starts:
            shown = [t for t in tokens if t != tokenizer.pad_token]
            raise ValueError(f"{word!r} (tokens {pieces}) is not in the sentence's tokens {shown}.")
        vectors.append(states[row, starts[0] : starts[0] + len(pieces)].mean(dim=0))
    return torch.stack(vectors)


def contextual_vector(sentence: str, word: str, tokenizer, model) -> torch.Tensor:
    """Return the model's output vector for `word` inside `sentence` (mean over its pieces), (d,)."""
    return contextual_vectors([sentence], word, tokenizer, model)[0]


def mean_pool(states: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Average token vectors (batch, seq, d) over real tokens (mask 1), shape (batch, d)."""
    mask = attention_mask.unsqueeze(-1).to(states.dtype)  # shape (batch, seq, 1)
    return (states * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)


def sentence_embeddings(sentences: list[str], tokenizer, model) -> torch.Tensor:
    """Return mean-pooled sentence vectors, shape (len(sentences), d) (not normalised)."""
    sentences = valid_texts(sentences, "sentences")
    batch = tokenizer(sentences, padding=True, truncation=True, return_tensors="pt")
    with torch.no_grad():
        states = model(**batch).last_hidden_state
    return mean_pool(states, batch["attention_mask"])


def semantic_search(query: str, sentences: list[str], tokenizer, model) -> list[tuple[float, str]]:
    """Return (cosine similarity, sentence) for every sentence, most similar to `query` first."""
    vectors = sentence_embeddings([valid_text(query, "query"), *sentences], tokenizer, model)
    sims = F.cosine_similarity(vectors[:1], vectors[1:], dim=1).tolist()
    return sorted(zip(sims, sentences, strict=True), key=lambda pair: -pair[0])


# --- The embedding map explorer's computation (the widget only calls this) ------

MAX_WORDS = 20
MAX_CHARS = 2000
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


def parse_word_list(text, max_words: int = MAX_WORDS, max_chars: int = MAX_CHARS):
    """Split comma-separated `text` into distinct words; return (words, messages)."""
    if not isinstance(text, str):
        return [], [f"Type words as text separated by commas (got a {type(text).__name__})."]
    messages = []
    if len(text) > max_chars:
        messages.append(f"That is {len(text):,} characters; only the first {max_chars:,} are read.")
        text = text[:max_chars]
    if _has_lone_surrogate(text):
        messages.append("Some characters were broken halves of a character; they became �.")
        text = "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    for sep in SEPARATORS[1:]:
        text = text.replace(sep, ",")
    entries = [e.strip() for e in text.split(",")]
    entries = [e for e in entries if e]
    if not entries:
        return [], messages + [
            "Type one or more words separated by commas, e.g. kitten, tram, noodle."
        ]
    words, seen = [], {}
    for entry in entries:
        key = entry.lower()
        seen[key] = seen.get(key, 0) + 1
        if seen[key] == 1:
            words.append(entry)
    repeated = [w for w in words if seen[w.lower()] > 1]
    if repeated:
        messages.append("Placed once each (typed more than once): " + ", ".join(repeated) + ".")
    if len(words) > max_words:
        messages.append(
            f"You typed {len(words)} different words; the map shows the first {max_words} "
            "so that the labels stay readable."
        )
        words = words[:max_words]
    return words, messages


def explore_words(text, word_map: WordMap, k: int = 5) -> Exploration:
    """Place the words of `text` (comma-separated) on the reference map, with their neighbours.

    Never raises on odd input: every problem becomes a message."""
    words, messages = parse_word_list(text)
    tokenizer, unk = word_map.tokenizer, word_map.tokenizer.unk_token
    placed = []
    for word in words:
        pieces = word_pieces(word, tokenizer)
        known = [p for p in pieces if p != unk]
        if not known:
            messages.append(
                f"“{word[:40]}” is unknown to the vocabulary (the tokenizer turns it into "
                f"{'[UNK]' if pieces else 'nothing'}), so it has no vector: skipped."
            )
            continue
        if len(known) < len(pieces):
            messages.append(f"“{word}”: the pieces the vocabulary lacks ([UNK]) are left out.")
        if len(known) > 1:
            messages.append(
                f"“{word}” is not one token: it splits into {' + '.join(known)}; its point is "
                f"the average of those {len(known)} rows."
            )
        ids = tokenizer.convert_tokens_to_ids(known)
        vector = word_map.matrix[ids].mean(dim=0)  # shape (d,)
        xy = word_map.projection(vector[None])[0].tolist()
        neighbours = vocabulary_neighbours(
            vector, tokenizer, word_map.unit_matrix, k=k, exclude=tuple(known), normalised=True
        )
        placed.append(PlacedWord(word, known, (xy[0], xy[1]), neighbours))
    if len(placed) == 1 and len(words) == 1:
        messages.append(
            "Only one word: it is placed among the reference words. Add more, separated by "
            "commas, to compare them with each other."
        )
    return Exploration(placed, messages)
