"""Write the small class of student notebooks that tests/progress/test_progress.py grades.

Run from the repository root: `python tests/progress/make_class.py` (the notebooks are
committed; rerun only to change them). They call the real checks of lessons 1 and 3 that
need no model, so the whole class runs in seconds. What each should score is in
test_progress.py's EXPECTED.
"""

from pathlib import Path

import nbformat

CLASS = Path(__file__).resolve().parent / "class"
RIGHT_WEIGHTS = "[0.3837, 0.3837, 0.2327]"
RIGHT_OUTPUT = "[3.0692, 0.9308]"
RIGHT_MASKED = "[0.7311, 0.0, 0.2689]"


def imports(*names: str) -> str:
    if len(names) < 3:
        return f"from helpers.attention import {', '.join(sorted(names))}"
    return "from helpers.attention import (\n" + "".join(f"    {n},\n" for n in sorted(names)) + ")"



def notebook(*sources: str, stale: dict | None = None) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    for index, text in (stale or {}).items():  # an old output the run must replace
        nb.cells[index].outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    return nb


STUDENTS = {
    "alice/03_attention.ipynb": notebook(
        imports("check_masked_weights", "check_toy_output", "check_toy_weights"),
        f"answer = {RIGHT_WEIGHTS}\ncheck_toy_weights(answer)",
        "answer = [4, 0]\ncheck_toy_output(answer)",
        "answer = ...\ncheck_masked_weights(answer)",
        stale={1: "❌ Not yet: an old output, from before the student fixed the answer\n"},
    ),
    "alice/01_tokenization.ipynb": notebook(
        "from helpers.tokens import check_pair_length, check_token_type_ids",
        "check_pair_length(17)",
        "answer = ...\ncheck_token_type_ids(answer)",
    ),
    "bob-03_attention.ipynb": notebook(
        imports("check_masked_weights", "check_previous_token_head", "check_toy_output",
                "check_toy_weights"),
        "print(undefined_name)  # noqa: F821 (fails on purpose; the rest must still run)",
        "check_toy_weights([0.2, 0.3, 0.5])",
        f"check_toy_output({RIGHT_OUTPUT})",
        "import time\n\ntime.sleep(120)  # longer than the test's --timeout: interrupted",
        f"check_masked_weights({RIGHT_MASKED})",
        "check_previous_token_head(my_head)  # noqa: F821 (my_head was never defined)",
    ),
    "carol/03_attention.ipynb": notebook(
        imports("check_toy_weights"),
        "check_toy_weights([1, 1, 0.5])",
        f"check_toy_weights({RIGHT_WEIGHTS})  # second try: the last call counts",
    ),
    "carol/my_notes.ipynb": notebook("print('not a lesson')"),
}

if __name__ == "__main__":
    for name, nb in STUDENTS.items():
        path = CLASS / name
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        print(path.relative_to(CLASS.parent))
