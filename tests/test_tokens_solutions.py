"""Every worked solution of lesson 1 passes its check, run inside the notebook itself.

The notebook is executed with each exercise cell replaced by the code of the solution in the
`<details>` block that follows it; each of those cells must then answer "✅ Correct".
"""

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "01_tokenization.ipynb"
SOLUTION = re.compile(r"<details>.*?```python\n(.*?)```.*?</details>", re.DOTALL)


def with_solutions(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, list[int]]:
    """Return a copy of `nb` whose exercise cells hold their solutions, and those cells' indices."""
    nb = nbformat.from_dict(nb)
    replaced = []
    for index, cell in enumerate(nb.cells):
        if "exercise" not in cell.metadata.get("tags", []):
            continue
        following = nb.cells[index + 1]
        match = SOLUTION.search(following.source) if following.cell_type == "markdown" else None
        assert match, f"exercise cell {index} has no <details> solution right after it"
        cell.source = match.group(1)
        replaced.append(index)
    return nb, replaced


def last_text(cell: nbformat.NotebookNode) -> str:
    """Return the text of a cell's last output."""
    output = cell.outputs[-1]
    return output.get("text") or output.get("data", {}).get("text/plain", "")


def test_the_notebook_has_at_least_four_exercises():
    _, replaced = with_solutions(nbformat.read(NOTEBOOK, as_version=4))
    assert len(replaced) >= 4


@pytest.mark.slow
def test_every_solution_passes_its_check():
    nb, replaced = with_solutions(nbformat.read(NOTEBOOK, as_version=4))
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    for index in replaced:
        assert last_text(nb.cells[index]).startswith("✅ Correct"), (index, last_text(nb.cells[index]))


def test_the_committed_exercises_are_unanswered():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if "exercise" in cell.metadata.get("tags", []):
            assert "answer = ...   # replace ... with your answer" in cell.source
            assert last_text(cell).startswith("✏️ Not answered yet")


def test_the_notebook_shows_the_worked_example_as_computed():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    shown = "".join(last_text(c) for c in nb.cells if c.cell_type == "code" and c.outputs
                    and "ids_by_hand = [vocab[token] for token in tokens]" in c.source)
    assert "tokens: ['[CLS]', 'hello', ',', 'world', '!', '[SEP]']" in shown
    assert "ids by hand: [101, 7592, 1010, 2088, 999, 102]" in shown
