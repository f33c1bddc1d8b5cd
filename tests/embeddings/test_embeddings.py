"""Lesson 2 helpers (sections 1-6 and 9), and every claim the lesson's text makes there,
recomputed from the real model (section 7 and 8: test_embeddings_layer0.py).

If a change of model or library version breaks a sentence of the lesson, a test here fails.
"""

import pytest
import torch
import torch.nn.functional as F
from embeddings_support import (
    align_signs,
    aspect_directions,
    cosine,
    neighbour_agreement,
    profile,
    token_states,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.decomposition import PCA

from helpers.embeddings.compute import (
    SEARCH_SENTENCES,
    contextual_vector,
    contextual_vectors,
    cosine_matrix,
    embedding_matrix,
    fit_pca,
    great_circle_km,
    load_aspect_seeds,
    load_cities,
    load_word_groups,
    mean_pool,
    nearest_in_list,
    nearest_on_map,
    semantic_search,
    sentence_embeddings,
    vocabulary_neighbours,
    word_pieces,
    word_vector,
    word_vectors,
)

SENTENCES = SEARCH_SENTENCES


@pytest.fixture(scope="module")
def E(model):
    return embedding_matrix(model)


@pytest.fixture(scope="module")
def words():
    return [w for ws in load_word_groups().values() for w in ws]


@pytest.fixture(scope="module")
def labels():
    return [g for g, ws in load_word_groups().items() for _ in ws]


@pytest.fixture(scope="module")
def X(words, tokenizer, E):
    return word_vectors(words, tokenizer, E)


# --- data ------------------------------------------------------------------------


def test_cities_table_has_new_york_and_los_angeles_in_one_country():
    cities = {c["name"]: c for c in load_cities()}
    assert {"New York", "Los Angeles"} <= set(cities)
    assert cities["New York"]["country"] == cities["Los Angeles"]["country"]
    assert all(
        -90 <= c["latitude"] <= 90 and -180 <= c["longitude"] <= 180 for c in cities.values()
    )


def test_word_groups_are_four_groups_of_single_tokens(tokenizer):
    groups = load_word_groups()
    assert list(groups) == ["animals", "vehicles", "foods", "verbs"]
    assert all(len(ws) >= 6 for ws in groups.values())
    assert all(len(word_pieces(w, tokenizer)) == 1 for ws in groups.values() for w in ws)


def test_seed_words_are_kept_out_of_the_scored_words(words):
    seeds = load_aspect_seeds()
    assert list(seeds) == ["animal", "food", "action"]
    assert not {w for ws in seeds.values() for w in ws} & set(words)


def test_great_circle_distances():
    cities = {c["name"]: c for c in load_cities()}
    ny, la = cities["New York"], cities["Los Angeles"]
    km = great_circle_km(ny["latitude"], ny["longitude"], la["latitude"], la["longitude"])
    assert 3900 < km < 3980  # the published figure is about 3,940 km
    assert great_circle_km(1, 2, 1, 2) == 0
    assert great_circle_km(0, 0, 10, 10) == pytest.approx(great_circle_km(10, 10, 0, 0))


# --- section 1: ids to vectors ---------------------------------------------------


def test_three_lookups_agree(tokenizer, model, E):
    assert tuple(E.shape) == (30522, 384)
    dog = tokenizer.convert_tokens_to_ids("dog")
    assert dog == 3899  # the lesson quotes it
    one_hot = F.one_hot(torch.tensor(dog), num_classes=E.shape[0]).float()
    with torch.no_grad():
        by_layer = model.get_input_embeddings()(torch.tensor([dog]))[0]
    assert torch.equal(E[dog], by_layer)
    assert torch.allclose(one_hot @ E, E[dog])


def test_word_vector_is_a_row_or_the_mean_of_the_pieces(tokenizer, E):
    assert torch.equal(word_vector("dog", tokenizer, E), E[tokenizer.convert_tokens_to_ids("dog")])
    pieces = word_pieces("noodle", tokenizer)
    assert len(pieces) > 1
    expected = E[tokenizer.convert_tokens_to_ids(pieces)].mean(dim=0)
    assert torch.allclose(word_vector("noodle", tokenizer, E), expected)


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01"])
def test_word_vector_of_nothing_says_what_to_do(tokenizer, E, text):
    with pytest.raises(ValueError, match="no tokens"):
        word_vector(text, tokenizer, E)


# --- sections 3 and 4: similarity and the 2D map -----------------------------------


def test_claim_cat_is_nearer_kitten_than_dog_than_car(tokenizer, E):
    cat, kitten, dog, car = (word_vector(w, tokenizer, E) for w in ("cat", "kitten", "dog", "car"))
    assert cosine(cat, kitten) > cosine(cat, dog) > cosine(cat, car) > 0.2  # "well above 0"
    assert round(cosine(cat, dog), 3) == 0.424 and round(cosine(cat, car), 3) == 0.321


def test_claim_every_group_hangs_together_verbs_least(X, labels):
    sims = cosine_matrix(X)
    names = list(dict.fromkeys(labels))
    group = torch.tensor([names.index(g) for g in labels])
    not_self = ~torch.eye(len(labels), dtype=torch.bool)
    within = {
        g: sims[(group[:, None] == k) & (group[None, :] == k) & not_self].mean().item()
        for k, g in enumerate(names)
    }
    across = sims[group[:, None] != group[None, :]].mean().item()
    assert min(within, key=within.get) == "verbs"
    assert across < min(within.values())
    assert max(within.values()) < 0.5  # "far from 1"


def test_cosine_matrix_is_symmetric_with_ones_on_the_diagonal(X):
    sims = cosine_matrix(X)
    assert torch.allclose(sims, sims.T, atol=1e-6)
    assert torch.allclose(sims.diagonal(), torch.ones(len(X)), atol=1e-5)


def test_claim_groups_are_visible_and_outputs_group_about_as_well(
    X, words, labels, tokenizer, model
):
    def same_group(vectors):
        nearest = nearest_in_list(vectors, words)
        return sum(labels[words.index(n)] == g for n, g in zip(nearest, labels, strict=True))

    static_score = same_group(X)
    outputs = sentence_embeddings(words, tokenizer, model)
    assert static_score >= 0.75 * len(words)
    assert abs(static_score - same_group(outputs)) <= 3


def test_our_pca_agrees_with_sklearn_up_to_sign(X):
    projection = fit_pca(X)
    ours = projection(X)
    pca = PCA(n_components=2).fit(X.numpy())
    theirs = torch.from_numpy(pca.transform(X.numpy())).float()
    assert torch.allclose(align_signs(ours, theirs), theirs, atol=1e-4)
    assert torch.allclose(
        projection.explained_ratio,
        torch.from_numpy(pca.explained_variance_ratio_).float(),
        atol=1e-5,
    )


def test_align_signs_flips_only_disagreeing_columns():
    reference = torch.tensor([[1.0, 2.0], [3.0, -1.0]])
    flipped = reference * torch.tensor([-1.0, 1.0])
    assert torch.equal(align_signs(flipped, reference), reference)


def test_claim_the_map_keeps_little_variance_and_moves_neighbours(X, words, labels):
    projection = fit_pca(X)
    assert 0.12 < projection.explained_ratio.sum() < 0.22  # "about a sixth"
    coords = projection(X)
    flat = nearest_on_map(coords, words)
    assert sum(labels[words.index(n)] == g for n, g in zip(flat, labels, strict=True)) > 0.6 * len(labels)
    assert neighbour_agreement(X, coords) < 0.5  # "often not its nearest neighbour"
    assert neighbour_agreement(X, coords) == sum(
        a == b for a, b in zip(nearest_in_list(X, words), flat, strict=True)) / len(words)


def test_neighbour_agreement_is_one_when_nothing_is_lost():
    points = torch.tensor([[0.0, 1.0], [0.1, 1.0], [5.0, 0.0], [5.0, 0.2]])
    assert neighbour_agreement(points, points) == 1.0


# --- section 5: meaning profiles -------------------------------------------------


def _top(profile_scores):
    return max(profile_scores, key=profile_scores.get)


def test_claim_dog_profile_has_the_order_of_the_illustration(tokenizer, E):
    directions = aspect_directions(load_aspect_seeds(), tokenizer, E)
    dog = profile(word_vector("dog", tokenizer, E), directions)
    assert list(dog) == ["animal", "food", "action"]
    assert dog["animal"] > dog["food"] > dog["action"]


def test_claim_centring_helps_and_eat_stays_food(tokenizer, E, words, labels):
    directions = aspect_directions(load_aspect_seeds(), tokenizer, E)
    centre = torch.stack(list(directions.values())).mean(dim=0)
    contrast = {a: d - centre for a, d in directions.items()}
    expected = {"animals": "animal", "foods": "food", "verbs": "action"}
    scored = [(w, expected[g]) for w, g in zip(words, labels, strict=True) if g in expected]
    raw = [(w, _top(profile(word_vector(w, tokenizer, E), directions))) for w, _ in scored]
    cen = [(w, _top(profile(word_vector(w, tokenizer, E) - centre, contrast))) for w, _ in scored]
    raw_misses = [(w, top) for (w, top), (_, want) in zip(raw, scored, strict=True) if top != want]
    cen_misses = [(w, top) for (w, top), (_, want) in zip(cen, scored, strict=True) if top != want]
    assert all(w in load_word_groups()["verbs"] for w, _ in raw_misses)
    raw_scores = [
        v for w, _ in scored for v in profile(word_vector(w, tokenizer, E), directions).values()
    ]
    assert sum(v > 0 for v in raw_scores) > len(raw_scores) / 2  # "most raw scores are positive"
    assert len(cen_misses) < len(raw_misses)
    assert ("eat", "food") in raw_misses and ("eat", "food") in cen_misses
    dog = profile(word_vector("dog", tokenizer, E) - centre, contrast)
    assert _top(dog) == "animal"


# --- section 6: neighbours -------------------------------------------------------


def test_claim_dog_is_next_to_dogs(tokenizer, E):
    neighbours = vocabulary_neighbours(
        word_vector("dog", tokenizer, E), tokenizer, E, exclude=("dog",)
    )
    tokens = [t for t, _ in neighbours]
    assert tokens[0] == "dogs" and {"canine", "puppy"} <= set(tokens)


def test_vocabulary_neighbours_are_whole_words_sorted_and_exclude(tokenizer, E):
    vector = word_vector("car", tokenizer, E)
    neighbours = vocabulary_neighbours(vector, tokenizer, E, k=8, exclude=("car", "not-a-token"))
    sims = [s for _, s in neighbours]
    assert len(neighbours) == 8 and sims == sorted(sims, reverse=True)
    assert all(t.isalpha() and t.isascii() and t != "car" for t, _ in neighbours)
    unit = F.normalize(E, dim=1)
    assert (
        vocabulary_neighbours(vector, tokenizer, unit, k=8, exclude=("car",), normalised=True)[0][0]
        == neighbours[0][0]
    )


# --- section 8: contextual vectors ----------------------------------------------------------


def test_batched_contextual_vectors_match_one_by_one(tokenizer, model):
    sentences = ["We sat on the river bank.", "I opened a bank account.", "The bank approved my loan."]
    batched = contextual_vectors(sentences, "bank", tokenizer, model)
    single = torch.stack([contextual_vector(s, "bank", tokenizer, model) for s in sentences])
    assert torch.allclose(batched, single, atol=1e-5)


def test_missing_word_is_named_with_the_tokens(tokenizer, model):
    with pytest.raises(ValueError, match="not in the sentence"):
        contextual_vector("We sat by the river.", "bank", tokenizer, model)


# --- section 9: sentence embeddings ----------------------------------------------


def test_mean_pool_ignores_padding():
    states = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]]])
    mask = torch.tensor([[1, 1, 0]])
    assert torch.equal(mean_pool(states, mask), torch.tensor([[2.0, 3.0]]))


