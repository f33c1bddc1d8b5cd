"""Every lesson's exercises make students think (issue 16): at least five checked exercises,
at least two where the student predicts before a cell reveals the truth, at least one where
they write a function that is checked against the course's reference, the rest reasoning.

Each check is classified here; a new check must be added, so the mix cannot drift unseen.
Every check, in every lesson, has the same ladder of help: two hints and an expected answer.
"""

import pytest

from helpers import LESSONS

PREDICT, WRITE, REASON = "predict before you run", "write a function", "reasoning"
KINDS = {
    "01_tokenization": {
        "check_toy_wordpiece": PREDICT, "check_pad_count": PREDICT, "check_lost_tokens": PREDICT,
        "check_pad": WRITE, "check_pair_length": REASON, "check_token_type_ids": REASON,
    },
    "02_embeddings": {
        "check_cat_neighbour": PREDICT, "check_same_position": PREDICT, "check_paris_row": REASON,
        "check_bank_inputs": REASON, "check_embedding_parameters": REASON,
        "check_masked_mean": WRITE,
    },
    "03_attention": {
        "check_masked_weights": PREDICT, "check_unscaled_top_weight": PREDICT,
        "check_toy_weights": REASON, "check_toy_output": REASON,
        "check_attention_by_hand": WRITE, "check_previous_token_head": REASON,
    },
    "04_inside_a_layer": {
        "check_feed_forward_parameters": PREDICT, "check_residual_change": PREDICT,
        "check_causal_zeros": PREDICT, "check_head_output": WRITE, "check_mixing_step": REASON,
        "check_layer_parameters": REASON,
    },
    "05_freezing": {
        "check_small_data_winner": PREDICT, "check_head_only_count": PREDICT,
        "check_last_layer_count": PREDICT, "check_freeze_all_but": WRITE,
        "check_optimizer_params": REASON, "check_bug_conditions": REASON, "check_tools": REASON,
        "check_reviews_reason": REASON,
    },
}
WITH_EXERCISES = [lesson for lesson in LESSONS if lesson.package]


@pytest.mark.parametrize("lesson", WITH_EXERCISES, ids=lambda lesson: lesson.notebook)
def test_every_check_is_classified(lesson):
    assert set(KINDS.get(lesson.notebook, {})) == set(lesson.checks()), (
        f"classify each check of {lesson.notebook} in KINDS as {PREDICT!r}, {WRITE!r} or {REASON!r}")


@pytest.mark.parametrize("lesson", WITH_EXERCISES, ids=lambda lesson: lesson.notebook)
def test_each_lesson_has_the_three_kinds(lesson):
    kinds = list(KINDS.get(lesson.notebook, {}).values())
    assert len(kinds) >= 5, f"{lesson.notebook}: {len(kinds)} checked exercises, at least 5 wanted"
    assert kinds.count(PREDICT) >= 2, f"{lesson.notebook}: fewer than 2 predict-before-you-run"
    assert kinds.count(WRITE) >= 1, f"{lesson.notebook}: no write-a-function exercise"


ALL_CHECKS = [(lesson.notebook, name, check) for lesson in WITH_EXERCISES
              for name, check in lesson.checks().items()]


@pytest.mark.parametrize("notebook, name, check", ALL_CHECKS, ids=[n for _, n, _ in ALL_CHECKS])
def test_every_check_has_a_ladder_of_two_hints_and_an_expected_answer(notebook, name, check):
    from helpers.feedback import Hint

    assert len(check.hints) == 2, f"{notebook}: {name}"
    first, second = check.hint(), check.hint(2)
    assert isinstance(first, Hint) and repr(first).startswith("💡 Hint 1 of 2")
    assert repr(second).startswith("💡 Hint 2 of 2") and second.text != first.text
    assert check.hint(9).level == 2  # asking too far gives the last hint
    assert check.expected
