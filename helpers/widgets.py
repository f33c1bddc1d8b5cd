"""The course's interactive widgets (ipywidgets 8), one factory per lesson.

Each widget is thin: a tested pure function computes, another draws, and the widget's
callback only calls them. Every factory returns the root box, with a CSS class named after
the widget (for the browser tests), `root.controls` (its inputs, by name) and `root.update`
(the callback, for benchmarks). Bad input is answered in words inside the widget.
"""

# --- Lesson 1: tokenizer playground ----------------------------------------

# --- Lesson 2: embedding map explorer --------------------------------------

# --- Lesson 3: attention explorer ------------------------------------------

# --- Lesson 4: freezing panel ----------------------------------------------
