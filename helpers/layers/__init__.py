"""Lesson 4: inside a layer (notebooks/04_inside_a_layer.ipynb): compute, reference, plots,
exercises. No widget: the lesson's pictures are the layer diagram and printed comparisons."""

from helpers._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "compute": [
        "check_activation",
        "embeddings_by_hand",
        "encoder_by_hand",
        "feed_forward_parameters",
        "head_output",
        "layer_by_hand",
        "layer_norm",
        "layer_parts",
        "linear",
        "parameter_count",
    ],
    "reference": [
        "LESSON_LAYER",
    ],
    "plots": [
        "layer_diagram",
    ],
    "exercises": [
        "MIXING_STEPS",
        "check_causal_zeros",
        "check_feed_forward_parameters",
        "check_head_output",
        "check_layer_parameters",
        "check_mixing_step",
        "check_residual_change",
    ],
})
