"""What enters layer 0 (lesson 2, section 7): word + position + token-type embedding, then
LayerNorm (dropout is off in eval mode), and why a transformer needs the positions at all.
The sum and the LayerNorm are written out in the notebook itself (the teaching code); tests
recompute them (tests/embeddings/embeddings_support.py).

Shapes: `n` tokens, `d` = `model.config.hidden_size`; the tables are (V, d) for words,
(`config.max_position_embeddings`, d) for positions and (`config.type_vocab_size`, d) for
token types (sentence A or B).
"""

import torch
import torch.nn.functional as F


def embedding_tables(model) -> dict[str, torch.Tensor]:
    """Return the three tables that build the input of layer 0, by name, each (rows, d)."""
    embeddings = model.embeddings
    return {
        "word_embeddings": embeddings.word_embeddings.weight.detach(),
        "position_embeddings": embeddings.position_embeddings.weight.detach(),
        "token_type_embeddings": embeddings.token_type_embeddings.weight.detach(),
    }


def layer0_inputs(texts, tokenizer, model) -> tuple[list[list[str]], torch.Tensor]:
    """Return the tokens of each text and what enters layer 0 for them, (batch, n, d)."""
    batch = tokenizer(list(texts), padding=True, truncation=True, return_tensors="pt")
    with torch.no_grad():
        states = model.embeddings(input_ids=batch["input_ids"],
                                  token_type_ids=batch["token_type_ids"])
    tokens = [tokenizer.convert_ids_to_tokens(ids) for ids in batch["input_ids"].tolist()]
    return tokens, states


def position_similarity(model, count: int | None = None) -> torch.Tensor:
    """Return the cosine similarity of the first `count` position embeddings (all if None),
    shape (count, count)."""
    table = embedding_tables(model)["position_embeddings"]
    unit = F.normalize(table[:count], dim=1)
    return unit @ unit.T


def attention_step(x: torch.Tensor, model, layer: int = 0) -> torch.Tensor:
    """Run the self-attention block of `layer` (all heads, its output projection, residual and
    LayerNorm) on one sequence of vectors `x` (n, d); return (n, d)."""
    with torch.no_grad():
        return model.encoder.layer[layer].attention(x[None])[0][0]


def similarity_by_distance(model, skip_first: bool = True) -> torch.Tensor:
    """Return the mean cosine between position rows k apart, for k = 1 .. P-1 (P rows; row 0,
    always [CLS], left out if `skip_first`), shape (P-1,) or (P-2,)."""
    sims = position_similarity(model)[int(skip_first):, int(skip_first):]
    return torch.stack([torch.diagonal(sims, k).mean() for k in range(1, sims.shape[0])])