def test_a_sentence_alone_equals_the_same_sentence_in_a_padded_batch(tokenizer, model):
    alone = sentence_embeddings(SENTENCES[:1], tokenizer, model)
    batch = sentence_embeddings(SENTENCES, tokenizer, model)
    assert torch.allclose(alone[0], batch[0], atol=1e-5)


def test_mean_pooling_matches_sentence_transformers(tokenizer, model):
    from sentence_transformers import SentenceTransformer

    from helpers.models import bundled_model_dir

    library = SentenceTransformer(str(bundled_model_dir()), device="cpu")
    theirs = torch.from_numpy(library.encode(SENTENCES, convert_to_numpy=True))
    ours = F.normalize(sentence_embeddings(SENTENCES, tokenizer, model), dim=1)  # it normalises
    assert torch.allclose(ours, theirs, atol=1e-4)


def test_claim_similar_sentences_are_closest(tokenizer, model):
    sims = cosine_matrix(sentence_embeddings(SENTENCES, tokenizer, model))
    for i in range(0, 6, 2):
        others = [j for j in range(6) if j not in (i, i + 1)]
        assert sims[i, i + 1] > sims[i, others].max()
    assert sims[4, 5] < min(sims[0, 1], sims[2, 3])  # "the cooking pair is the weakest match"


