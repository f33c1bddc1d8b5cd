"""Lesson 1's plots (helpers/tokens/plots.py)."""

import matplotlib.pyplot as plt
import pytest

from helpers.tokens.plots import attention_mask_grid, vocab_tradeoff


def test_attention_mask_grid_draws_every_cell():
    tokens = [["[CLS]", "hi", "[SEP]"], ["[CLS]", "[SEP]", "[PAD]"]]
    ax = attention_mask_grid(tokens, [[1, 1, 1], [1, 1, 0]])
    assert len(ax.texts) == 6 and ax.texts[-1].get_text() == "[PAD]\n0"
    assert ax.get_legend() is not None
    plt.close("all")


@pytest.mark.parametrize("mask", [[], [[]], [[1, 1], [1]]])
def test_attention_mask_grid_refuses_a_ragged_batch(mask):
    with pytest.raises(ValueError, match="pad the batch first"):
        attention_mask_grid([["a", "b"], ["c"]], mask)


def test_vocab_tradeoff_uses_a_log_axis_and_labels_references():
    fig, ax = plt.subplots()
    assert vocab_tradeoff([10, 100], [30.0, 20.0], {"words": (1000, 12.0)}, ax=ax) is ax
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["our tiny BPE", "words"]
    assert [t.get_text() for t in ax.texts] == ["1,000"]  # the square's vocabulary size
    plt.close(fig)
