"""Lesson 3: attention from scratch equals torch's, the model's heads are what we recompute,
padding is never attended to, and the helpers answer bad input in words."""

from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import attention as att
from helpers.attention import exercises as checks
from helpers.attention.plots import attention_bars, attention_head_grid, attention_heatmap

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "03_attention.ipynb"
SENTENCE = "The animal didn't cross the street because it was too tired."


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
    library = att.library_attention(q, k, v, mask)
    assert (mine - library).abs().max().item() < 1e-5
    assert torch.all(weights[~mask.expand_as(weights)] == 0)
    assert torch.allclose(weights.sum(-1), torch.ones(batch, heads, n), atol=1e-6)


def test_from_scratch_without_mask_equals_sdpa():
    q, k, v = torch.randn(3, 2, 12, 7, 32, generator=torch.Generator().manual_seed(0)).unbind(0)
    mine, _ = att.attention(q, k, v)
    assert (mine - att.library_attention(q, k, v)).abs().max().item() < 1e-5


def notebook_cell_defining(name: str) -> str:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    return next(c.source for c in nb.cells if c.cell_type == "code" and f"def {name}(" in c.source)


def test_notebook_attention_agrees_with_the_package():
    namespace = {"math": __import__("math"), "torch": torch}
    exec(notebook_cell_defining("my_attention"), namespace)
    q, k, v = torch.randn(3, 2, 4, 5, 8, generator=torch.Generator().manual_seed(1)).unbind(0)
    mask = torch.ones(2, 1, 5, 5, dtype=torch.bool)
    mask[0, ..., 3:] = False
    for a, b in zip(namespace["my_attention"](q, k, v, mask), att.attention(q, k, v, mask), strict=True):
        assert torch.equal(a, b)


def test_toy_example_numbers():
    keys = torch.tensor([checks.TOY_KEYS[n] for n in ("cat", "dog", "car")], dtype=torch.float)
    values = torch.tensor([checks.TOY_VALUES[n] for n in ("cat", "dog", "car")], dtype=torch.float)
    out, weights = att.attention(torch.tensor([checks.TOY_KITTEN], dtype=torch.float), keys, values)
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


def test_run_attention_truncates_long_text_and_says_so(model, tokenizer):
    run = att.run_attention(model, tokenizer, "word " * 2000)
    assert len(run.tokens) == att.MAX_TOKENS and run.truncated
    assert "truncated" in run.message and "2002 tokens" in run.message


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
    assert 3 <= len(run.tokens) <= att.MAX_TOKENS


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
    assert att.describe_input(10, 8) == ""
    assert "truncated" in att.describe_input(600, 598)
    assert "Only one token" in att.describe_input(3, 1)
    assert "type a sentence" in att.describe_input(2, 0)


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
    plt.close("all")


# --- exercise checks ---------------------------------------------------------------


def test_checks_wait_for_an_answer():
    for check in (checks.check_toy_weights, checks.check_toy_output,
                  checks.check_masked_weights, checks.check_previous_token_head):
        assert check(...).correct is None


def test_toy_weights_hints():
    c = checks.check_toy_weights
    assert c([0.3837, 0.3837, 0.2327]).correct
    assert "divide the scores by sqrt(d)" in c([0.4223, 0.4223, 0.1554]).message
    assert "scores, not weights" in c([1, 1, 0.5]).message
    assert "add up to" in c([0.5, 0.5, 0.5]).message
    assert "three numbers" in c("abc").message and "three numbers" in c(3).message
    assert c([0.2, 0.3, 0.5]).correct is False


def test_toy_output_hints():
    c = checks.check_toy_output
    assert c([3.0692, 0.9308]).correct
    assert "hard look-up" in c([4, 0]).message
    assert "plain average" in c([8 / 3, 4 / 3]).message
    assert "two numbers" in c([1, 2, 3]).message
    assert c([1.0, 1.0]).correct is False


def test_masked_weights_hints():
    c = checks.check_masked_weights
    assert c([0, 0.6225, 0.3775]).correct
    assert "exactly 0" in c([0.5065, 0.3072, 0.1863]).message
    assert "still add up to 1" in c([0, 0.3072, 0.1863]).message
    assert "three numbers" in c(None).message
    assert c([0, 0.5, 0.5]).correct is False


def test_previous_token_head_hints():
    c = checks.check_previous_token_head
    assert c(9).correct
    assert "next token" in c(8).message
    assert "layer 0" in c(2).message
    assert "int from 0 to 11" in c("8").message and "int from 0 to 11" in c(True).message
    assert "heads 0 to 11" in c(12).message
    assert "np.diagonal" in c(0).message


def test_next_token_constants_match_the_model(sentence_run):
    w = sentence_run.weights[checks.NEXT_TOKEN_LAYER]
    nxt = [np.diagonal(m, offset=1).mean() for m in w]
    prev = [np.diagonal(m, offset=-1).mean() for m in w]
    assert int(np.argmax(nxt)) == checks.NEXT_TOKEN_HEAD
    assert int(np.argmax(prev)) == checks.PREVIOUS_TOKEN_HEAD_LAYER_1


@settings(max_examples=30, deadline=None)
@given(st.one_of(st.none(), st.integers(), st.floats(), st.text(max_size=5),
                 st.lists(st.floats(allow_nan=True), max_size=4), st.booleans()))
def test_checks_never_raise(answer):
    for check in (checks.check_toy_weights, checks.check_toy_output,
                  checks.check_masked_weights, checks.check_previous_token_head):
        assert check(answer).correct in (True, False)


def test_run_attention_restores_the_thread_count(model, tokenizer):
    before = torch.get_num_threads()
    att.run_attention(model, tokenizer, "A short sentence.")
    assert torch.get_num_threads() == before
