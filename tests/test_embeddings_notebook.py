"""Lesson 2's exercises: every solution passes its check, and wrong answers get specific hints."""

from pathlib import Path

import pytest
import torch

from helpers.embeddings.compute import course_encoder, embedding_matrix
from helpers.embeddings.exercises import (
    check_cat_car_cosine,
    check_eat_aspect,
    check_nearest_to_boat,
    check_paris_row,
)

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "02_embeddings.ipynb"


@pytest.fixture(scope="module")
def tokenizer_and_matrix():
    tokenizer, model = course_encoder()
    return tokenizer, embedding_matrix(model)


@pytest.mark.parametrize(
    "check", [check_paris_row, check_cat_car_cosine, check_nearest_to_boat, check_eat_aspect]
)
def test_placeholder_is_not_answered(check):
    assert check(...).correct is None


def test_paris_row_hints(tokenizer_and_matrix):
    tokenizer, E = tokenizer_and_matrix
    paris = tokenizer.convert_tokens_to_ids("paris")
    assert check_paris_row(E[paris]).correct
    assert "tensor" in check_paris_row([1.0, 2.0]).message
    assert "shape is (1, 384)" in check_paris_row(E[[paris]]).message
    with_specials = E[tokenizer("paris")["input_ids"]]
    assert "[CLS]" in check_paris_row(with_specials).message
    assert "'london'" in check_paris_row(E[tokenizer.convert_tokens_to_ids("london")]).message
    assert "not the numbers of any row" in check_paris_row(torch.zeros(384) + 0.123).message
    assert "(384,)" in check_paris_row(torch.zeros(7)).message


def test_cat_car_hints(tokenizer_and_matrix):
    tokenizer, E = tokenizer_and_matrix
    cat, car = (E[tokenizer.convert_tokens_to_ids(w)] for w in ("cat", "car"))
    value = torch.nn.functional.cosine_similarity(cat, car, dim=0)
    assert check_cat_car_cosine(value).correct  # a one-element tensor is accepted
    assert check_cat_car_cosine(value.item()).correct
    assert "dot product; divide" in check_cat_car_cosine((cat @ car).item()).message
    assert "Euclidean" in check_cat_car_cosine((cat - car).norm().item()).message
    assert "between -1 and 1" in check_cat_car_cosine(7.5).message
    assert "one number" in check_cat_car_cosine("0.3").message
    assert "one number" in check_cat_car_cosine(torch.zeros(3)).message
    assert "vec(" in check_cat_car_cosine(0.9).message


def test_nearest_to_boat_hints():
    assert check_nearest_to_boat("ship").correct
    assert check_nearest_to_boat(" Ship ").correct
    assert "nearest to itself" in check_nearest_to_boat("boat").message
    assert "not one of the 32 words" in check_nearest_to_boat("yacht").message
    assert "string" in check_nearest_to_boat(3).message
    assert "not the nearest" in check_nearest_to_boat("egg").message


def test_nearest_on_the_map_gets_the_distortion_hint(tokenizer_and_matrix):
    from helpers.embeddings import fit_pca, load_word_groups, word_vectors

    tokenizer, E = tokenizer_and_matrix
    words = [w for ws in load_word_groups().values() for w in ws]
    vectors = word_vectors(words, tokenizer, E)
    coords = fit_pca(vectors)(vectors)
    i = words.index("boat")
    on_map = min(
        (w for w in words if w != "boat"),
        key=lambda w: (coords[words.index(w)] - coords[i]).norm().item(),
    )
    if on_map != "ship":  # the hint only exists when the map and the full space disagree
        assert "2D map" in check_nearest_to_boat(on_map).message


def test_eat_aspect_hints():
    assert check_eat_aspect("food").correct
    assert check_eat_aspect("FOOD ").correct
    assert "grammar" in check_eat_aspect("action").message
    assert "one of" in check_eat_aspect("verb").message
    assert "one of" in check_eat_aspect(None).message
