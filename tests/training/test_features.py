"""A frozen base is a feature extractor: cached features are what the model computes, the
[CLS]-only top layer equals the real one, and a head trained on the cache ends with the same
weights as one trained through the frozen model."""

import copy

import pytest
import torch
import torch.nn.functional as F

from helpers.runtime import torch_threads
from helpers.training.features import (
    StrategyHead,
    TopLayerCLS,
    cache_features,
    evaluate_head,
    train_head,
)
from helpers.training.fitting import fresh_model

TOLERANCE = 1e-5


def test_cached_features_have_the_documented_shapes(features, encoded, pristine):
    test = features["topics"]["test"]
    n, width = encoded["topics"]["test"].input_ids.shape
    hidden = pristine.config.hidden_size
    assert test.pooled.shape == test.cls.shape == (n, hidden)
    assert test.top_input.shape == (n, width, hidden) and test.mask.shape == (n, width)


def test_the_cls_only_top_layer_equals_the_real_layer(pristine, features):
    test = features["reviews"]["test"]
    with torch.no_grad():
        got = TopLayerCLS(pristine.bert.encoder.layer[-1])(test.top_input, test.mask)
        pooled = pristine.bert.pooler(got[:, None])
    assert (got - test.cls).abs().max() < TOLERANCE
    assert (pooled - test.pooled).abs().max() < TOLERANCE


def test_a_head_on_cached_features_equals_a_head_through_the_frozen_model(pristine, encoded):
    """The notebook's section 7, as a test: same start, same batches, same optimizer."""
    demo = encoded["topics"]["train"].subset(32)
    through = fresh_model(pristine, "head only", seed=0).eval()
    head = copy.deepcopy(through.classifier)
    opt_a = torch.optim.AdamW([p for p in through.parameters() if p.requires_grad], lr=1e-2)
    opt_b = torch.optim.AdamW(head.parameters(), lr=1e-2)
    pooled = cache_features(pristine, demo).pooled
    for _ in range(2):
        for begin in range(0, 32, 16):
            rows = slice(begin, begin + 16)
            loss_a = through(**demo.batch(rows), labels=demo.labels[rows]).loss
            loss_b = F.cross_entropy(head(pooled[rows]), demo.labels[rows])
            for loss, opt in [(loss_a, opt_a), (loss_b, opt_b)]:
                loss.backward()
                opt.step()
                opt.zero_grad()
    assert (through.classifier.weight - head.weight).abs().max() < TOLERANCE
    assert (through.classifier.bias - head.bias).abs().max() < TOLERANCE


@pytest.mark.parametrize("strategy", ["head only", "pooler + head", "top layer + pooler + head"])
def test_strategy_heads_start_as_the_frozen_model_does(pristine, features, strategy):
    """Before training, a strategy head on the cache gives the fresh model's logits."""
    model = fresh_model(pristine, strategy, seed=4).eval()
    head = StrategyHead(pristine, strategy, num_labels=5, seed=4)
    test = features["topics"]["test"]
    with torch.no_grad():
        want = model.classifier(test.pooled)
        assert (head(test) - want).abs().max() < TOLERANCE
    trainable = sum(p.numel() for p in head.parameters())
    assert trainable == sum(p.numel() for p in model.parameters() if p.requires_grad)


def test_full_fine_tuning_cannot_use_cached_features(pristine):
    with pytest.raises(ValueError, match="does not freeze the base"):
        StrategyHead(pristine, "full fine-tuning", 5, 0)


def test_head_training_repeats_at_one_and_two_threads(pristine, features):
    train, val = features["topics"]["train"].rows(torch.arange(30)), features["topics"]["validation"]
    results = []
    for threads in (1, 2):
        with torch_threads(threads):
            head = StrategyHead(pristine, "pooler + head", 5, seed=1)
            curve = train_head(head, train, val, lr=3e-3, seed=1, max_epochs=8)
            results.append((curve.val_loss, evaluate_head(head, val), head.classifier.weight.clone()))
    assert results[0][0] == results[1][0] and results[0][1] == results[1][1]
    assert torch.equal(results[0][2], results[1][2])
    assert torch.get_num_threads() == torch.get_num_threads()  # restored by torch_threads


def test_early_stopping_keeps_the_best_epoch(pristine, features):
    train, val = features["topics"]["train"].rows(torch.arange(20)), features["topics"]["validation"]
    head = StrategyHead(pristine, "head only", 5, seed=0)
    curve = train_head(head, train, val, lr=1e-1, seed=0, max_epochs=60, patience=4)
    assert curve.epochs <= 60 and curve.epochs - curve.best_epoch <= 4
    assert min(curve.val_loss) == pytest.approx(curve.val_loss[curve.best_epoch - 1])
    assert evaluate_head(head, val)[0] == pytest.approx(curve.val_loss[curve.best_epoch - 1], abs=1e-6)
