"""Exercise checks of lesson 4 (inside a layer), in the notebook's order (see CHECKS at the end).

Three kinds: predict before you run (exercises 1-3, in sections 3, 4 and 6, just above the
cell that shows the truth), write a function (exercise 4: one head, against the reference
`compute.head_output` on random inputs), reasoning (5 and 6). `check_x.hint(2)` gives the
second, more explicit hint. Expected numbers are written out for this model (tests/layers/
recomputes them from its weights), so a check other than exercise 3 never needs the model.
"""

from helpers.feedback import (
    Feedback,
    as_plain,
    compare_and_diagnose,
    exercise,
    is_whole_number,
    right,
    wrong,
)
from helpers.layers.reference import (
    ATTENTION_PARAMETERS,
    CAUSAL_TOKENS,
    FEED_FORWARD_PARAMETERS,
    LAYER_NORM_PARAMETERS,
    LAYER_PARAMETERS,
    MODEL_PARAMETERS,
    NUM_LAYERS,
    head_output_cases,
    head_output_mistakes,
    reference_head_output,
)


def _as_int(answer) -> int | None:
    """Return a whole number given as int, NumPy or torch integer (not bool, float or text)."""
    return as_plain(answer) if is_whole_number(answer) else None


def _words(answer) -> str | None:
    """Return a text answer lower-cased with single spaces, or None if it is not text."""
    return " ".join(answer.lower().split()) if isinstance(answer, str) else None


# --- Section 3, predict before you run: the feed-forward block's parameters ---------------

@exercise(expected=("1,181,568", "1181568"))
def check_feed_forward_parameters(answer) -> Feedback:
    """Predict: how many numbers (weights and biases) one layer's feed-forward block holds."""
    if (answer := _as_int(answer)) is None:
        return wrong("give one whole number, e.g. 1_000_000 (Python allows _ between digits).")
    weights = 2 * 384 * 1536
    if answer == FEED_FORWARD_PARAMETERS:
        return right(f"{answer:,}: two matrices of 384 x 1,536 ({weights:,}) and 1,536 + 384 "
                     "biases. That is two thirds of the layer.")
    hints = {
        weights: "that counts the weights only: each Linear also has one bias per output (1,536 and 384).",
        384 * 1536: "that is one of the two matrices: the block goes 384 -> 1,536 and back.",
        384 * 1536 + 1536: "that is the first Linear; add the second, 1,536 -> 384 (with its 384 biases).",
        weights + 2 * 1536: "the second Linear has 384 biases (one per output), not 1,536.",
        weights + 2 * 384: "the first Linear has 1,536 biases (one per output), not 384.",
        384 + 1536 + 384: "those are the sizes of the vectors; count the numbers stored in the matrices.",
        LAYER_PARAMETERS: "that is the whole layer (attention too); only the feed-forward block.",
    }
    return wrong(hints.get(answer, "count each Linear's weight matrix (inputs x outputs) and its biases."))


# --- Section 4, predict before you run: a layer without its residual connections -----------

@exercise(expected=("a lot",))
def check_residual_change(answer) -> Feedback:
    """Predict: does removing layer 3's two residual connections change its output a little or a lot?"""
    words = _words(answer)
    if words is None:
        return wrong("answer in words, as text: \"a little\" or \"a lot\" (the cell below measures it).")
    if words in ("a lot", "lot", "alot", "a lot."):
        return right("a lot: without the residuals the output points elsewhere (the cell below "
                     "measures it). The residual carries the token's own vector through the layer; "
                     "attention and the feed-forward block only add a change to it.")
    if words in ("a little", "little", "a bit", "a little."):
        return wrong("the attention output and the feed-forward output are changes to x, not x "
                     "itself: without the residual, the token's own vector is lost.")
    if words in ("nothing", "none", "no change", "not at all"):
        return wrong("it does change: the residual adds the layer's input x back in, twice.")
    return wrong("answer with the words 'a little' or 'a lot'.")


# --- Section 6, predict before you run: what the causal mask hides ------------------------

