"""Lesson 3's attention explorer: the model runs once per sentence, sliders only redraw,
and bad input is answered in words inside the widget."""

import matplotlib.pyplot as plt
import pytest
import torch
from attention_support import draw_attention_view, figure_png
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import attention as att
from helpers.attention import widget as widgets
from helpers.attention.figures import CompareFigure, LayersFigure
from helpers.attention.labels import TokenLabels, label_ops, paint_labels, shorten
from helpers.attention.reference import ATTENTION_EXAMPLE, ATTENTION_PAIR

SENTENCE = ATTENTION_EXAMPLE
PNG = b"\x89PNG"


@pytest.fixture(scope="module")
def explorer(model, tokenizer):
    return widgets.AttentionExplorer(tokenizer, model, SENTENCE)


def test_root_has_its_class_controls_and_update(explorer):
    assert "attention-explorer" in explorer.view._dom_classes
    assert set(explorer.controls) == {"sentence", "other", "view", "layer", "head", "average", "token"}
    assert set(explorer.outputs) == {"message", "plot"}
    for name, control in explorer.controls.items():
        assert f"attention-{name}" in control._dom_classes
    assert callable(explorer.update)
    assert bytes(explorer.outputs["plot"].value).startswith(PNG)
    assert explorer.controls["layer"].max == 5 and explorer.controls["head"].max == 11


def test_sliders_redraw_without_running_the_model(model, tokenizer, monkeypatch):
    calls = []

    def counting(*args):
        calls.append(args[2])
        return att.run_attention(*args)

    monkeypatch.setattr(widgets, "run_attention", counting)  # the explorer's own reference
    root = widgets.AttentionExplorer(tokenizer, model, SENTENCE)
    c = {**root.controls, **root.outputs}
    first = bytes(c["plot"].value)
    c["layer"].value = 3
    c["head"].value = 1
    c["token"].value = 10
    c["average"].value = True
    assert c["head"].disabled
    assert calls == [SENTENCE]
    assert bytes(c["plot"].value) != first and bytes(c["plot"].value).startswith(PNG)
    c["sentence"].value = "A second sentence."
    c["sentence"].value = SENTENCE  # back again: from the cache
    assert calls == [SENTENCE, "A second sentence."]


def test_token_menu_follows_the_sentence(explorer):
    c = {**explorer.controls, **explorer.outputs}
    c["sentence"].value = "Cats sleep."
    labels = [label for label, _ in c["token"].options]
    assert labels == ["0: [CLS]", "1: cats", "2: sleep", "3: .", "4: [SEP]"]
    c["token"].value = 4
    c["sentence"].value = "Hi there"  # shorter: the chosen token must still exist
    assert c["token"].value < len(c["token"].options)


@pytest.mark.parametrize("text", ["", "   ", "\x00\x07"])
def test_empty_input_is_answered_in_words(explorer, text):
    c = {**explorer.controls, **explorer.outputs}
    c["sentence"].value = text
    assert "type a sentence" in c["message"].value
    assert bytes(c["plot"].value) == b""


def test_long_text_is_truncated_and_said_so(explorer, model, tokenizer):
    c = {**explorer.controls, **explorer.outputs}
    c["sentence"].value = "! " * 900  # 1,800 characters (the course reads 2,000): 902 tokens
    assert "truncated" in c["message"].value and "902 tokens" in c["message"].value
    assert bytes(c["plot"].value).startswith(PNG)
    assert len(c["token"].options) == att.max_tokens(model, tokenizer)


def test_single_token_is_explained(explorer):
    c = {**explorer.controls, **explorer.outputs}
    c["sentence"].value = "hello"
    assert "Only one token" in c["message"].value
    assert bytes(c["plot"].value).startswith(PNG)


def test_message_clears_for_a_normal_sentence(explorer):
    c = {**explorer.controls, **explorer.outputs}
    c["sentence"].value = ""
    c["sentence"].value = SENTENCE
    assert c["message"].value == ""


