"""Lesson 3: attention."""

from helpers._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "compute": [
        "AttentionRun",
        "MAX_TOKENS",
        "SMALL_INPUT",
        "attention",
        "attention_between",
        "describe_input",
        "head_statistics",
        "library_attention",
        "offset_share",
        "recompute_attention",
        "run_attention",
        "same_word_share",
        "select_map",
        "split_heads",
    ],
    "plots": [
        "attention_bars",
        "attention_head_grid",
        "attention_heatmap",
    ],
    "widget": [
        "ATTENTION_EXAMPLE",
        "AttentionExplorer",
        "AttentionFigure",
        "MAX_BARS",
        "attention_view_title",
        "draw_attention_view",
        "figure_png",
    ],
    "exercises": [
        "TOY_KEYS",
        "TOY_KITTEN",
        "TOY_PUPPY",
        "TOY_VALUES",
        "check_masked_weights",
        "check_previous_token_head",
        "check_toy_output",
        "check_toy_weights",
    ],
})
