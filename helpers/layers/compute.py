"""A whole encoder layer, and the whole encoder, reproduced from the model's weights.

Lesson 4 (notebooks/04_inside_a_layer.ipynb), sections 2 (the heads' outputs), 3-4 (one
layer by hand, with and without residuals), 5 (six layers from the ids), 6 (causal) and the
parameter counts of the exercises. Every
step is a matrix product, a softmax, a GELU or a LayerNorm applied to the weights stored in
the model; nothing calls the model's own modules. The notebook writes the same steps out
cell by cell; tests/layers/ checks that both equal the model's outputs.
"""

import torch
import torch.nn.functional as F

from helpers.attention.compute import attention, causal_mask, merge_heads, padding_mask, split_heads


def linear(x: torch.Tensor, module: torch.nn.Linear) -> torch.Tensor:
    """Return x W^T + b with the weight and bias of a torch Linear (it stores W as (out, in)).

    x: (..., in_features) -> (..., out_features)."""
    return x @ module.weight.T + module.bias


def layer_norm(x: torch.Tensor, module: torch.nn.LayerNorm) -> torch.Tensor:
    """Return x normalised over its last axis (mean 0, variance 1), then scaled and shifted
    by the LayerNorm's learned weight and bias. x: (..., hidden) -> same shape."""
    mean = x.mean(-1, keepdim=True)
    var = x.var(-1, keepdim=True, unbiased=False)
    return (x - mean) / torch.sqrt(var + module.eps) * module.weight + module.bias


def head_output(x: torch.Tensor, layer, head: int, mask: torch.Tensor | None = None) -> torch.Tensor:
    """Return one head's output softmax(q k^T / sqrt(d)) v, shape (seq, d_head).

    x: (seq, hidden), the hidden state entering `layer` (a BertLayer, model.encoder.layer[l]);
    mask: bool (seq,) of keys that may be attended to, or (seq, seq), or None (all keys).
    Head `head` owns columns head*d_head:(head+1)*d_head of the query, key and value outputs.
    """
    self_attention = layer.attention.self
    d_head = self_attention.attention_head_size
    cols = slice(head * d_head, (head + 1) * d_head)
    q, k, v = (x @ m.weight[cols].T + m.bias[cols]
               for m in (self_attention.query, self_attention.key, self_attention.value))
    return attention(q, k, v, mask)[0]


def layer_parts(layer, x: torch.Tensor, keep: torch.Tensor | None, num_heads: int) -> dict:
    """Return every intermediate result of one encoder layer, computed from its weights.

    x: (batch, seq, hidden); keep: bool mask broadcastable to (batch, heads, seq, seq), True
    where a key may be attended to (None: all). Returns a dict of tensors: q, k, v and
    heads (batch, heads, seq, d_head), weights (batch, heads, seq, seq), concat, attended,
    after_attention (batch, seq, hidden), inner (batch, seq, intermediate), feed_forward
    and output (batch, seq, hidden). `output` is what the layer hands to the next one.
    """
    self_attention, attention_out = layer.attention.self, layer.attention.output
    q, k, v = (split_heads(linear(x, m), num_heads)
               for m in (self_attention.query, self_attention.key, self_attention.value))
    heads, weights = attention(q, k, v, keep)  # (batch, heads, seq, d_head), (..., seq, seq)
    concat = merge_heads(heads)  # (batch, seq, hidden): the heads side by side
    attended = linear(concat, attention_out.dense)  # W_O mixes the heads
    after_attention = layer_norm(x + attended, attention_out.LayerNorm)  # residual + LayerNorm
    inner = F.gelu(linear(after_attention, layer.intermediate.dense))  # (batch, seq, 1536)
    feed_forward = linear(inner, layer.output.dense)  # back to (batch, seq, hidden)
    output = layer_norm(after_attention + feed_forward, layer.output.LayerNorm)
    return {"q": q, "k": k, "v": v, "weights": weights, "heads": heads, "concat": concat,
            "attended": attended, "after_attention": after_attention, "inner": inner,
            "feed_forward": feed_forward, "output": output}


def layer_by_hand(layer, x: torch.Tensor, keep: torch.Tensor | None, num_heads: int) -> torch.Tensor:
    """Return one encoder layer's output (batch, seq, hidden) from its weights (see layer_parts)."""
    return layer_parts(layer, x, keep, num_heads)["output"]


def embeddings_by_hand(model, input_ids: torch.Tensor, token_type_ids: torch.Tensor | None = None):
    """Return what enters layer 0 (batch, seq, hidden): word + position + token-type
    embedding rows, then LayerNorm (lesson 2 takes this step apart)."""
    emb = model.embeddings
    positions = torch.arange(input_ids.shape[1])
    types = torch.zeros_like(input_ids) if token_type_ids is None else token_type_ids
    summed = (emb.word_embeddings.weight[input_ids] + emb.position_embeddings.weight[positions]
              + emb.token_type_embeddings.weight[types])
    return layer_norm(summed, emb.LayerNorm)


def check_activation(config) -> None:
    """Raise a clear ValueError unless the model's feed-forward uses GELU, as this code does."""
    if getattr(config, "hidden_act", "gelu") != "gelu":
        raise ValueError(f"This model's feed-forward uses {config.hidden_act!r}; the course's "
                         "layer-by-hand code is written for GELU (BERT, MiniLM).")


def encoder_by_hand(model, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None,
                    token_type_ids: torch.Tensor | None = None, causal: bool = False) -> torch.Tensor:
    """Return the encoder's last hidden state (batch, seq, hidden), every layer by hand.

    input_ids, attention_mask (0/1), token_type_ids: (batch, seq), as the tokenizer gives them.
    causal=True also hides every later token from each token (GPT-style); this model was
    trained without it, so its outputs then differ from the model's.
    """
    check_activation(model.config)
    seq = input_ids.shape[1]
    keep = padding_mask(torch.ones_like(input_ids) if attention_mask is None else attention_mask)
    if causal:
        keep = keep & causal_mask(seq)
    x = embeddings_by_hand(model, input_ids, token_type_ids)
    for layer in model.encoder.layer:
        x = layer_by_hand(layer, x, keep, model.config.num_attention_heads)
    return x


def parameter_count(module: torch.nn.Module) -> int:
    """Return the number of numbers (weights and biases) a module stores, e.g. one layer's."""
    return sum(p.numel() for p in module.parameters())


def feed_forward_parameters(config) -> int:
    """Return the weights and biases of one layer's feed-forward block, from the config:
    Linear(hidden -> intermediate) and Linear(intermediate -> hidden), each W and b."""
    hidden, inner = config.hidden_size, config.intermediate_size
    return (hidden * inner + inner) + (inner * hidden + hidden)
