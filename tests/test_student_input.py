"""Bad input, everywhere: whatever a student types or passes, the course answers in words.

Cross-cutting property tests (hypothesis) over what the lesson modules expose to students:
- every exercise check of every lesson (from helpers.LESSONS, so new ones are covered at once):
  any answer of any type gives a Feedback, never an exception;
- every public helper that takes text or words from a student: it works, or raises a
  ValueError/TypeError *from the course's own code* with a sentence saying what to change,
  never an IndexError or a library's internal message; and it never freezes;
- every lesson's widget (from helpers.LESSONS): any text typed into its text
  boxes, any ticks, slider positions and menu choices: its callback runs without an exception.
The student text mixes curated nasties (empty, whitespace, control and format characters,
lone surrogates, right-to-left scripts, emoji sequences, 10,000 characters, special tokens,
mixed case) with hypothesis' arbitrary unicode.
"""

import inspect
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import hypothesis
import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import helpers
from helpers import LESSONS, attention, embeddings, tokens, training
from helpers.feedback import Feedback
from helpers.models import load_model, load_tokenizer

HELPERS_DIR = Path(helpers.__file__).resolve().parent
SECONDS_LIMIT = 30  # per call; generous for a loaded 2-core machine; a freeze takes forever

TRICKY = [
    "", " ", "   \t  ", "\n", "\n\n\n", "\r\n", "\t", "\x00", "\x00\x01\x02\x1b[31m", "\x7f",
    "\u200b", "\u200d", "\ufeff", "\u00a0", "\u2028\u2029", "\u202eevil\u202c", "a\u0301e\u0301",
    "\ud800", "x\udfffy", "🙂", "👩\u200d👩\u200d👧\u200d👦", "🇫🇷🇩🇪", "🙂" * 300,
    "مرحبا بالعالم", "שלום עולם", "Hello مرحبا שלום world", "東京タワー", "नमस्ते", "Ελληνικά",
    "Straße STRASSE straße", "İstanbul ıi", "HeLLo WoRLD", "ALL CAPS", "ＦＵＬＬＷＩＤＴＨ",
    "[CLS] [SEP] [PAD] [MASK] [UNK]", "##ing", "<script>alert(1)</script>", "' OR 1=1 --",
    "a" * 10_000, "word " * 2_000, "supercalifragilistic" * 200, ",,,", ", , ,", "cat, dog",
    "1234567890", "3.14159", "None", "nan", "…", "—", "\\n",
]


def _repeat(piece: str, times: int) -> str:
    return (piece or "a") * times


student_text = st.one_of(
    st.sampled_from(TRICKY),
    st.text(max_size=200),  # arbitrary unicode (no surrogates)
    st.text(st.characters(categories=["Cc", "Cf", "Cs", "Zs", "Zl", "Zp", "Mn"]), max_size=30),
    st.text(st.characters(min_codepoint=0x0590, max_codepoint=0x08FF), max_size=60),  # RTL
    st.text(st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), max_size=20),  # emoji
    st.text(alphabet="aAbBzZçÇßẞİıΣσς éÉ", max_size=40),  # mixed case
    st.builds(_repeat, st.text(min_size=1, max_size=12), st.integers(300, 1_000)),  # long
)
student_words = st.lists(student_text, max_size=6)
few_words = st.lists(student_text, max_size=3)  # for helpers that run the model on each
any_answer = st.one_of(
    st.just(...), st.none(), st.booleans(), st.integers(), st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True), student_text,
    st.lists(st.integers(-5, 30_000), max_size=12), st.lists(st.floats(), max_size=6),
    st.lists(student_text, max_size=5), st.lists(st.lists(st.integers(0, 2), max_size=4), max_size=3),
    st.tuples(st.integers(), st.text(max_size=5)), st.dictionaries(student_text, st.integers(), max_size=4),
    st.sets(st.integers(), max_size=4),
    st.lists(st.floats(-10, 10), max_size=6).map(np.array),
    st.lists(st.floats(-10, 10), max_size=6).map(torch.tensor),
    st.lists(st.integers(0, 1), min_size=1, max_size=6).map(lambda xs: torch.tensor([xs])),
)


# Always tried, on top of the generated examples (so even a small budget meets the worst).
ALWAYS_TEXT = ["", " \t\n ", "\x00\x1b[31m\x7f", "\ud800", "\u202eevil\u202c \u200b",
               "👩\u200d👩\u200d👧\u200d👦 🇫🇷", "مرحبا بالعالم שלום", "[CLS] [SEP] [PAD]", "a" * 10_000,
               "HeLLo İstanbul Straße"]
ALWAYS_WORDS = [[], [""], ["\ud800"], ["a" * 10_000], ["cat", "שלום", "🙂", " "]]


ALWAYS_ANSWERS = [..., None, "", "\ud800", float("nan"), [], {}, [...], np.array([]), torch.tensor([])]


def always_for(strategy) -> list:
    if strategy is any_answer:
        return ALWAYS_ANSWERS
    if strategy is widget_moves:
        return ALWAYS_MOVES
    return ALWAYS_WORDS if strategy in (student_words, few_words) else ALWAYS_TEXT


