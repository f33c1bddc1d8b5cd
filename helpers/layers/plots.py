"""Plots of lesson 4 (inside a layer): the diagram of one encoder layer (section 7)."""

import matplotlib as mpl

from helpers.style import GROUP_COLOURS, new_axes


# The boxes of one encoder layer, top to bottom: (label, colour index, detail).
def _layer_boxes(config) -> list[tuple[str, int, str]]:
    hidden, heads = config.hidden_size, config.num_attention_heads
    inner, d_head = config.intermediate_size, hidden // heads
    return [
        ("input x", 4, f"(tokens, {hidden})"),
        ("Q, K, V = x W + b", 0, f"three Linear({hidden} -> {hidden}); {heads} heads of {d_head}"),
        (f"{heads} heads: softmax(Q K^T / sqrt({d_head})) V", 0,
         f"each head: weights (tokens, tokens), output (tokens, {d_head})"),
        ("concatenate the heads, then W_O", 0,
         f"{heads} x {d_head} = {hidden};  Linear({hidden} -> {hidden})"),
        ("add x (residual), LayerNorm", 2, f"(tokens, {hidden})"),
        ("feed-forward: Linear, GELU, Linear", 1,
         f"{hidden} -> {inner:,} -> {hidden}, each token on its own"),
        ("add (residual), LayerNorm", 2, f"(tokens, {hidden}): the input of the next layer"),
    ]


def layer_diagram(config, ax=None):
    """Draw one encoder layer as boxes top to bottom, labelled with this model's sizes from
    `config` (hidden_size, num_attention_heads, intermediate_size), with the two residual
    connections drawn as arrows on the side. Returns the axes."""
    ax = new_axes(ax, figsize=(9.5, 5.8))
    boxes = _layer_boxes(config)
    step, height = 1.0 / len(boxes), 0.68 / len(boxes)
    centres = [1 - step * (i + 0.5) for i in range(len(boxes))]
    for (label, colour, detail), y in zip(boxes, centres, strict=True):
        ax.add_patch(mpl.patches.FancyBboxPatch(
            (0.06, y - height / 2), 0.8, height, boxstyle="round,pad=0.01",
            facecolor=GROUP_COLOURS[colour], alpha=0.25, edgecolor=GROUP_COLOURS[colour]))
        ax.text(0.46, y + height * 0.2, label, ha="center", va="center", fontweight="bold")
        ax.text(0.46, y - height * 0.26, detail, ha="center", va="center", fontsize="small")
    for upper, lower in zip(centres, centres[1:], strict=False):
        ax.annotate("", (0.46, lower + height / 2 + 0.01), (0.46, upper - height / 2 - 0.01),
                    arrowprops={"arrowstyle": "->", "lw": 1.5})
    for start, end in ((0, 4), (4, 6)):  # residual connections: around attention, around the FFN
        ax.annotate("", (0.87, centres[end]), (0.87, centres[start] - height / 4),
                    arrowprops={"arrowstyle": "->", "lw": 1.5, "color": GROUP_COLOURS[5],
                                "connectionstyle": "bar,fraction=-0.12"})
    for (start, end), x in (((0, 4), 0.965), ((4, 6), 0.94)):
        ax.text(x, (centres[start] + centres[end]) / 2, "residual", rotation=90, va="center",
                ha="center", color=GROUP_COLOURS[5], fontsize="small")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    ax.set_title(f"One encoder layer of this model ({config.num_hidden_layers} in a row)")
    return ax
