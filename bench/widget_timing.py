"""Time each widget's update the way a student triggers it, inside a Jupyter kernel.

`python -m bench` imports this module in a fresh kernel (so matplotlib's inline backend,
the widget comms and IPython's display machinery are the real ones) and calls `run_all`.
Each scenario builds its lesson's widget (found through `helpers.LESSONS`), makes one untimed
change (the first update pays for caches and lazy imports; it is reported as "first"), then
times `UPDATES` changes of one control. Setting a control's `.value` runs the widget's
observer at once, in the same thread, so the time measured is the whole callback.
"""

import statistics
import time
from collections.abc import Callable

UPDATES = 20

# Twenty-one different inputs each, so no update is served from a cache of an earlier one.
SENTENCES = [
    "The cat sat on the mat because it was warm.",
    "A bank can hold money, and a river has a bank too.",
    "She told her friend that she would call tomorrow.",
    "Transformers read text as numbers.",
    "The trophy did not fit in the suitcase because it was too big.",
    "After the storm, the fishermen repaired their nets on the beach.",
    "Paris is the capital of France.",
    "He played the guitar while his sister sang an old song.",
    "Tokenizers split unfamiliar words into smaller pieces.",
    "The children laughed when the dog caught the ball.",
    "My laptop runs this course offline in a few seconds.",
    "Attention lets every token look at every other token.",
    "The old man the boats.",
    "Green ideas sleep furiously, said the linguist.",
    "When the lights went out, everyone in the theatre gasped.",
    "Fine-tuning changes the weights of a pretrained model.",
    "The recipe needs two eggs, flour, sugar and a pinch of salt.",
    "Bees visit thousands of flowers every single day.",
    "The committee postponed its decision until next week.",
    "It rained all night, so the match was cancelled.",
    "Nobody expected the quiet student to win the debate.",
]
TEXTS = SENTENCES[:15] + [
    "Unbelievably, tokenization handles antidisestablishmentarianism.",
    "Émile a déjà mangé 3 croissants 🥐 à 8h30.",
    "東京は日本の首都です。",
    "def add(a, b):\n    return a + b",
    " ".join(SENTENCES[:8]),  # a paragraph
    "https://example.org/path?query=1&lang=en",
]
WORD_SETS = [
    "cat, dog, horse, cow",
    "king, queen, prince, princess",
    "red, green, blue, yellow",
    "Paris, London, Berlin, Rome",
    "happy, sad, angry, calm",
    "car, bus, train, bicycle",
    "apple, banana, cherry, grape",
    "run, walk, swim, jump",
    "doctor, nurse, teacher, lawyer",
    "Monday, Friday, January, July",
    "piano, guitar, violin, drum",
    "river, mountain, forest, desert",
    "one, two, three, four",
    "bread, cheese, butter, milk",
    "shirt, shoe, hat, coat",
    "cold, hot, warm, cool",
    "sun, moon, star, planet",
    "chair, table, sofa, bed",
    "rain, snow, wind, storm",
    "gold, silver, iron, copper",
    "football, tennis, chess, golf",
]


def _models(kind: str):
    """Return (and cache) the tokenizer or a model, loaded once per kernel."""
    from helpers.models import load_model, load_tokenizer

    cache = _models.__dict__.setdefault("cache", {})
    if kind not in cache:
        cache[kind] = load_tokenizer() if kind == "tokenizer" else load_model(kind)
    return cache[kind]


def build(lesson):
    """Build a lesson's widget the one way every course widget is built: (tokenizer, model)."""
    return lesson.widget_class()(_models("tokenizer"), _models(lesson.model_kind))


def _control(widget, name: str):
    """Return the widget's control called `name` (a renamed control fails loudly)."""
    if name not in widget.controls:
        raise LookupError(f"no control named {name!r} in {sorted(widget.controls)}")
    return widget.controls[name]


def set_text(name: str, values: list[str]):
    """Return an action that types values[i] into the text control."""

    def action(root, i):
        _control(root, name).value = values[i % len(values)]

    return action


def move_slider(name: str):
    """Return an action that moves the slider one step (and back at the end of its range)."""

    def action(root, i):
        slider = _control(root, name)
        step = getattr(slider, "step", 1) or 1
        nxt = slider.value + step
        slider.value = nxt if nxt <= slider.max else slider.min

    return action


def toggle(name: str):
    """Return an action that flips a checkbox (or toggle button)."""

    def action(root, i):
        box = _control(root, name)
        box.value = not box.value

    return action


# (widget, lesson notebook in helpers.LESSONS, what the student does, action)
SCENARIOS = [
    ("tokenizer playground", "01_tokenization", "new text", set_text("text", TEXTS)),
    ("attention explorer", "03_attention", "slider move (head)", move_slider("head")),
    ("attention explorer", "03_attention", "slider move (layer)", move_slider("layer")),
    ("attention explorer", "03_attention", "new sentence", set_text("sentence", SENTENCES)),
    ("attention explorer", "03_attention", "compare: new pair", lambda root, i: root.show(
        view="compare", sentence=SENTENCES[i % len(SENTENCES)],
        other="Not really: " + SENTENCES[i % len(SENTENCES)])),
    ("attention explorer", "03_attention", "compare: slider move (layer)",
     lambda root, i: root.show(view="compare", layer=i % 6)),
    ("attention explorer", "03_attention", "all layers: new sentence",
     lambda root, i: root.show(view="all layers", sentence=SENTENCES[i % len(SENTENCES)])),
    ("attention explorer", "03_attention", "all layers: slider move (head)",
     lambda root, i: root.show(view="all layers", head=i % 12)),
    ("embedding explorer", "02_embeddings", "new words", set_text("words", WORD_SETS)),
    ("freezing panel", "05_freezing", "checkbox", toggle("pooler")),
]


def lesson_named(notebook: str):
    """Return the helpers.LESSONS entry of `notebook`."""
    from helpers import LESSONS

    return next(lesson for lesson in LESSONS if lesson.notebook == notebook)


def time_scenario(lesson, action: Callable, updates: int = UPDATES) -> dict:
    """Build a widget, make one untimed change, then time `updates` changes; milliseconds.

    Also the median CPU time of the kernel process per update (all threads): on a busy
    machine it stays near the quiet wall time, while the wall time grows with the load."""
    root = build(lesson)
    t0 = time.perf_counter()
    action(root, 0)
    first = (time.perf_counter() - t0) * 1000
    samples, cpu = [], []
    for i in range(1, updates + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        action(root, i)
        samples.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return {"first_ms": first, "samples_ms": samples, "cpu_median_ms": statistics.median(cpu)}


def percentile(values: list[float], q: float) -> float:
    """Return the q-th percentile (0-100) with linear interpolation between order statistics."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def summarise(samples: list[float]) -> dict:
    """Return median, p95 and max of `samples`."""
    return {"median_ms": statistics.median(samples), "p95_ms": percentile(samples, 95),
            "max_ms": max(samples), "n": len(samples)}


def run_all(updates: int = UPDATES) -> list[dict]:
    """Time every scenario; a failing one is reported in the table, not raised."""
    results = []
    for widget, notebook, what, action in SCENARIOS:
        row = {"widget": widget, "lesson": notebook, "action": what}
        try:
            timed = time_scenario(lesson_named(notebook), action, updates)
            row.update(timed, **summarise(timed["samples_ms"]))
        except Exception as err:  # report it in the table, keep timing the others
            row["error"] = f"{type(err).__name__}: {err}"[:300]
        results.append(row)
    return results
