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


def test_data_dir_is_the_repository_data_folder():
    assert DATA_DIR.name == "data" and DATA_DIR.is_dir()
