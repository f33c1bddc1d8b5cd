"""seed_everything repeats random numbers; the plot styles apply what they say."""

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import torch

from helpers import DATA_DIR, presentation_mode, seed_everything
from helpers.style import COURSE_STYLE, new_axes


def draw_all():
    import random

    return random.random(), np.random.rand(), torch.rand(1).item()


def test_seed_everything_repeats_every_generator():
    seed_everything(3)
    first = draw_all()
    seed_everything(3)
    assert draw_all() == first
    assert torch.get_num_threads() == 2


def test_seed_everything_sets_the_thread_count():
    seed_everything(0, threads=1)
    assert torch.get_num_threads() == 1
    seed_everything(0)


def test_presentation_mode_enlarges_and_restores():
    presentation_mode()
    assert mpl.rcParams["font.size"] >= 16
    presentation_mode(False)
    assert mpl.rcParams["font.size"] == COURSE_STYLE["font.size"]


def test_new_axes_reuses_or_creates():
    fig, ax = plt.subplots()
    assert new_axes(ax) is ax
    assert new_axes() is not ax
    plt.close("all")


def test_data_dir_is_inside_the_installed_package():
    assert DATA_DIR.name == "data" and DATA_DIR.is_dir() and DATA_DIR.parent.name == "helpers"


def test_torch_threads_is_scoped():
    from helpers import torch_threads

    before = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_torch_seeded_restores_the_global_generator():
    from helpers import torch_seeded

    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    with torch_seeded(123):
        inside = torch.rand(3)
    assert torch.equal(torch.rand(3), expected)
    with torch_seeded(123):
        assert torch.equal(torch.rand(3), inside)


def test_clean_text_is_the_one_rule_for_student_text():
    from helpers.text import MAX_CHARS, REPLACEMENT, clean_text

    assert clean_text("plain") == ("plain", [])
    text, notes = clean_text("a\ud800b")
    assert text == f"a{REPLACEMENT}b" and "lone surrogate" in notes[0]
    text, notes = clean_text("x" * (MAX_CHARS + 5))
    assert len(text) == MAX_CHARS and f"{MAX_CHARS:,}" in notes[0]
    try:
        clean_text(3)
    except TypeError as err:
        assert "must be a string" in str(err)
    else:
        raise AssertionError("a number was accepted as text")
