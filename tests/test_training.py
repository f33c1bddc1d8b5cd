"""Lesson 4 helpers: the reviews data, parameter blocks, freezing, the proof that frozen weights
do not move, deterministic training, the plots and the freezing panel."""

import copy

import matplotlib
import pandas as pd
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.training.compute import (
    LABELS,
    SPLIT_SIZES,
    STRATEGIES,
    Encoded,
    accuracy,
    apply_strategy,
    block_names,
    block_of,
    count_parameters,
    encode_splits,
    fit,
    freezing_summary,
    load_reviews,
    optimizer_state_size,
    parameter_table,
    results_table,
    run_strategy,
    saved_for_backward_bytes,
    set_trainable_blocks,
    timing_table,
)
from helpers.training.plots import plot_learning_curves, plot_parameter_blocks

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

BLOCKS = ["embeddings", *[f"layer {i}" for i in range(6)], "pooler", "classifier"]


@pytest.fixture(scope="module")
def pristine():
    from helpers.models import load_model

    torch.manual_seed(0)
    return load_model("classifier", num_labels=2)


@pytest.fixture
def model(pristine):
    return copy.deepcopy(pristine)


@pytest.fixture(scope="module")
def data():
    from helpers.models import load_tokenizer

    return encode_splits(load_tokenizer(), load_reviews())


# --- the data ---------------------------------------------------------------