@exercise(expected=("120",))
def check_causal_zeros(answer) -> Feedback:
    """Predict: how many of one head's 16 x 16 weights the causal mask sets to exactly 0."""
    n, answer = CAUSAL_TOKENS, _as_int(answer)
    if answer is None:
        return wrong("give one whole number: how many weights are exactly 0.")
    if answer == n * (n - 1) // 2:
        return right(f"{answer} of the {n * n} weights: every cell above the diagonal. "
                     f"Token 0 keeps only itself (weight 1), the last token keeps all {n}.")
    hints = {
        n * (n + 1) // 2: "that counts the diagonal too: a token may always look at itself.",
        n * n: "not every weight: each token still sees itself and the tokens before it.",
        n * (n - 1): "that counts both sides of the diagonal; only the future (above it) is hidden.",
        n * n // 2: "close: half the grid minus the diagonal's share; a token keeps itself.",
        n - 1: "that is only the first token's row; every row but the last loses some keys.",
        (n - 2) * (n - 3) // 2: "[CLS] and [SEP] are tokens too: count all 16.",
        (n - 1) * (n - 2) // 2: f"count all {n} tokens: the sentence has {n} with [CLS] and [SEP].",
        0: "the causal mask does hide something: every key that comes after the query.",
    }
    return wrong(hints.get(answer, f"count the cells above the diagonal of a {n} x {n} grid."))


# --- Exercises at the end: one head by hand, where tokens mix, a layer's size --------------

@exercise(expected=("x @ sa.query.weight[rows].T + sa.query.bias[rows]",))
def check_head_output(answer, model) -> Feedback:
    """Write a function: one head's output (seq, 32) from the hidden state x (seq, 384)."""
    return compare_and_diagnose(answer, reference_head_output, head_output_cases(model),
                                head_output_mistakes(), name="one_head", returns="the head's output")


MIXING_STEPS = ("Q, K, V projections", "weights @ V", "W_O", "residual + LayerNorm", "feed-forward")
_PER_TOKEN = {
    "q, k, v projections": "x W_Q + b is computed row by row: token i's query uses token i's vector only.",
    "w_o": "W_O mixes the 12 heads of one token (its 384 numbers), not different tokens.",
    "residual + layernorm": "LayerNorm normalises each token's 384 numbers on their own, and the "
                            "residual adds each token's own input.",
    "feed-forward": "the feed-forward block runs on each token on its own (the diagram says so): "
                    "the same two Linear layers, row by row.",
}


@exercise(expected=("weights @ V",))
def check_mixing_step(answer) -> Feedback:
    """Reasoning: which step of a layer is the only one where tokens exchange information?"""
    words = _words(answer)
    if words is None:
        return wrong(f"give one of the steps as text, e.g. {MIXING_STEPS[0]!r}.")
    if words in ("weights @ v", "attention", "weights@v", "softmax(q k^t / sqrt(d)) v"):
        return right("weights @ V: each token's output is a weighted sum of every token's value. "
                     "Everything else in the layer works on one token at a time.")
    if words in _PER_TOKEN:
        return wrong(_PER_TOKEN[words])
    return wrong(f"pick one of {list(MIXING_STEPS)}.")


@exercise(expected=("1,774,464", "1774464"))
def check_layer_parameters(answer) -> Feedback:
    """Reasoning: how many numbers (weights and biases) one whole encoder layer stores."""
    if (answer := _as_int(answer)) is None:
        return wrong("give one whole number, e.g. 1_000_000.")
    if answer == LAYER_PARAMETERS:
        share = FEED_FORWARD_PARAMETERS / LAYER_PARAMETERS
        return right(f"{answer:,}: attention {ATTENTION_PARAMETERS:,}, feed-forward "
                     f"{FEED_FORWARD_PARAMETERS:,} ({share:.0%}), LayerNorms {LAYER_NORM_PARAMETERS:,}.")
    hints = {
        FEED_FORWARD_PARAMETERS: "that is the feed-forward block alone; add attention's four Linear layers.",
        ATTENTION_PARAMETERS: "that is attention alone (Q, K, V, W_O); add the feed-forward block.",
        ATTENTION_PARAMETERS + FEED_FORWARD_PARAMETERS: "add the two LayerNorms: each stores a weight "
                                                        "and a bias, 384 numbers each.",
        LAYER_PARAMETERS - 3 * (384 * 384 + 384): "attention has four Linear layers: Q, K, V and W_O.",
        LAYER_PARAMETERS - (384 * 384 + 384): "do not forget W_O, the output projection after the heads.",
        NUM_LAYERS * LAYER_PARAMETERS: "that is all six layers; the question asks for one.",
        MODEL_PARAMETERS: "that is the whole model, embeddings and pooler included; one layer only.",
    }
    return wrong(hints.get(answer, "add up Q, K, V and W_O (384 x 384 + 384 each), the "
                                   "feed-forward block and the two LayerNorms."))


# Every check of this lesson, in the notebook's order (helpers.LESSONS reads it).
CHECKS = (
    "check_feed_forward_parameters",
    "check_residual_change",
    "check_causal_zeros",
    "check_head_output",
    "check_mixing_step",
    "check_layer_parameters",
)