def run_hypothesis(examples: int, strategy, body) -> None:
    """Run `body` on the fixed worst cases, then on `examples` generated examples of `strategy`."""
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def property_holds(example):
        body(example)

    for fixed in always_for(strategy):
        property_holds = hypothesis.example(fixed)(property_holds)
    property_holds()


def raised_in_course_code(err: BaseException) -> bool:
    frames = traceback.extract_tb(err.__traceback__)
    return bool(frames) and Path(frames[-1].filename).resolve().is_relative_to(HELPERS_DIR)


def works_or_explains(call, never_raises: bool = False) -> Any:
    """Call; accept a result, or a ValueError/TypeError raised by helpers/ with a sentence."""
    start = time.perf_counter()
    try:
        return call()
    except Exception as err:
        where = traceback.format_exception(err)[-3:]
        assert not never_raises, f"documented never to raise, but raised {err!r}\n{''.join(where)}"
        assert isinstance(err, (ValueError, TypeError)), f"unexplained {type(err).__name__}: {err}"
        assert raised_in_course_code(err), (
            f"{type(err).__name__} from inside a library, not explained by the course: {err}\n"
            + "".join(where)
        )
        message = str(err)
        assert len(message) >= 20 and " " in message, f"message too terse to act on: {message!r}"
    finally:
        seconds = time.perf_counter() - start
        assert seconds < SECONDS_LIMIT, f"took {seconds:.0f} s: freezes on this input"
        plt.close("all")


@pytest.fixture(scope="module")
def course():
    tokenizer, model = load_tokenizer(), load_model()
    matrix = embeddings.embedding_matrix(model)
    run = attention.run_attention(model, tokenizer, "The cat sat on the mat because it was tired.")
    return SimpleNamespace(tokenizer=tokenizer, model=model, matrix=matrix, run=run,
                           word_map=embeddings.build_word_map(tokenizer, model),
                           tiny_bpe=tokens.train_bpe(tokens.load_corpus(), vocab_size=200),
                           classifier=load_model("classifier"))


# --- exercise checks ------------------------------------------------------------------------

CHECKS = sorted((name, fn) for lesson in LESSONS for name, fn in lesson.checks().items())


def test_every_lesson_has_checks_to_test():
    assert len(CHECKS) >= 12, [name for name, _ in CHECKS]


def other_arguments(fn, course) -> dict:
    """The course objects a function needs besides its first argument (by parameter name)."""
    needed = [n for n, p in list(inspect.signature(fn).parameters.items())[1:]
              if p.default is inspect.Parameter.empty]
    missing = [n for n in needed if not hasattr(course, n)]
    assert not missing, f"teach this test how to call {fn.__name__} ({missing})"
    return {n: getattr(course, n) for n in needed}


@pytest.mark.parametrize("check", [fn for _, fn in CHECKS], ids=[name for name, _ in CHECKS])
def test_every_check_answers_any_answer_with_feedback(check, course):
    others = other_arguments(check, course)

    def body(answer):
        feedback = check(answer, **others)
        assert isinstance(feedback, Feedback), f"returned {feedback!r}, not a Feedback"
        assert feedback.correct in (True, False, None)
        assert isinstance(feedback.message, str) and feedback.message.strip()
        assert repr(feedback)  # shows as one line in the notebook
        if answer is ...:
            assert feedback.correct is None, "the `...` placeholder must read as 'not answered'"

    run_hypothesis(40, any_answer, body)


# --- helpers that take text or words from a student ------------------------------------------

@dataclass
class Case:
    name: str
    call: Any  # (course, example) -> result
    strategy: Any
    examples: int
    never_raises: bool = False  # its docstring promises it


