"""Exercise checks and their expected answers of lesson 2 (embeddings)."""

from typing import Any

from helpers.feedback import Feedback, right, unanswered, wrong


def _lesson2_reference():
    """Return (tokenizer, embedding matrix (V, d)) of the course model, loaded once."""
    from helpers.embeddings import course_encoder, embedding_matrix

    tokenizer, model = course_encoder()
    return tokenizer, embedding_matrix(model)


def _as_float(answer: Any) -> float | None:
    """Return answer as a float if it is a number or a one-element tensor/array, else None."""
    if isinstance(answer, str | bytes | bool):
        return None
    try:
        if hasattr(answer, "numel") and answer.numel() != 1:
            return None
        value = float(answer)
    except (TypeError, ValueError, RuntimeError):
        return None
    return value if value == value else None  # NaN is not an answer


def check_paris_row(answer: Any) -> Feedback:
    """Exercise: the embedding row of the token "paris", shape (384,)."""
    import torch

    if (feedback := unanswered(answer)) is not None:
        return feedback
    if not isinstance(answer, torch.Tensor):
        return wrong(f"expected a tensor (a row of E), got a {type(answer).__name__}.")
    tokenizer, matrix = _lesson2_reference()
    expected = matrix[tokenizer.convert_tokens_to_ids("paris")]
    answer = answer.detach().float()
    if answer.shape != expected.shape:
        if answer.numel() == expected.numel():
            return wrong(
                f"the numbers are there but the shape is {tuple(answer.shape)}; "
                "index with a plain int (not a list) to get shape (384,)."
            )
        if answer.ndim == 2 and answer.shape[-1] == expected.shape[0]:
            return wrong(
                f"you got {answer.shape[0]} rows; did you include [CLS] and [SEP]? "
                'Use tokenizer.convert_tokens_to_ids("paris") for the single id.'
            )
        return wrong(f"a row of E has shape (384,); yours has shape {tuple(answer.shape)}.")
    if torch.allclose(answer, expected):
        row = tokenizer.convert_tokens_to_ids("paris")
        return right(f"row {row} of a 30522-row table: that is all an input embedding is.")
    matches = (matrix == answer).all(dim=1).nonzero().flatten().tolist()
    if matches:
        token = tokenizer.convert_ids_to_tokens(matches[0])
        return wrong(
            f"that is the row of token {token!r} (id {matches[0]}); "
            'look up the id of "paris" first.'
        )
    return wrong("those are not the numbers of any row of E: index the matrix E, don't compute.")


def check_cat_car_cosine(answer: Any) -> Feedback:
    """Exercise: the cosine similarity of the static vectors of "cat" and "car"."""
    if (feedback := unanswered(answer)) is not None:
        return feedback
    value = _as_float(answer)
    if value is None:
        return wrong("give one number (a float); on a one-element tensor, call .item().")
    tokenizer, matrix = _lesson2_reference()
    a, b = (matrix[tokenizer.convert_tokens_to_ids(w)] for w in ("cat", "car"))
    expected = (a @ b / (a.norm() * b.norm())).item()
    if abs(value - expected) < 1e-4:
        return right(f"cos(cat, car) = {expected:.3f}, lower than cos(cat, dog).")
    if abs(value - (a @ b).item()) < 1e-3:
        return wrong("that is the dot product; divide it by the two vectors' lengths (.norm()).")
    if abs(value - (a - b).norm().item()) < 1e-3:
        return wrong("that is the Euclidean distance; cosine similarity uses the dot product.")
    if not -1.0 <= value <= 1.0:
        return wrong("a cosine similarity lies between -1 and 1; divide by both lengths.")
    return wrong('not the cosine of cat and car: check you used vec("cat") and vec("car").')


def check_nearest_to_boat(answer: Any) -> Feedback:
    """Exercise: the nearest of the 32 course words to "boat", by cosine in all dimensions."""
    if (feedback := unanswered(answer)) is not None:
        return feedback
    if not isinstance(answer, str):
        return wrong(f'answer with a word as a string, e.g. "car" (got a {type(answer).__name__}).')
    from helpers.embeddings import fit_pca, load_word_groups, nearest_in_list, word_vectors

    tokenizer, matrix = _lesson2_reference()
    words = [w for ws in load_word_groups().values() for w in ws]
    vectors = word_vectors(words, tokenizer, matrix)
    expected = nearest_in_list(vectors, words)[words.index("boat")]
    word = answer.strip().lower()
    if word == expected:
        return right(f"{expected!r}; in 384 dimensions it beats every other word.")
    if word == "boat":
        return wrong("every word is nearest to itself; skip it (fill the diagonal) and look again.")
    if word not in words:
        return wrong(f"{answer!r} is not one of the 32 words of the map; pick one of `words`.")
    coords = fit_pca(vectors)(vectors)
    i = words.index("boat")
    on_map = min(
        (w for w in words if w != "boat"),
        key=lambda w: (coords[words.index(w)] - coords[i]).norm().item(),
    )
    if word == on_map:
        return wrong(
            "that is the nearest on the 2D map, which distorts distances; "
            "use cosine similarity on the full 384-number vectors."
        )
    return wrong(
        f"{answer!r} is not the nearest; compare cosine similarities of all words with boat."
    )


def check_eat_aspect(answer: Any) -> Feedback:
    """Exercise: the aspect ("animal", "food", "action") on which "eat" scores highest."""
    if (feedback := unanswered(answer)) is not None:
        return feedback
    from helpers.embeddings import aspect_directions, load_aspect_seeds, profile, word_vector

    tokenizer, matrix = _lesson2_reference()
    directions = aspect_directions(load_aspect_seeds(), tokenizer, matrix)
    if not isinstance(answer, str) or answer.strip().lower() not in directions:
        return wrong(f"answer with one of {', '.join(map(repr, directions))}.")
    scores = profile(word_vector("eat", tokenizer, matrix), directions)
    expected = max(scores, key=scores.get)
    if answer.strip().lower() == expected:
        return right(
            f"{expected!r} ({scores[expected]:.2f}): the model learned what we eat, "
            "not that eating is an action."
        )
    return wrong(
        f'you may have guessed from grammar; compute profile_of("eat"): '
        f"{answer.strip()!r} is not its highest score."
    )


# Every check of this lesson, in the notebook's order (helpers.LESSONS reads it).
CHECKS = (
    "check_paris_row",
    "check_cat_car_cosine",
    "check_nearest_to_boat",
    "check_eat_aspect",
)