def test_figures_do_not_pile_up(explorer):
    before = len(plt.get_fignums())
    for layer in range(6):
        explorer.controls["layer"].value = layer
    explorer.controls["sentence"].value = "One more sentence to draw."
    assert len(plt.get_fignums()) == before


def test_view_title():
    run = att.AttentionRun("x", ["[CLS]", "x", "[SEP]"], __import__("numpy").zeros((6, 12, 3, 3)), 3)
    assert widgets.attention_view_title(run, 2, 5) == "layer 2, head 5"
    assert widgets.attention_view_title(run, 2, None) == "layer 2, average of 12 heads"


@settings(max_examples=8, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=40),
        st.sampled_from(["مرحبا بالعالم", "שלום", "🙂🚀👍🏽", "日本語の文", "a\u202eb", "x" * 10_000]),
    ),
    layer=st.integers(0, 5),
    head=st.integers(0, 11),
    average=st.booleans(),
)
def test_update_answers_any_input(explorer, text, layer, head, average):
    c = {**explorer.controls, **explorer.outputs}
    c["sentence"].value = text
    c["layer"].value, c["head"].value, c["average"].value = layer, head, average
    explorer.update()
    assert c["message"].value or bytes(c["plot"].value).startswith(PNG)
    if bytes(c["plot"].value):
        assert bytes(c["plot"].value).startswith(PNG)


def test_blitted_redraw_matches_a_full_draw(model, tokenizer):
    import io

    import numpy as np
    from PIL import Image

    run = att.run_attention(model, tokenizer, SENTENCE)
    figure = widgets.AttentionFigure(run)
    figure.show(0, 2, 3)
    figure.png()  # an earlier view, to be fully painted over
    figure.show(3, None, 10)
    blitted = np.asarray(Image.open(io.BytesIO(figure.png())).convert("RGB")).astype(int)
    for artist in figure.changing:
        artist.set_animated(False)
    figure.fig.canvas.draw()  # everything drawn by matplotlib, then the same token labels
    full_image = Image.fromarray(np.asarray(figure.fig.canvas.buffer_rgba())[..., :3].copy())
    paint_labels(full_image, figure._ops)
    full = np.asarray(full_image).astype(int)
    assert blitted.shape == full.shape
    assert (np.abs(blitted - full).max(axis=2) > 40).mean() < 0.001  # same picture, up to antialiasing


def test_draw_attention_view_returns_a_figure(model, tokenizer):
    run = att.run_attention(model, tokenizer, "Cats sleep.")
    fig = draw_attention_view(run, 1, None, 1)
    assert fig.axes[0].get_title() == "layer 1, average of 12 heads"
    assert "cats" in fig.axes[-1].get_title() or "cats" in fig.axes[1].get_title()
    assert figure_png(fig).startswith(PNG)


# --- compare mode and the all-layers view ---------------------------------------------------


def test_compare_view_shows_both_sentences(model, tokenizer):
    root = widgets.AttentionExplorer(tokenizer, model)
    assert root.controls["other"].value == ATTENTION_PAIR[1]
    assert root.controls["other"].layout.display == "none"  # hidden until compare is chosen
    root.show(view="compare", layer=3, head=1)
    assert root.controls["other"].layout.display is None
    figure = root.figures["compare"]
    assert isinstance(figure, CompareFigure)
    assert [ax.get_title() for ax in figure.axes] == ["sentence 1: layer 3, head 1", "sentence 2: layer 3, head 1"]
    assert figure.sources(root.controls["token"].value) == (10, 10)  # 'it' in both
    assert bytes(root.outputs["plot"].value).startswith(PNG)
    png = bytes(root.outputs["plot"].value)
    root.controls["other"].value = "The animal was tired."
    assert bytes(root.outputs["plot"].value) != png
    assert figure.sources(10) == (10, 6)  # no 'it' in 7 tokens: the nearest row, the last


