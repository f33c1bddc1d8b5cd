"""Lesson 4: training."""

from helpers._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "compute": [
        "Encoded",
        "FreezeSummary",
        "History",
        "LABELS",
        "REVIEWS_CSV",
        "SPLITS",
        "SPLIT_SIZES",
        "STRATEGIES",
        "accuracy",
        "apply_strategy",
        "block_names",
        "block_of",
        "count_parameters",
        "encode_splits",
        "fit",
        "freezing_summary",
        "load_reviews",
        "one_thread",
        "optimizer_state_size",
        "parameter_table",
        "results_table",
        "run_strategy",
        "saved_for_backward_bytes",
        "set_trainable_blocks",
        "timing_table",
        "train_epoch",
    ],
    "plots": [
        "plot_learning_curves",
        "plot_parameter_blocks",
    ],
    "widget": [
        "FreezingPanel",
        "freezing_bar_html",
    ],
    "exercises": [
        "HEAD_ONLY_3_LABELS",
        "HIDDEN_SIZE",
        "LAST_LAYER_AND_HEAD",
        "TOOL_ROLES",
        "check_head_only_count",
        "check_last_layer_and_head",
        "check_optimizer_params",
        "check_tools",
    ],
})
