"""Lesson 4 helpers (helpers.training.compute): both tasks' data, blocks, freezing by block and
by strategy (correct on any model, trained or not), counts from the config, memory."""

import import_probe
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.training.compute import (
    SPLIT_SIZES,
    STRATEGIES,
    TASKS,
    TOPIC_SPLIT_SIZES,
    apply_strategy,
    block_names,
    block_of,
    count_parameters,
    freezing_summary,
    load_task,
    optimizer_state_size,
    parameter_table,
    saved_for_backward_bytes,
    set_trainable_blocks,
    strategy_blocks,
    stratified_rows,
)

# --- the data ---------------------------------------------------------------


def test_reviews_have_the_documented_split_sizes_and_balance():
    reviews = load_task("reviews")
    assert reviews["split"].value_counts().to_dict() == SPLIT_SIZES
    for split, size in SPLIT_SIZES.items():
        counts = reviews[reviews["split"] == split]["label"].value_counts()
        assert counts.to_dict() == {label: size // 2 for label in TASKS["reviews"][1]}


def test_topics_have_five_balanced_topics_of_48_with_a_fixed_split():
    topics = load_task("topics")
    labels = TASKS["topics"][1]
    assert len(labels) >= 5 and set(topics["label"]) == set(labels)
    for split, size in TOPIC_SPLIT_SIZES.items():
        counts = topics[topics["split"] == split]["label"].value_counts()
        assert counts.to_dict() == dict.fromkeys(labels, size)
    assert topics["label"].value_counts().min() >= 40


@pytest.mark.parametrize("task", list(TASKS))
def test_no_sentence_is_in_two_splits_or_twice(task):
    frame = load_task(task)
    normalised = frame["text"].str.lower().str.replace(r"\W", "", regex=True)
    assert normalised.is_unique


def test_few_topic_sentences_name_their_topic():
    """The topic task is about meaning: most sentences do not contain their topic's own word."""
    topics = load_task("topics")
    named = [row.label.rstrip("s") in row.text.lower() for row in topics.itertuples()]
    assert sum(named) / len(named) < 0.1


def test_no_single_word_separates_the_reviews():
    reviews = load_task("reviews")
    words = reviews["text"].str.lower().str.findall(r"[a-z']+").map(set)
    positive = reviews["label"] == "positive"
    best = 0.0
    for word in set().union(*words):
        has = words.map(lambda ws, w=word: w in ws)
        best = max(best, (has == positive).mean(), (has != positive).mean())
    assert best < 0.6


def test_load_task_explains_bad_files_and_names(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("sentence,label\nhello,positive\n")
    with pytest.raises(ValueError, match="missing"):
        load_task("reviews", bad)
    bad.write_text("text,label,split\nhello,great,train\n")
    with pytest.raises(ValueError, match="unknown"):
        load_task("reviews", bad)
    with pytest.raises(ValueError, match="Unknown task"):
        load_task("poems")


def test_stratified_rows_draw_per_class_and_repeat():
    labels = torch.tensor([0, 1, 2] * 10)
    rows = stratified_rows(labels, 4, seed=3)
    assert torch.equal(rows, stratified_rows(labels, 4, seed=3))
    assert torch.bincount(labels[rows]).tolist() == [4, 4, 4]
    assert not torch.equal(rows, stratified_rows(labels, 4, seed=4))
    assert len(stratified_rows(labels, 10, seed=0)) == 30
    with pytest.raises(ValueError, match="Only 10 rows"):
        stratified_rows(labels, 11, seed=0)


def test_encoded_splits_are_padded_tensors(encoded):
    train = encoded["reviews"]["train"]
    assert {k: len(v) for k, v in encoded["reviews"].items()} == SPLIT_SIZES
    assert train.input_ids.shape == train.attention_mask.shape and train.input_ids.shape[1] <= 32
    assert len(train.subset(16)) == 16 and len(train.rows(torch.tensor([0, 5]))) == 2


# --- blocks and freezing ----------------------------------------------------


def test_block_of_names_each_block():
    assert block_of("bert.embeddings.word_embeddings.weight") == "embeddings"
    assert block_of("bert.encoder.layer.11.output.dense.bias") == "layer 11"
    assert block_of("bert.pooler.dense.weight") == "pooler"
    assert block_of("classifier.weight") == "classifier"
    assert block_of("something.else") == "other"


def test_parameter_table_adds_up_and_sizes_follow_the_config(pristine):
    table = parameter_table(pristine)
    config = pristine.config
    assert list(table.index) == block_names(pristine)
    assert table["parameters"].sum() == count_parameters(pristine)[1]
    assert table.loc["classifier", "parameters"] == config.num_labels * (config.hidden_size + 1)
    assert table.loc["pooler", "parameters"] == config.hidden_size * (config.hidden_size + 1)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_apply_strategy_sets_every_flag_even_on_a_used_model(classifier, strategy):
    table = parameter_table(classifier)
    want = int(table.loc[strategy_blocks(classifier, strategy), "parameters"].sum())
    for start in (True, False):  # everything trainable, or everything frozen, before
        classifier.requires_grad_(start)
        apply_strategy(classifier, strategy)
        assert count_parameters(classifier)[0] == want
    apply_strategy(classifier, "head only")
    apply_strategy(classifier, "full fine-tuning")  # after freezing: everything again
    assert count_parameters(classifier)[0] == count_parameters(classifier)[1]


def test_strategies_are_blocks_from_the_top(pristine):
    top = f"layer {pristine.config.num_hidden_layers - 1}"
    assert strategy_blocks(pristine, "head only") == ["classifier"]
    assert strategy_blocks(pristine, "top layer + pooler + head") == [top, "pooler", "classifier"]
    with pytest.raises(ValueError, match="Unknown strategy"):
        strategy_blocks(pristine, "half")


def test_unknown_blocks_are_named(classifier):
    with pytest.raises(ValueError, match="layer 9"):
        set_trainable_blocks(classifier, ["layer 9"])


@settings(max_examples=20, deadline=None)
@given(st.sets(st.sampled_from(["embeddings", *[f"layer {i}" for i in range(6)], "pooler", "classifier"])))
def test_freezing_summary_counts_and_never_changes_the_model(pristine, chosen):
    flags = [p.requires_grad for p in pristine.parameters()]
    summary = freezing_summary(pristine, chosen)
    assert [p.requires_grad for p in pristine.parameters()] == flags
    assert summary.trainable + summary.frozen == summary.total == count_parameters(pristine)[1]
    assert summary.can_train == bool(chosen)
    if chosen and "classifier" not in chosen:
        assert "classifier is frozen" in summary.message


# --- memory -----------------------------------------------------------------


def test_optimizer_state_is_two_moments_per_trainable_parameter(classifier, encoded):
    apply_strategy(classifier, "pooler + head")
    data = encoded["topics"]["train"]
    optimizer = torch.optim.AdamW([p for p in classifier.parameters() if p.requires_grad], lr=1e-3)
    classifier(**data.batch(slice(0, 4)), labels=data.labels[:4]).loss.backward()
    optimizer.step()
    trainable = count_parameters(classifier)[0]
    assert optimizer_state_size(optimizer) == (12, 2 * 4 * trainable + 4 * 4)


def test_a_frozen_base_keeps_far_fewer_activations(classifier, encoded):
    batch = encoded["topics"]["train"].batch(slice(0, 8))
    classifier.train()
    full = saved_for_backward_bytes(classifier, batch)
    apply_strategy(classifier, "pooler + head")
    assert full > 50 * saved_for_backward_bytes(classifier, batch)


PURE = import_probe.register("helpers.training.compute", "helpers.training.fitting",
                              "helpers.training.features", "helpers.training.curves",
                              "helpers.training.exercises")


def test_compute_modules_load_no_plotting_or_notebook_code():
    assert import_probe.heavy_loaded(*PURE) == []
