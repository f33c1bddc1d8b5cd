"""Lesson 3: attention from scratch equals torch's, the model's heads are what we recompute,
padding is never attended to, the lesson's claims about the heads hold, and the helpers
answer bad input in words."""

import math

import import_probe
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from attention_support import cell_defining, library_attention
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import attention as att
from helpers.attention import reference
from helpers.attention.plots import (
    all_heads_grid,
    attention_bars,
    attention_head_grid,
    attention_heatmap,
)
from helpers.layers.reference import CAUSAL_TOKENS

SENTENCE = reference.ATTENTION_EXAMPLE


@pytest.fixture(scope="module")
def sentence_run(model, tokenizer):
    return att.run_attention(model, tokenizer, SENTENCE)


@pytest.fixture(scope="module")
def padded(model, tokenizer):
    batch = tokenizer([SENTENCE, "It was tired."], padding=True, return_tensors="pt")
    with torch.no_grad():
        out = model(**batch, output_attentions=True, output_hidden_states=True)
    return batch, out


# --- the formula -------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    batch=st.integers(1, 3),
    heads=st.integers(1, 4),
    n=st.integers(1, 9),
    m=st.integers(1, 9),
    d=st.integers(1, 40),
    seed=st.integers(0, 10_000),
)
def test_from_scratch_equals_torch_sdpa(batch, heads, n, m, d, seed):
    gen = torch.Generator().manual_seed(seed)
    q = torch.randn(batch, heads, n, d, generator=gen)
    k, v = torch.randn(2, batch, heads, m, d, generator=gen).unbind(0)
    mask = torch.rand(batch, 1, n, m, generator=gen) > 0.3
    mask[..., 0] = True  # every query keeps at least one key
    mine, weights = att.attention(q, k, v, mask)
    library = library_attention(q, k, v, mask)
    assert (mine - library).abs().max().item() < 1e-5
    assert torch.all(weights[~mask.expand_as(weights)] == 0)
    assert torch.allclose(weights.sum(-1), torch.ones(batch, heads, n), atol=1e-6)


def test_from_scratch_without_mask_equals_sdpa():
    q, k, v = torch.randn(3, 2, 12, 7, 32, generator=torch.Generator().manual_seed(0)).unbind(0)
    mine, _ = att.attention(q, k, v)
    assert (mine - library_attention(q, k, v)).abs().max().item() < 1e-5


def test_notebook_attention_agrees_with_the_package():
    namespace = {"math": math, "torch": torch}
    exec(cell_defining("my_attention"), namespace)
    q, k, v = torch.randn(3, 2, 4, 5, 8, generator=torch.Generator().manual_seed(1)).unbind(0)
    mask = torch.ones(2, 1, 5, 5, dtype=torch.bool)
    mask[0, ..., 3:] = False
    for a, b in zip(namespace["my_attention"](q, k, v, mask), att.attention(q, k, v, mask), strict=True):
        assert torch.equal(a, b)


def test_toy_example_numbers():
    keys = torch.tensor([reference.TOY_KEYS[n] for n in ("cat", "dog", "car")], dtype=torch.float)
    values = torch.tensor([reference.TOY_VALUES[n] for n in ("cat", "dog", "car")], dtype=torch.float)
    out, weights = att.attention(torch.tensor([reference.TOY_KITTEN], dtype=torch.float), keys, values)
    assert weights[0].tolist() == pytest.approx([0.5065, 0.3072, 0.1863], abs=1e-4)
    assert out[0].tolist() == pytest.approx([3.2547, 0.7453], abs=1e-4)


# --- the real model ------------------------------------------------------------


def test_recomputed_heads_equal_the_models(model, tokenizer):
    batch = tokenizer(SENTENCE, return_tensors="pt")
    with torch.no_grad():
        out = model(**batch, output_attentions=True, output_hidden_states=True)
        for layer in range(model.config.num_hidden_layers):
            mine = att.recompute_attention(model, out.hidden_states[layer], batch["attention_mask"], layer)
            assert (mine - out.attentions[layer]).abs().max().item() < 1e-5


def test_recomputed_heads_equal_the_models_with_padding(model, padded):
    batch, out = padded
    assert batch["attention_mask"][1].tolist().count(0) > 0
    with torch.no_grad():
        for layer in range(model.config.num_hidden_layers):
            mine = att.recompute_attention(model, out.hidden_states[layer], batch["attention_mask"], layer)
            assert (mine - out.attentions[layer]).abs().max().item() < 1e-5