def test_claim_semantic_search_finds_the_meaning(tokenizer, model):
    assert (
        semantic_search("Where is my pet resting?", SENTENCES, tokenizer, model)[0][1]
        in SENTENCES[:2]
    )
    top = semantic_search("What happened to the price of shares?", SENTENCES, tokenizer, model)[0][
        1
    ]
    assert top in SENTENCES[2:4]


@settings(max_examples=15, deadline=None)
@given(st.text(max_size=300))
def test_semantic_search_takes_any_query(tokenizer, model, query):
    ranking = semantic_search(query, SENTENCES[:3], tokenizer, model)
    assert sorted(s for _, s in ranking) == sorted(SENTENCES[:3])
    assert all(-1.0001 <= score <= 1.0001 for score, _ in ranking)


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=200))
def test_word_vector_works_or_explains(tokenizer, E, text):
    try:
        vector = word_vector(text, tokenizer, E)
    except ValueError as err:
        assert "no tokens" in str(err)
    else:
        assert vector.shape == (E.shape[1],) and torch.isfinite(vector).all()


# --- broken text: a lone surrogate, an empty list ------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda tok, model, E: word_pieces("\ud800", tok),
        lambda tok, model, E: word_vector("ca\ud800t", tok, E),
        lambda tok, model, E: word_vectors(["cat", "ca\udffft"], tok, E),
        lambda tok, model, E: contextual_vectors(["\ud800 cat"], "cat", tok, model),
        lambda tok, model, E: sentence_embeddings(["ok", "\ud800"], tok, model),
        lambda tok, model, E: semantic_search("\ud800", ["A cat sat."], tok, model),
    ],
)
def test_lone_surrogates_become_replacement_characters_and_the_call_works(tokenizer, model, E, call):
    call(tokenizer, model, E)  # the one text rule (helpers.text.clean_text): no error


def test_a_lone_surrogate_in_a_word_is_read_as_the_replacement_character(tokenizer):
    assert word_pieces("\ud800", tokenizer) == word_pieces("\ufffd", tokenizer)


@pytest.mark.parametrize("name", ["word_vectors", "contextual_vectors", "sentence_embeddings"])
def test_empty_lists_are_refused_with_a_sentence(tokenizer, model, E, name):
    calls = {
        "word_vectors": lambda: word_vectors([], tokenizer, E),
        "contextual_vectors": lambda: contextual_vectors([], "cat", tokenizer, model),
        "sentence_embeddings": lambda: sentence_embeddings([], tokenizer, model),
    }
    with pytest.raises(ValueError, match="non-empty list"):
        calls[name]()


def test_neighbours_ignore_excluded_strings_that_are_not_tokens(tokenizer, E):
    vector = word_vector("dog", tokenizer, E)
    assert vocabulary_neighbours(vector, tokenizer, E, exclude=("\ud800", "dog", 3))[0][0] == "dogs"


def test_token_states_give_one_vector_per_token(tokenizer, model):
    tokens, states = token_states("The cat sat.", tokenizer, model)
    assert tokens[0] == "[CLS]" and states.shape == (len(tokens), model.config.hidden_size)