def test_reviews_have_the_documented_split_sizes_and_labels():
    reviews = load_reviews()
    assert reviews["split"].value_counts().to_dict() == SPLIT_SIZES
    assert set(reviews["label"]) == set(LABELS)
    for split, size in SPLIT_SIZES.items():  # balanced in every split
        counts = reviews[reviews["split"] == split]["label"].value_counts()
        assert counts.to_dict() == {label: size // 2 for label in LABELS}


def test_no_sentence_is_in_two_splits_or_twice():
    reviews = load_reviews()
    assert reviews["text"].is_unique
    normalised = reviews["text"].str.lower().str.replace(r"\W", "", regex=True)
    assert normalised.is_unique


def test_no_single_word_separates_the_classes():
    """The data is not trivially separable: the best one-word rule stays far from perfect."""
    reviews = load_reviews()
    words = reviews["text"].str.lower().str.findall(r"[a-z']+").map(set)
    positive = reviews["label"] == "positive"
    best = 0.0
    for word in set().union(*words):
        has = words.map(lambda ws, w=word: w in ws)
        best = max(best, (has == positive).mean(), (has != positive).mean())
    assert best < 0.6


def test_load_reviews_explains_bad_files(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("sentence,label\nhello,positive\n")
    with pytest.raises(ValueError, match="missing"):
        load_reviews(bad)
    bad.write_text("text,label,split\nhello,great,train\n")
    with pytest.raises(ValueError, match="unknown"):
        load_reviews(bad)


def test_encoded_splits_are_padded_tensors(data):
    assert {k: len(v) for k, v in data.items()} == SPLIT_SIZES
    train = data["train"]
    assert train.input_ids.shape == train.attention_mask.shape
    assert train.input_ids.shape[1] <= 32 and train.labels.dtype == torch.long
    assert len(train.subset(16)) == 16 and isinstance(train.subset(16), Encoded)


# --- where the parameters live ----------------------------------------------


def test_block_of_names_each_block():
    assert block_of("bert.embeddings.word_embeddings.weight") == "embeddings"
    assert block_of("bert.encoder.layer.11.output.dense.bias") == "layer 11"
    assert block_of("bert.pooler.dense.weight") == "pooler"
    assert block_of("classifier.weight") == "classifier"
    assert block_of("something.else") == "other"


def test_parameter_table_adds_up(model):
    table = parameter_table(model)
    assert list(table.index) == BLOCKS == block_names(model)
    assert table["parameters"].sum() == 22_713_986
    assert table.loc["classifier", "parameters"] == 770
    assert table.loc["pooler", "parameters"] == 384 * 384 + 384
    assert (table.loc[[f"layer {i}" for i in range(6)], "parameters"] == 1_774_464).all()


def test_freezing_the_base_leaves_770_and_the_pooler_gives_148610(model):
    for _, param in model.base_model.named_parameters():
        param.requires_grad = False
    assert count_parameters(model) == (770, 22_713_986)
    for name, param in model.base_model.named_parameters():
        if "pooler" in name:
            param.requires_grad = True
    assert count_parameters(model)[0] == 148_610


@pytest.mark.parametrize(
    "strategy, trainable",
    [("full fine-tuning", 22_713_986), ("head only", 770), ("pooler + head", 148_610),
     ("top layer + pooler + head", 148_610 + 1_774_464)],
)
def test_strategies_freeze_what_they_say(model, strategy, trainable):
    apply_strategy(model, strategy)
    assert count_parameters(model)[0] == trainable


def test_unknown_strategy_and_block_are_named(model):
    with pytest.raises(ValueError, match="choose from"):
        apply_strategy(model, "half")
    with pytest.raises(ValueError, match="No such block"):
        set_trainable_blocks(model, ["layer 9"])


# --- proof, not belief -------------------------------------------------------


def test_frozen_weights_get_no_gradient_and_do_not_move(model, data):
    apply_strategy(model, "pooler + head")
    batch, labels = data["train"].batch(slice(0, 8)), data["train"].labels[:8]
    model(**batch, labels=labels).loss.backward()
    frozen = {n for n, p in model.named_parameters() if not p.requires_grad}
    assert all(p.grad is None for n, p in model.named_parameters() if n in frozen)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    optimizer.step()
    unchanged = {n for n, p in model.named_parameters() if torch.equal(p, before[n])}
    assert unchanged == frozen
    assert optimizer_state_size(optimizer) == (12, 2 * 4 * 148_610 + 4 * 4)


def test_an_optimizer_over_all_parameters_moves_zero_grad_frozen_weights(model, data):
    """The bug the lesson shows: zero gradients (not None) let AdamW move frozen weights."""
    batch, labels = data["train"].batch(slice(0, 4)), data["train"].labels[:4]
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    model(**batch, labels=labels).loss.backward()
    optimizer.step()
    apply_strategy(model, "head only")
    optimizer.zero_grad(set_to_none=False)
    before = model.bert.pooler.dense.weight.detach().clone()
    model(**batch, labels=labels).loss.backward()
    optimizer.step()
    assert not torch.equal(before, model.bert.pooler.dense.weight)


def test_a_frozen_base_keeps_far_fewer_activations(model, data):
    batch = data["train"].batch(slice(0, 8))
    model.train()
    full = saved_for_backward_bytes(model, batch)
    apply_strategy(model, "head only")
    head = saved_for_backward_bytes(model, batch)
    assert 0 < head < full / 100


# --- training ------------------------------------------------------------------


def small(data, n=24):
    return {"train": data["train"].subset(n), "validation": data["validation"].subset(n),
            "test": data["test"].subset(n)}


def test_training_repeats_exactly_and_does_not_depend_on_threads(pristine, data):
    """The lesson's printed numbers must be the same at 1 and 2 torch threads (CI varies it)."""
    threads = torch.get_num_threads()
    runs = []
    try:
        for n in (1, 2, 2):
            torch.set_num_threads(n)
            history = run_strategy(lambda: copy.deepcopy(pristine), small(data), "full fine-tuning",
                                   lr=1e-4, epochs=2, progress=False)
            runs.append((history.loss, history.train_acc, history.val_acc, history.test_acc))
    finally:
        torch.set_num_threads(threads)
    assert runs[0] == runs[1] == runs[2]


def test_fit_records_every_epoch_and_refuses_a_fully_frozen_model(model, data):
    apply_strategy(model, "head only")
    history = fit(model, small(data), "head only", epochs=2, lr=1e-2, progress=False)
    assert len(history.train_acc) == len(history.val_acc) == len(history.seconds) == 2
    assert 0 <= history.test_acc <= 1 and history.seconds_per_epoch > 0
    assert history.state_bytes == 2 * 4 * 770 + 2 * 4
    set_trainable_blocks(model, [])
    with pytest.raises(ValueError, match="nothing would train"):
        fit(model, small(data), "none", progress=False)


def test_accuracy_restores_training_mode(model, data):
    model.train()
    assert 0 <= accuracy(model, data["test"].subset(8)) <= 1
    assert model.training


def test_tables_have_one_row_per_run(model, data):
    apply_strategy(model, "head only")
    history = fit(model, small(data, 16), "head only", epochs=1, lr=1e-2, progress=False)
    results = results_table([history, history])
    assert list(results.columns)[:4] == ["trainable", "train acc", "val acc", "test acc"]
    assert len(results) == 2 and "s / epoch" in timing_table([history]).columns


# --- the freezing panel's pure function ----------------------------------------


@settings(max_examples=25, deadline=None)
@given(chosen=st.sets(st.sampled_from(BLOCKS)))
def test_freezing_summary_counts_add_up_for_any_choice(pristine, chosen):
    model = pristine  # requires_grad only; no weights change
    summary = freezing_summary(model, chosen)
    table = parameter_table(model)
    assert summary.trainable == table.loc[sorted(chosen), "parameters"].sum() if chosen else summary.trainable == 0
    assert summary.trainable + summary.frozen == summary.total == 22_713_986
    if not chosen:
        assert summary.message.startswith("Nothing would train") and not summary.can_train
    elif "classifier" not in chosen:
        assert "classifier is frozen" in summary.message
    for param in pristine.parameters():
        param.requires_grad = True


@settings(max_examples=25, deadline=None)
@given(names=st.lists(st.text(max_size=30), min_size=1, max_size=3))
def test_unknown_block_names_are_refused_in_words(pristine, names):
    if set(names) <= set(BLOCKS):
        return
    with pytest.raises(ValueError, match="No such block"):
        freezing_summary(pristine, names)


# --- plots ----------------------------------------------------------------------


def test_parameter_plot_draws_one_bar_per_block_and_marks_frozen(model):
    apply_strategy(model, "pooler + head")
    ax = plot_parameter_blocks(parameter_table(model))
    assert len(ax.patches) == len(BLOCKS)
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["trainable", "frozen"]
    plt.close("all")


def test_learning_curves_draw_train_and_validation(model, data):
    apply_strategy(model, "head only")
    history = fit(model, small(data, 16), "head only", epochs=2, lr=1e-2, progress=False)
    fig, ax = plt.subplots()
    assert plot_learning_curves([history], ax=ax) is ax
    assert len(ax.lines) >= 3 and ax.get_xlabel() == "epoch"
    plt.close(fig)


def test_results_table_is_a_dataframe_without_timings(model, data):
    apply_strategy(model, "head only")
    history = fit(model, small(data, 16), "head only", epochs=1, lr=1e-2, progress=False)
    table = results_table([history])
    assert isinstance(table, pd.DataFrame)
    assert not any("s /" in c or "second" in c for c in table.columns)


def test_every_strategy_name_is_known():
    assert STRATEGIES[0] == "full fine-tuning" and len(STRATEGIES) == 4