def test_no_real_token_attends_to_padding(padded):
    batch, out = padded
    weights = torch.stack(out.attentions)  # (layers, batch, heads, seq, seq)
    for row, mask in enumerate(batch["attention_mask"].bool()):
        to_pad = weights[:, row][:, :, mask][:, :, :, ~mask]
        if (~mask).any():
            assert to_pad.max().item() == 0.0


def test_padding_does_not_change_real_tokens_weights(model, tokenizer, padded):
    _, out = padded
    alone = tokenizer("It was tired.", return_tensors="pt")
    n = alone["input_ids"].shape[1]
    with torch.no_grad():
        alone_out = model(**alone, output_attentions=True)
    for a, p in zip(alone_out.attentions, out.attentions, strict=True):
        assert (a[0] - p[1, :, :n, :n]).abs().max().item() < 1e-5


def test_run_attention_shapes_and_rows(sentence_run):
    w = sentence_run.weights
    assert w.shape == (6, 12, 16, 16)
    assert sentence_run.tokens[0] == "[CLS]" and sentence_run.tokens[-1] == "[SEP]"
    np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-5)
    assert sentence_run.message == "" and not sentence_run.truncated


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\x00\x01\x02"])
def test_run_attention_without_tokens_says_so(model, tokenizer, text):
    run = att.run_attention(model, tokenizer, text)
    assert run.tokens == [] and run.weights.size == 0
    assert "type a sentence" in run.message


def test_max_tokens_comes_from_the_model_and_tokenizer(model, tokenizer):
    assert att.max_tokens(model, tokenizer) == model.config.max_position_embeddings == 512


def test_run_attention_truncates_long_text_and_says_so(model, tokenizer):
    run = att.run_attention(model, tokenizer, "a " * 900)  # under the 2,000 characters read
    assert len(run.tokens) == att.max_tokens(model, tokenizer) and run.truncated
    assert run.tokens[-1] == "[SEP]"
    assert "truncated" in run.message and "902 tokens" in run.message


def test_run_attention_cleans_text_by_the_course_rule(model, tokenizer):
    run = att.run_attention(model, tokenizer, "a \ud800 cat")
    assert "\ufffd" in run.text and "broken character" in run.message
    long = att.run_attention(model, tokenizer, "cat " * 1000)
    assert "only the first 2,000 are read" in long.message


@pytest.mark.parametrize("text", ["hi", "😀", "猫"])
def test_single_token_is_explained(model, tokenizer, text):
    run = att.run_attention(model, tokenizer, text)
    assert len(run.tokens) == 3
    assert "Only one token" in run.message


def test_run_attention_refuses_non_text(model, tokenizer):
    with pytest.raises(TypeError, match="must be a string"):
        att.run_attention(model, tokenizer, 42)


def test_missing_attentions_are_explained(tokenizer):
    class NoAttentions:
        def __call__(self, **kwargs):
            return type("Out", (), {"attentions": ()})()

    with pytest.raises(RuntimeError, match="eager attention"):
        att.run_attention(NoAttentions(), tokenizer, "a cat")


@settings(max_examples=8, deadline=None)
@given(st.text(max_size=30))
def test_run_attention_answers_any_text(model, tokenizer, text):
    run = att.run_attention(model, tokenizer, text)
    if run.tokens:
        assert run.weights.shape[2:] == (len(run.tokens), len(run.tokens))
        np.testing.assert_allclose(run.weights.sum(-1), 1.0, atol=1e-5)
    else:
        assert run.message


@settings(max_examples=10, deadline=None)
@given(st.sampled_from(["مرحبا بالعالم", "שלום עולם", "🙂🙃 emoji 🚀", "ab\u200fcd\u202e", "a" * 3000]))
def test_run_attention_answers_scripts_and_long_words(model, tokenizer, text):
    run = att.run_attention(model, tokenizer, text)
    assert 3 <= len(run.tokens) <= att.max_tokens(model, tokenizer)


# --- statistics -------------------------------------------------------------------


def test_select_map_and_average(sentence_run):
    w = sentence_run.weights
    assert np.array_equal(att.select_map(w, 2, 5), w[2, 5])
    np.testing.assert_allclose(att.select_map(w, 2, None), w[2].mean(0))


def test_offset_share_on_a_known_matrix():
    previous = np.eye(4, k=-1)
    previous[0, 0] = 1.0
    assert att.offset_share(previous, -1) == 1.0
    assert att.offset_share(previous, 1) == 0.0
    assert np.isnan(att.offset_share(previous, 4))


