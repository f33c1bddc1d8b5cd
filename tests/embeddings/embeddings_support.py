"""Test-only helpers of lesson 2 (the lesson never calls them, so they live here, not in
helpers/): sign alignment of two PCAs, neighbour agreement of a map, a sentence's states, and
the computations the notebook writes out in its cells (profiles, the embedding sum by hand)."""

import torch
import torch.nn.functional as F

from helpers.embeddings.compute import cosine_matrix, embedding_tables, nearest_on_map, word_vectors
from helpers.text import clean_text


def align_signs(coords: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
    """Flip columns of `coords` (n, k) whose sign disagrees with `reference` (n, k)."""
    signs = torch.sign((coords * reference).sum(dim=0))
    signs[signs == 0] = 1
    return coords * signs


def neighbour_agreement(vectors: torch.Tensor, coords: torch.Tensor) -> float:
    """Return the share of points whose nearest neighbour is the same in full space (cosine)
    and on the map (Euclidean distance in 2D)."""
    sims = cosine_matrix(vectors).fill_diagonal_(-2.0)
    names = list(range(len(vectors)))
    flat = nearest_on_map(coords, names)
    return sum(int(a) == b for a, b in zip(sims.argmax(dim=1).tolist(), flat, strict=True)) / len(names)


def token_states(sentence: str, tokenizer, model) -> tuple[list[str], torch.Tensor]:
    """Return the sentence's tokens and the model's output vectors, shape (num_tokens, d)."""
    batch = tokenizer(clean_text(sentence, "sentence")[0], return_tensors="pt", truncation=True)
    with torch.no_grad():
        states = model(**batch).last_hidden_state[0]
    return tokenizer.convert_ids_to_tokens(batch["input_ids"][0].tolist()), states


def cosine(a: torch.Tensor, b: torch.Tensor) -> float:
    """Return the cosine similarity of two vectors of shape (d,) as a float."""
    return F.cosine_similarity(a, b, dim=0).item()


def aspect_directions(seeds: dict[str, list[str]], tokenizer, matrix) -> dict[str, torch.Tensor]:
    """Return {aspect: mean of its seed words' vectors}, each (d,), as section 5 builds them."""
    return {a: word_vectors(ws, tokenizer, matrix).mean(dim=0) for a, ws in seeds.items()}


def profile(vector: torch.Tensor, directions: dict[str, torch.Tensor]) -> dict[str, float]:
    """Return {aspect: cosine similarity of `vector` (d,) with that aspect's direction}."""
    return {a: cosine(vector, d) for a, d in directions.items()}


def embed_by_hand(input_ids: torch.Tensor, token_type_ids: torch.Tensor, model) -> torch.Tensor:
    """The notebook's section 7 computation: LayerNorm(word + position + token type) from the
    three tables and the LayerNorm's weights; ids (batch, n) -> (batch, n, d)."""
    tables = embedding_tables(model)
    positions = torch.arange(input_ids.shape[-1])
    summed = (tables["word_embeddings"][input_ids] + tables["position_embeddings"][positions]
              + tables["token_type_embeddings"][token_type_ids])
    norm = model.embeddings.LayerNorm
    mean = summed.mean(dim=-1, keepdim=True)
    variance = summed.var(dim=-1, unbiased=False, keepdim=True)
    normalised = (summed - mean) / torch.sqrt(variance + model.config.layer_norm_eps)
    return normalised * norm.weight.detach() + norm.bias.detach()


def without_positions(input_ids: torch.Tensor, model) -> torch.Tensor:
    """The notebook's `enter_layer0(ids, with_positions=False)`: LayerNorm(word + token type 0)
    for ids (n,), shape (n, d)."""
    tables = embedding_tables(model)
    with torch.no_grad():
        return model.embeddings.LayerNorm(tables["word_embeddings"][input_ids]
                                          + tables["token_type_embeddings"][0])
