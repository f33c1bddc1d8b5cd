"""Hypothesis strategies shared by lesson 1's tests: text a student might type or paste."""

from hypothesis import strategies as st

tricky_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "\n\n", "\t \r\n", "\x00\x07\x1b", "مرحبا بالعالم", "שלום עולם",
                     "\u202eevil\u202c", "🍕🍕🍕", "東京タワー", "नमस्ते", "<b>&amp;</b>",
                     "a" * 10_000, "word " * 2_000]),
)