CASES = [
    Case("tokens.split_sentences", lambda c, t: tokens.split_sentences(t), student_text, 60),
    Case("tokens.playground_encode", lambda c, t: tokens.playground_encode(c.tokenizer, t),
         student_text, 30, never_raises=True),
    Case("tokens.train_bpe", lambda c, ws: tokens.train_bpe(ws, vocab_size=60), student_words, 10),
    Case("tokens.mean_tokens_per_sentence",
         lambda c, ws: tokens.mean_tokens_per_sentence(c.tiny_bpe, ws), student_words, 40),
    Case("embeddings.word_pieces", lambda c, t: embeddings.word_pieces(t, c.tokenizer),
         student_text, 40),
    Case("embeddings.word_vector", lambda c, t: embeddings.word_vector(t, c.tokenizer, c.matrix),
         student_text, 40),
    Case("embeddings.word_vectors", lambda c, ws: embeddings.word_vectors(ws, c.tokenizer, c.matrix),
         student_words, 30),
    Case("embeddings.vocabulary_neighbours", lambda c, ws: embeddings.vocabulary_neighbours(
        c.matrix[2000], c.tokenizer, c.matrix, exclude=tuple(ws)), student_words, 20),
    Case("embeddings.contextual_vector",
         lambda c, t: embeddings.contextual_vector(t, "cat", c.tokenizer, c.model), student_text, 5),
    Case("embeddings.contextual_vector(word)",
         lambda c, t: embeddings.contextual_vector("The cat sat.", t, c.tokenizer, c.model),
         student_text, 5),
    Case("embeddings.contextual_vectors",
         lambda c, ws: embeddings.contextual_vectors(ws, "a", c.tokenizer, c.model), few_words, 5),
    Case("embeddings.sentence_embeddings",
         lambda c, ws: embeddings.sentence_embeddings(ws, c.tokenizer, c.model), few_words, 5),
    Case("embeddings.semantic_search", lambda c, t: embeddings.semantic_search(
        t, ["A cat sat.", t], c.tokenizer, c.model), student_text, 5),
    Case("embeddings.parse_word_list", lambda c, t: embeddings.parse_word_list(t), student_text, 60,
         never_raises=True),
    Case("embeddings.explore_words", lambda c, t: embeddings.explore_words(t, c.word_map),
         student_text, 20, never_raises=True),
    Case("attention.run_attention", lambda c, t: attention.run_attention(c.model, c.tokenizer, t),
         student_text, 5, never_raises=True),
    Case("attention.attention_between", lambda c, ws: attention.attention_between(
        c.run.weights, c.run.tokens, *(ws + ["cat", "it"])[:2]), student_words, 40),
    Case("training.block_of", lambda c, t: training.block_of(t), student_text, 40),
    Case("training.set_trainable_blocks",
         lambda c, ws: training.set_trainable_blocks(c.classifier, ws), student_words, 30),
    Case("training.freezing_summary",
         lambda c, ws: training.freezing_summary(c.classifier, ws), student_words, 30),
    Case("training.apply_strategy", lambda c, t: training.apply_strategy(c.classifier, t),
         student_text, 30),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_student_text_works_or_is_explained(case, course):
    def body(example):
        works_or_explains(lambda: case.call(course, example), case.never_raises)

    run_hypothesis(case.examples, case.strategy, body)


# --- widgets ----------------------------------------------------------------------------------

FACTORIES = [(lesson.widget, lesson.widget_class()) for lesson in LESSONS if lesson.widget]
TEXT_BOXES = (ipywidgets.Text, ipywidgets.Textarea, ipywidgets.Combobox)
SLIDERS = (ipywidgets.IntSlider, ipywidgets.FloatSlider)
CHOICES = (ipywidgets.Dropdown, ipywidgets.ToggleButtons, ipywidgets.RadioButtons)
MOVES = 12  # enough positions/ticks/choices for any of the course's widgets

# What a student does to a widget: types text, ticks boxes, drags sliders, picks from menus.
widget_moves = st.fixed_dictionaries({
    "text": student_text,
    "ticks": st.lists(st.booleans(), min_size=MOVES, max_size=MOVES),
    "positions": st.lists(st.floats(0, 1), min_size=MOVES, max_size=MOVES),
    "choices": st.lists(st.integers(0, 1000), min_size=MOVES, max_size=MOVES),
})
ALWAYS_MOVES = [
    {"text": text, "ticks": [n % 2 == 0] * MOVES, "positions": [float(n % 2)] * MOVES,
     "choices": [n] * MOVES}
    for n, text in enumerate(ALWAYS_TEXT)
]


def build(widget_class, course):
    """Build a course widget the one way they are all built: (tokenizer, model)."""
    model = course.classifier if widget_class.__name__ == "FreezingPanel" else course.model
    return widget_class(course.tokenizer, model)


def descendants(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from descendants(child)


def test_every_lesson_widget_is_covered():
    assert len(FACTORIES) >= 3, [name for name, _ in FACTORIES]


@pytest.mark.parametrize("factory", [fn for _, fn in FACTORIES], ids=[n for n, _ in FACTORIES])
def test_widget_answers_whatever_the_student_does(factory, course):
    """Any text in its text boxes, any ticks, any slider position, any menu choice: the
    widget's callback runs without an exception and shows no traceback."""
    root = build(factory, course)
    assert callable(getattr(root, "update", None)), "root.update (the callback) is missing"
    controls = list(getattr(root, "controls", {}).values())
    kinds = {kind: [c for c in controls if isinstance(c, kind)]
             for kind in (TEXT_BOXES, ipywidgets.Checkbox, SLIDERS, CHOICES)}

    def body(moves):
        def act():
            for box in kinds[TEXT_BOXES]:
                box.value = moves["text"]  # the widget's own observer runs here
            for box, tick in zip(kinds[ipywidgets.Checkbox], moves["ticks"], strict=False):
                box.value = tick
            for slider, at in zip(kinds[SLIDERS], moves["positions"], strict=False):
                value = slider.min + at * (slider.max - slider.min)
                slider.value = round(value) if isinstance(slider, ipywidgets.IntSlider) else value
            for menu, pick in zip(kinds[CHOICES], moves["choices"], strict=False):
                if menu.options:
                    menu.index = pick % len(menu.options)
            root.update()

        works_or_explains(act, never_raises=True)
        shown = " ".join(str(w.value) for w in descendants(root.view) if isinstance(w, ipywidgets.HTML))
        assert "Traceback" not in shown

    run_hypothesis(8, widget_moves, body)