def test_same_word_share():
    tokens = ["[CLS]", "the", "cat", "the", "[SEP]"]
    w = np.zeros((5, 5))
    w[1, 3] = w[3, 1] = 0.5
    assert att.same_word_share(w, tokens) == 0.5
    assert np.isnan(att.same_word_share(w, ["a", "b", "c", "d", "e"]))


def test_head_statistics_finds_this_models_heads(sentence_run):
    stats = att.head_statistics(sentence_run.weights, sentence_run.tokens)
    assert len(stats) == 72
    assert stats.loc[(0, 2), "to previous"] > 0.95
    assert stats["to next"].idxmax() == (1, 8)
    assert (stats.groupby("layer")["to [CLS]"].mean().iloc[1:] > 0.35).all()


def test_attention_between_and_unknown_token(sentence_run):
    per_layer = att.attention_between(sentence_run.weights, sentence_run.tokens, "it", "animal")
    assert per_layer.shape == (6,)
    assert per_layer[3] > att.attention_between(sentence_run.weights, sentence_run.tokens, "it", "street")[3]
    with pytest.raises(ValueError, match="'giraffe' is not one of the tokens"):
        att.attention_between(sentence_run.weights, sentence_run.tokens, "it", "giraffe")


def test_describe_input():
    assert att.describe_input(10, 8, 512) == ""
    assert "truncated" in att.describe_input(600, 598, 512) and "at most 512" in att.describe_input(600, 598, 512)
    assert "at most 128" in att.describe_input(600, 598, 128)
    assert "Only one token" in att.describe_input(3, 1, 512)
    assert "type a sentence" in att.describe_input(2, 0, 512)


# --- plots --------------------------------------------------------------------------


def test_heatmap_has_tokens_on_both_axes_and_a_colour_bar(sentence_run):
    ax = attention_heatmap(sentence_run.weights[0, 2], sentence_run.tokens)
    assert [t.get_text() for t in ax.get_xticklabels()] == sentence_run.tokens
    assert [t.get_text() for t in ax.get_yticklabels()] == sentence_run.tokens
    assert len(ax.figure.axes) == 2  # the heatmap and its colour bar
    plt.close("all")


def test_heatmap_hides_labels_when_too_many():
    ax = attention_heatmap(np.eye(100), [str(i) for i in range(100)], colorbar=False)
    assert len(ax.get_xticks()) == 0 and len(ax.figure.axes) == 1
    plt.close("all")


def test_bars_and_grid(sentence_run):
    ax = attention_bars(sentence_run.weights[3, 1, 10], sentence_run.tokens, source="it")
    assert len(ax.patches) == 16 and "it" in ax.get_title()
    axes = attention_head_grid(sentence_run.weights[0], sentence_run.tokens)
    assert len(axes) == 12 and axes[2].get_title() == "head 2"
    ticks = [(len(ax.get_xticks()), len(ax.get_yticks())) for ax in axes]  # labels outside only (2 rows of 6)
    assert ticks[0] == (0, 16) and ticks[5] == (0, 0) and ticks[6] == (16, 16) and ticks[7] == (16, 0)
    plt.close("all")


def test_run_attention_restores_the_thread_count(model, tokenizer):
    before = torch.get_num_threads()
    att.run_attention(model, tokenizer, "A short sentence.")
    assert torch.get_num_threads() == before


def test_run_attention_runs_on_one_thread_only_inside(model, tokenizer, monkeypatch):
    seen = []
    real = torch.set_num_threads
    monkeypatch.setattr(torch, "set_num_threads", lambda n: (seen.append(n), real(n)))
    before = torch.get_num_threads()
    att.run_attention(model, tokenizer, "A short sentence.")
    assert torch.get_num_threads() == before
    assert seen in ([], [1, before])  # set for the forward pass, then restored


def test_causal_and_padding_masks():
    mask = att.causal_mask(4)
    assert mask.tolist() == [[True, False, False, False], [True, True, False, False],
                             [True, True, True, False], [True, True, True, True]]
    assert att.padding_mask(torch.tensor([[1, 1, 0]])).shape == (1, 1, 1, 3)
    q = k = v = torch.randn(4, 8, generator=torch.Generator().manual_seed(0))
    _, weights = att.attention(q, k, v, mask)
    assert weights[0].tolist() == [1.0, 0.0, 0.0, 0.0]
    assert int((weights == 0).sum()) == 4 * 3 // 2


