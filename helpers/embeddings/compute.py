"""Lesson 2's computations, one import away: `from helpers.embeddings.compute import ...`.

Pure functions on text and tensors (no plotting, no widgets), kept in four small modules by
the part of the lesson they serve:
- `vectors`: sections 1-6, static word vectors, cosine similarity, PCA, neighbours;
- `inputs`: section 7, what enters layer 0 (word + position + token type, LayerNorm);
- `sentences`: sections 8-9, contextual vectors (`bank`), mean pooling, semantic search;
- `explorer`: section 10, the embedding map explorer's computation.
"""

from helpers.embeddings.explorer import (
    MAX_WORDS,
    SEPARATORS,
    Exploration,
    PlacedWord,
    WordMap,
    build_word_map,
    explore_words,
    parse_word_list,
)
from helpers.embeddings.inputs import (
    attention_step,
    embedding_tables,
    layer0_inputs,
    position_similarity,
    similarity_by_distance,
)
from helpers.embeddings.sentences import (
    BANK_SENTENCES,
    BANK_SHIFT_PREFIX,
    SEARCH_SENTENCES,
    contextual_vector,
    contextual_vectors,
    mean_pool,
    semantic_search,
    sentence_embeddings,
    shifted,
    word_positions,
)
from helpers.embeddings.vectors import (
    Projection,
    as_text_list,
    cosine_matrix,
    embedding_matrix,
    fit_pca,
    great_circle_km,
    load_aspect_seeds,
    load_cities,
    load_word_groups,
    mean_similarity,
    nearest_in_list,
    nearest_on_map,
    vocabulary_neighbours,
    word_pieces,
    word_vector,
    word_vectors,
)

__all__ = [
    "BANK_SENTENCES", "BANK_SHIFT_PREFIX", "MAX_WORDS", "SEARCH_SENTENCES", "SEPARATORS",
    "Exploration", "PlacedWord", "Projection", "WordMap",
    "as_text_list", "attention_step", "build_word_map", "contextual_vector",
    "contextual_vectors", "cosine_matrix", "embedding_matrix",
    "embedding_tables", "explore_words", "fit_pca", "great_circle_km", "layer0_inputs",
    "load_aspect_seeds", "load_cities", "load_word_groups", "mean_pool",
    "mean_similarity", "nearest_in_list", "nearest_on_map", "parse_word_list",
    "position_similarity", "semantic_search", "sentence_embeddings", "shifted",
    "similarity_by_distance",
    "vocabulary_neighbours", "word_pieces", "word_positions",
    "word_vector", "word_vectors",
]
