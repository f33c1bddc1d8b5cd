"""Lesson 1: tokens."""

from helpers._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "compute": [
        "CORPUS_PATH",
        "MAX_CHARS",
        "MAX_DRAWN_TOKENS",
        "MAX_SENTENCES",
        "PADDING_CHOICES",
        "PlaygroundResult",
        "load_corpus",
        "mean_tokens_per_sentence",
        "merges_of",
        "playground_encode",
        "split_sentences",
        "train_bpe",
    ],
    "plots": [
        "attention_mask_grid",
        "vocab_tradeoff",
    ],
    "widget": [
        "PLAYGROUND_EXAMPLE",
        "TokenizerPlayground",
        "playground_html",
    ],
    "exercises": [
        "MASK_ANSWER",
        "MASK_BATCH",
        "PAIR",
        "PAIR_TYPE_IDS",
        "SPECIAL_IDS",
        "TRUNCATION_ANSWER",
        "TRUNCATION_SENTENCE",
        "UNBELIEVABLY_TOKENS",
        "check_attention_mask",
        "check_sep_id",
        "check_token_type_ids",
        "check_truncated_ids",
        "check_wordpiece_tokens",
    ],
})
