"""Lesson 1: tokens (notebooks/01_tokenization.ipynb)."""

from helpers._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "compute": [
        "CORPUS_PATH",
        "MAX_DRAWN_TOKENS",
        "MAX_SENTENCES",
        "PADDING_CHOICES",
        "PlaygroundResult",
        "load_corpus",
        "mean_tokens_per_sentence",
        "merges_of",
        "pad_batch",
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
        "LOST_TOKENS",
        "PAD_BATCH",
        "PAD_CASES",
        "PAIR",
        "TOY_VOCAB",
        "TOY_WORD",
        "TRUNCATION_MAX_LENGTH",
        "TRUNCATION_SENTENCE",
        "check_lost_tokens",
        "check_pad",
        "check_pad_count",
        "check_pair_length",
        "check_token_type_ids",
        "check_toy_wordpiece",
    ],
})