def test_causal_mask_on_the_lesson_sentence(model, tokenizer, sentence_run):
    n = len(sentence_run.tokens)
    assert n == CAUSAL_TOKENS  # lesson 4, section 6 masks this sentence causally
    x = torch.randn(n, 32, generator=torch.Generator().manual_seed(1))
    _, weights = att.attention(x, x, x, att.causal_mask(n))
    assert int((weights == 0).sum()) == n * (n - 1) // 2


def test_merge_heads_undoes_split_heads():
    x = torch.randn(2, 5, 384)
    assert torch.equal(att.merge_heads(att.split_heads(x, 12)), x)


# --- the lesson's claims about its sentence (the notebook prints them; here they are strict) ---


@pytest.fixture(scope="module")
def stats(sentence_run):
    return att.head_statistics(sentence_run.weights, sentence_run.tokens)


def test_head_role_claims_of_section_10(stats):
    per_layer = stats.groupby("layer").mean()
    assert stats.loc[(0, 2), "to previous"] > 0.95
    assert (per_layer["to [CLS]"].iloc[1:] > 0.35).all() and (per_layer["to [CLS]"].iloc[1:] < 0.61).all()
    assert (per_layer["to [SEP]"].iloc[1:] < 0.05).all()
    assert round(per_layer.loc[0, "to [CLS]"], 2) == 0.21
    assert stats["to next"].idxmax() == (1, 8) and round(stats.loc[(1, 8), "to next"], 2) == 0.57
    assert stats["to same word"].idxmax() == (0, 8) and round(stats.loc[(0, 8), "to same word"], 2) == 0.34
    assert stats["to [CLS]"].idxmax() == (4, 5) and round(stats["to [CLS]"].max(), 2) == 0.90
    assert stats["to itself"].between(0.025, 0.185).all()


def test_strongest_heads_and_roles(stats):
    strongest = att.strongest_heads(stats)
    assert (strongest.loc["to previous", "layer"], strongest.loc["to previous", "head"]) == (0, 2)
    assert att.head_role(stats.loc[(0, 2)]) == "prev" and att.head_role(stats.loc[(1, 8)]) == "next"
    assert att.head_role(stats.loc[(0, 0)]) == "mixed"
    # the grid's roles never name the exercise's answer (layer 1's previous-token head)
    assert att.head_role(stats.loc[(1, reference.PREVIOUS_TOKEN_HEAD_LAYER_1)]) != "prev"


def test_it_animal_claims_of_section_11(model, tokenizer, sentence_run):
    run, wide = sentence_run, att.run_attention(model, tokenizer, reference.ATTENTION_PAIR[1])
    to_animal, to_street = (att.attention_between(run.weights, run.tokens, "it", w) for w in ("animal", "street"))
    wide_animal, wide_street = (att.attention_between(wide.weights, wide.tokens, "it", w) for w in ("animal", "street"))
    it, animal = run.tokens.index("it"), run.tokens.index("animal")
    assert (to_animal[3:] > 2 * to_street[3:]).sum() >= 2 and (to_animal[3:] > to_street[3:]).all()
    assert (wide_animal[2:] > wide_street[2:]).all()
    assert run.weights[3, 1, it, animal] > 0.6 > 0.3 > wide.weights[3, 1, it, animal]


def test_all_heads_grid(sentence_run):
    roles = [["mixed"] * 12 for _ in range(6)]
    ax = all_heads_grid(sentence_run.weights, roles)
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("head 0") == 1 and texts.count("3") == 1 and texts.count("layer 2") == 1 and texts.count("mixed") == 72
    tiles = ax.images[0].get_array()  # 6 rows of 12 maps (16 x 16) with masked gaps between
    row_gap = (tiles.shape[0] - 6 * 16) // 5  # room under each row for its roles
    assert tiles.shape == (6 * 16 + 5 * row_gap, 12 * 19 - 3) and row_gap >= 3
    assert tiles.mask.sum() == tiles.size - 72 * 16 * 16
    row = 2 * (16 + row_gap)
    np.testing.assert_allclose(tiles[row:row + 16, 5 * 19:5 * 19 + 16], sentence_run.weights[2, 5])
    plt.close("all")


PURE = import_probe.register("helpers.attention.compute", "helpers.attention.reference",
                              "helpers.attention.exercises")


def test_compute_and_layer_load_no_plotting_or_widgets():
    assert import_probe.heavy_loaded(*PURE) == []