def test_compare_marks_the_same_word_or_the_nearest_row(model, tokenizer):
    runs = [att.run_attention(model, tokenizer, t) for t in ("It was tired.", "Cats sleep and it rains.")]
    figure = CompareFigure(runs)
    assert figure.sources(1) == (1, 4)  # 'it' is token 4 of the second sentence
    assert figure.sources(3) == (3, 3)  # no 'tired' there: the same row


def test_compare_with_an_empty_second_sentence_says_so(model, tokenizer):
    root = widgets.AttentionExplorer(tokenizer, model)
    root.show(view="compare", other="   ")
    assert "Sentence 2: No tokens" in root.outputs["message"].value
    assert bytes(root.outputs["plot"].value) == b""


def test_all_layers_view(model, tokenizer):
    root = widgets.AttentionExplorer(tokenizer, model)
    root.show(view="all layers", head=4)
    figure = root.figures["all layers"]
    assert isinstance(figure, LayersFigure) and root.controls["layer"].disabled
    n_layers, n_heads = model.config.num_hidden_layers, model.config.num_attention_heads
    assert figure.image.get_array().shape == (n_layers * n_heads, len(figure.run.tokens))
    assert list(figure.marks.get_ydata()) == [layer * n_heads + 4 for layer in range(n_layers)]
    assert "'it' in every layer" in figure.ax.get_title()
    root.show(average=True)
    assert figure.image.get_array().shape == (n_layers, len(figure.run.tokens))
    assert bytes(root.outputs["plot"].value).startswith(PNG)


def test_show_refuses_unknown_controls_in_words(explorer):
    with pytest.raises(ValueError, match="no control named 'colour'"):
        explorer.show(colour="red")


def test_building_and_updating_leaves_torch_and_the_model_alone(model, tokenizer):
    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    grads = [p.requires_grad for p in model.parameters()]
    training = model.training
    root = widgets.AttentionExplorer(tokenizer, model)
    for view in widgets.VIEWS:
        root.show(view=view, sentence="Cats sleep.", layer=2, head=3)
    assert torch.get_num_threads() == threads
    assert torch.are_deterministic_algorithms_enabled() == deterministic
    assert [p.requires_grad for p in model.parameters()] == grads and model.training == training


def test_every_view_draws_many_tokens(model, tokenizer):
    root = widgets.AttentionExplorer(tokenizer, model)
    long = " ".join(["word"] * 70)
    for view in widgets.VIEWS:
        root.show(view=view, sentence=long, other=long + " more")
        assert bytes(root.outputs["plot"].value).startswith(PNG), view


def test_token_labels_sit_beside_their_ticks(model, tokenizer):
    run = att.run_attention(model, tokenizer, "Cats sleep.")
    figure = widgets.AttentionFigure(run)
    figure.show(0, 0, 1)
    figure.png()
    ops = label_ops(figure.fig, [TokenLabels(figure.ax_map, "x", run.tokens, 11)])
    xs = [x for _, x, _, _, _ in ops]
    ticks = figure.ax_map.transData.transform([(i, 0) for i in range(len(run.tokens))])[:, 0]
    assert xs == list(ticks) and [text for *_, text, _ in ops] == run.tokens
    box = figure.ax_map.get_window_extent()
    assert all(y > figure.fig.bbox.height - box.y0 for _, _, y, _, _ in ops)  # below the axes


def test_long_tokens_are_shortened():
    assert shorten("short") == "short"
    assert shorten("antidisestablishment") == "antidisesta…" and len(shorten("x" * 40)) == 12


def test_same_length_sentences_reuse_the_background(model, tokenizer):
    runs = [att.run_attention(model, tokenizer, t) for t in ("Cats sleep.", "Dogs bark.")]
    figure = widgets.AttentionFigure(runs[0])
    background = figure.background
    assert figure.retarget(runs[1]) and figure.background is background  # no new full draw
    assert [text for *_, text, _ in figure._ops][:len(runs[1].tokens)] == runs[1].tokens
