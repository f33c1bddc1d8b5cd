"""Lesson 3: attention (notebooks/03_attention.ipynb): compute, reference, plots, widget, exercises."""

from helpers._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "compute": [
        "AttentionRun",
        "SMALL_INPUT",
        "attention",
        "attention_between",
        "attention_weights",
        "causal_mask",
        "describe_input",
        "head_role",
        "head_statistics",
        "max_tokens",
        "merge_heads",
        "offset_share",
        "padding_mask",
        "recompute_attention",
        "run_attention",
        "same_word_share",
        "select_map",
        "split_heads",
        "strongest_heads",
    ],
    "reference": [
        "ATTENTION_EXAMPLE",
        "ATTENTION_PAIR",
        "TOY_KEYS",
        "TOY_KITTEN",
        "TOY_PUPPY",
        "TOY_VALUES",
    ],
    "plots": [
        "all_heads_grid",
        "attention_bars",
        "attention_head_grid",
        "attention_heatmap",
    ],
    "widget": [
        "AttentionExplorer",
        "AttentionFigure",
        "MAX_BARS",
        "attention_view_title",
    ],
    "exercises": [
        "check_attention_by_hand",
        "check_masked_weights",
        "check_previous_token_head",
        "check_toy_output",
        "check_toy_weights",
        "check_unscaled_top_weight",
    ],
})
