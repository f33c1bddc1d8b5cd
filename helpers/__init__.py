"""Small helpers shared by the lesson notebooks of *How transformers read text*.

One folder per idea, each with the same modules: `compute` (pure functions on text and
tensors), `plots` (draw on an `ax`, return it), `widget` (the lesson's interactive) and
`exercises` (its checks). A notebook imports by name, e.g.
``from helpers.attention import attention_heatmap, AttentionExplorer``.

    helpers/tokens/      lesson 1      helpers/models.py    load and verify the model
    helpers/embeddings/  lesson 2      helpers/style.py     plot style, presentation_mode
    helpers/attention/   lesson 3      helpers/feedback.py  the Feedback of every check
    helpers/training/    lesson 4      helpers/text.py      the one rule for student text
                                       helpers/widget.py    the widget base class
                                       helpers/runtime.py   seeds and thread counts
                                       helpers/lessons.py   LESSONS, the registry

Nothing runs at import time (no seeds, no plot style, no network), and importing a name loads
only the module that defines it.
"""

from helpers._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "paths": ["DATA_DIR"],
    "runtime": ["seed_everything", "torch_threads", "torch_seeded"],
    "style": ["presentation_mode", "use_course_style"],
    "lessons": ["LESSONS"],
})
