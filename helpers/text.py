"""The one rule for text a student types into a widget or passes to a helper.

Every lesson applies it the same way: text must be a string; a lone UTF-16 surrogate (half of
a broken character, which cannot be encoded) becomes U+FFFD, the Unicode replacement character;
text longer than MAX_CHARS is cut there. Each change is reported as a note in plain words.
"""

MAX_CHARS = 2_000  # far more than the model reads (512 tokens) and than a widget can draw
REPLACEMENT = "\ufffd"


def has_lone_surrogate(text: str) -> bool:
    """Return True if `text` holds a lone surrogate (U+D800 to U+DFFF)."""
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def clean_text(text: object, what: str = "text", max_chars: int = MAX_CHARS) -> tuple[str, list[str]]:
    """Return (`text` made safe to tokenize, notes on what changed); raise TypeError if not a str."""
    if not isinstance(text, str):
        raise TypeError(f"The {what} must be a string (text), not {type(text).__name__}.")
    notes = []
    if has_lone_surrogate(text):
        text = "".join(REPLACEMENT if "\ud800" <= ch <= "\udfff" else ch for ch in text)
        notes.append(f"The {what} held a broken character (a lone surrogate); it is shown as {REPLACEMENT}.")
    if len(text) > max_chars:
        notes.append(f"The {what} has {len(text):,} characters; only the first {max_chars:,} are read.")
        text = text[:max_chars]
    return text, notes
