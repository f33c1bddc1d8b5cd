"""Static word vectors (lesson 2, sections 1-6): the course data, rows of the word-embedding
table, cosine similarity, a 2D map (PCA) and vocabulary neighbours (the meaning profiles of section 5
are computed in the notebook itself).

Shapes: `d` is the model's hidden size (`model.config.hidden_size`, 384 here), `V` its
vocabulary (`model.config.vocab_size`, 30522). A word that splits into several WordPiece
tokens gets the mean of its pieces' rows.
"""

import csv
import math
from dataclasses import dataclass
from functools import cache

import torch
import torch.nn.functional as F

from helpers.paths import DATA_DIR
from helpers.text import clean_text

# --- Course data (helpers/data/) -----------------------------------------------------


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_cities() -> list[dict]:
    """Return the cities table: dicts with name, country, latitude, longitude (floats)."""
    rows = _read_csv("cities.csv")
    return [{**r, "latitude": float(r["latitude"]), "longitude": float(r["longitude"])} for r in rows]


def _grouped(name: str, key: str) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for row in _read_csv(name):
        grouped.setdefault(row[key], []).append(row["word"])
    return grouped


def load_word_groups() -> dict[str, list[str]]:
    """Return {group: [words]} from word_groups.csv, in file order."""
    return _grouped("word_groups.csv", "group")


def load_aspect_seeds() -> dict[str, list[str]]:
    """Return {aspect: [seed words]} from aspect_seeds.csv, in file order."""
    return _grouped("aspect_seeds.csv", "aspect")


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the distance in km between two points on Earth (haversine, radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


# --- Static word vectors ----------------------------------------------------------------


def embedding_matrix(model) -> torch.Tensor:
    """Return the word-embedding table as a plain tensor, shape (V, d)."""
    return model.get_input_embeddings().weight.detach()


def word_pieces(word: str, tokenizer) -> list[str]:
    """Return the WordPiece tokens of `word` (no [CLS]/[SEP]), e.g. ['em', '##bed', '##ding']."""
    return tokenizer.tokenize(clean_text(word, "word")[0])


def word_vector(word: str, tokenizer, matrix: torch.Tensor) -> torch.Tensor:
    """Return the static vector of `word`: its row, or the mean of its pieces' rows; shape (d,)."""
    ids = tokenizer(clean_text(word, "word")[0], add_special_tokens=False)["input_ids"]
    if not ids:
        raise ValueError(f"{word[:40]!r} has no tokens: give a word with at least one letter or digit.")
    return matrix[ids].mean(dim=0)


def as_text_list(texts, what: str = "sentences") -> list[str]:
    """Return `texts` (a list or tuple of strings) cleaned by the course's one text rule;
    raise a clear ValueError if it is empty or not a list."""
    if not isinstance(texts, list | tuple) or not texts:
        raise ValueError(f"Give a non-empty list of {what} (got {texts!r:.40}).")
    return [clean_text(t, what.rstrip("s"))[0] for t in texts]


def word_vectors(words: list[str], tokenizer, matrix: torch.Tensor) -> torch.Tensor:
    """Return the static vectors of `words` stacked, shape (len(words), d)."""
    return torch.stack([word_vector(w, tokenizer, matrix) for w in as_text_list(words, "words")])


def cosine_matrix(vectors: torch.Tensor) -> torch.Tensor:
    """Return all pairwise cosine similarities of the rows of `vectors` (n, d), shape (n, n)."""
    unit = F.normalize(vectors, dim=1)
    return unit @ unit.T


def nearest_in_list(vectors: torch.Tensor, words: list[str]) -> list[str]:
    """Return, for each row of `vectors` (n, d), the most cosine-similar *other* word of `words`."""
    sims = cosine_matrix(vectors)
    sims.fill_diagonal_(-2.0)  # a word is not its own neighbour
    return [words[j] for j in sims.argmax(dim=1).tolist()]


def nearest_on_map(coords: torch.Tensor, words: list[str]) -> list[str]:
    """Return, for each point of `coords` (n, 2), the *other* word nearest on the map (Euclidean)."""
    distances = torch.cdist(coords, coords)
    distances.fill_diagonal_(float("inf"))  # a word is not its own neighbour
    return [words[j] for j in distances.argmin(dim=1).tolist()]


def mean_similarity(sims: torch.Tensor, rows: list[int], cols: list[int]) -> float:
    """Return the mean of sims[i, j] (sims: (n, n)) over i in `rows`, j in `cols`, i != j."""
    values = [sims[i, j].item() for i in rows for j in cols if i != j]
    return sum(values) / len(values)


# --- Projection to 2D -----------------------------------------------------------------


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


# --- Nearest neighbours in the vocabulary -------------------------------------------------


@cache
def _whole_word_mask(tokenizer) -> torch.Tensor:
    vocab = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
    return torch.tensor([t.isascii() and t.isalpha() for t in vocab])


def vocabulary_neighbours(vector: torch.Tensor, tokenizer, matrix: torch.Tensor, k: int = 5,
                          exclude: tuple = (), normalised: bool = False) -> list[tuple[str, float]]:
    """Return the k vocabulary tokens (whole words in a-z only) most cosine-similar to `vector`,
    as (token, similarity) pairs, best first, skipping the tokens in `exclude`.
    Pass normalised=True if the rows of `matrix` (V, d) already have length 1 (faster)."""
    unit_rows = matrix if normalised else F.normalize(matrix, dim=1)
    sims = unit_rows @ F.normalize(vector, dim=0)  # shape (V,)
    sims = sims.masked_fill(~_whole_word_mask(tokenizer), -2.0)
    for token in exclude:
        if not isinstance(token, str):
            continue  # not a token of any vocabulary: nothing to exclude
        token_id = tokenizer.convert_tokens_to_ids(clean_text(token, "token")[0])
        if token_id != tokenizer.unk_token_id:
            sims[token_id] = -2.0
    top = sims.topk(k)
    tokens = tokenizer.convert_ids_to_tokens(top.indices.tolist())
    return list(zip(tokens, top.values.tolist(), strict=True))
