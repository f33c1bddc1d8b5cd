"""Lesson 4: freezing and unfreezing (see each module's docstring for its sections)."""

from helpers._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "compute": [
        "Encoded", "FreezeSummary", "LABELS", "REVIEWS_CSV", "SPLITS", "SPLIT_SIZES", "STRATEGIES",
        "TASKS", "TOPICS", "TOPICS_CSV", "TOPIC_SPLIT_SIZES", "apply_strategy", "block_names",
        "block_of", "count_parameters", "encode_splits", "freezing_summary", "load_reviews",
        "load_task", "load_topics", "optimizer_state_size", "parameter_table",
        "saved_for_backward_bytes", "set_trainable_blocks", "strategy_blocks", "stratified_rows",
    ],
    "fitting": [
        "Curve", "LEARNING_RATES", "accuracy", "evaluate_model", "fit_model", "fresh_model",
        "learning_rate_for", "new_classifier", "run_full_finetuning", "seconds_per_step",
        "train_early_stopping",
    ],
    "features": ["Features", "StrategyHead", "TopLayerCLS", "cache_features", "evaluate_head", "train_head"],
    "curves": [
        "FULL_FT_LOOP", "FULL_FT_SEEDS", "FULL_FT_SIZES", "HEAD_LOOP", "LIVE", "RECORDED_CSV", "SEEDS", "SIZES",
        "curve_table", "frozen_curve", "frozen_point", "full_finetuning_point", "gap_table", "load_recorded",
        "mean_at", "recorded_grid", "recorded_point", "same_as_recorded", "summarise",
    ],
    "plots": ["STRATEGY_STYLE", "plot_loss_curve", "plot_parameter_blocks", "plot_size_curves"],
    "widget": ["FreezingPanel", "freezing_bar_html", "train_choice"],
    "answers": ["freeze_all_but_reference", "head_size", "layer_size", "pooler_size"],
    "exercises": [
        "CHECKS", "check_bug_conditions", "check_freeze_all_but", "check_head_only_count",
        "check_last_layer_count", "check_optimizer_params", "check_reviews_reason",
        "check_small_data_winner", "check_tools",
    ],
})
