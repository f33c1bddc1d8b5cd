"""Plots of lesson 1 (tokens): the vocabulary trade-off (section 3) and the attention mask
as a grid (section 6)."""

from typing import TYPE_CHECKING

from matplotlib.ticker import FuncFormatter

from helpers.style import GROUP_COLOURS, new_axes

if TYPE_CHECKING:  # pyplot itself is imported by new_axes, when a figure is drawn
    from matplotlib.axes import Axes


def attention_mask_grid(
    tokens: list[list[str]], attention_mask: list[list[int]], ax: "Axes | None" = None
) -> "Axes":
    """Draw a padded batch as a grid, rows = sentences, columns = positions; return the axes.

    `tokens` and `attention_mask` have shape (batch, seq_len). Each cell shows its token and
    mask value: real tokens (mask 1) are blue, padding (mask 0) is pale grey and hatched.
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch, Rectangle

    rows, cols = len(attention_mask), len(attention_mask[0]) if attention_mask else 0
    if rows == 0 or cols == 0 or any(len(r) != cols for r in attention_mask):
        raise ValueError("attention_mask must be a non-empty rectangle: pad the batch first.")
    ax = new_axes(ax, figsize=(max(6.0, 1.1 * cols), 1.0 + 0.9 * rows))
    real, pad = GROUP_COLOURS[0], "#E6E6E6"
    ax.imshow(attention_mask, cmap=ListedColormap([pad, real]), vmin=0, vmax=1, aspect="auto")
    for r in range(rows):
        for c in range(cols):
            is_real = attention_mask[r][c] == 1
            if not is_real:
                ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, hatch="//",
                                       edgecolor="#AAAAAA", linewidth=0))
            ax.text(c, r, f"{tokens[r][c]}\n{attention_mask[r][c]}", ha="center", va="center",
                    fontsize="small", color="white" if is_real else "#555555")
    ax.set_xticks(range(cols), [str(c) for c in range(cols)])
    ax.set_yticks(range(rows), [f"sentence {r + 1}" for r in range(rows)])
    ax.set_xticks([c - 0.5 for c in range(1, cols)], minor=True)
    ax.set_yticks([r - 0.5 for r in range(1, rows)], minor=True)
    ax.grid(False)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    ax.set_xlabel("position in the sequence")
    ax.set_title("attention_mask: 1 = real token, 0 = padding")
    ax.legend(handles=[Patch(color=real, label="1: real token"),
                       Patch(facecolor=pad, hatch="//", edgecolor="#AAAAAA", label="0: [PAD]")],
              loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return ax


def vocab_tradeoff(
    vocab_sizes: list[int],
    tokens_per_sentence: list[float],
    references: dict[str, tuple[int, float]] | None = None,
    ax: "Axes | None" = None,
) -> "Axes":
    """Plot average tokens per sentence against vocabulary size (log x axis); return the axes.

    `references` maps a label to one (vocab_size, tokens_per_sentence) point drawn apart as a
    square with its vocabulary size written above it,
    e.g. {"characters": (60, 71.2), "whitespace words": (1500, 13.1)}.
    """
    ax = new_axes(ax)
    ax.plot(vocab_sizes, tokens_per_sentence, "o-", color=GROUP_COLOURS[0], label="our tiny BPE")
    for (label, (size, length)), colour in zip((references or {}).items(), GROUP_COLOURS[1:],
                                              strict=False):
        ax.plot([size], [length], "s", markersize=9, color=colour, label=label)
        ax.annotate(f"{size:,}", (size, length), xytext=(0, 9), textcoords="offset points",
                    ha="center", color="0.2")
    ax.margins(y=0.12)  # room for the labels above the squares
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:,.0f}"))  # 1,000 not 10^3
    ax.set_xlabel("vocabulary size (log scale)")
    ax.set_ylabel("average tokens per sentence")
    ax.set_title("Bigger vocabulary, shorter sequences")
    ax.legend(frameon=False)
    return ax


