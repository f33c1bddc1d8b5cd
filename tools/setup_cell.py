"""The few lines at the top of every lesson's first code cell that make it run outside a clone.

Where the course is installed (a clone with `make lab`, a `pip install` of the course, a
classroom hub image) they do nothing and print nothing, so committed outputs stay the same.
Where `helpers` is missing they say in one sentence what to run; on Google Colab (found by
`google.colab` being importable) they run that pip command themselves.

    python tools/setup_cell.py --url <git URL> notebooks/0*.ipynb           # insert or update
    python tools/setup_cell.py --url <git URL> --check notebooks/0*.ipynb   # 1 if one lacks it
"""

import argparse
import sys
from pathlib import Path

import nbformat

# The course's public git repository: set it (or pass --url) before inserting the block.
COURSE_GIT_URL = "https://github.com/OWNER/how-transformers-read"
BEGIN = "# --- course setup: runs the lesson outside a clone (tools/setup_cell.py) ---"
END = "# --- end of course setup ---"


def setup_source(url: str = COURSE_GIT_URL) -> str:
    """Return the setup block for a course installed by `pip install "...@ git+<url>"`."""
    return f'''{BEGIN}
try:
    import helpers  # noqa: F401 (is the course installed?)
except ModuleNotFoundError:
    _course = "how-transformers-read @ git+{url}"
    try:
        import google.colab  # noqa: F401 (only Colab has it: there, install the course now)
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            f'This lesson needs the helpers package of the course: run  pip install "{{_course}}"  '
            "in a terminal, then restart the kernel."
        ) from None
    import importlib
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "pip", "install", "-q", _course], check=True)
    importlib.invalidate_caches()
{END}'''


SETUP_SOURCE = setup_source()


def with_setup(source: str, block: str = SETUP_SOURCE) -> str:
    """Return a cell's source with `block` at its top (replacing an older setup block)."""
    if BEGIN in source and END in source:
        before, rest = source.split(BEGIN, 1)
        source = before + rest.split(END, 1)[1].lstrip("\n")
    return f"{block}\n\n{source}" if source.strip() else block


def first_code_cell(nb):
    """Return the notebook's first code cell (ValueError if it has none)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            return cell
    raise ValueError("the notebook has no code cell to put the course setup in")


def insert_setup(path: Path, block: str = SETUP_SOURCE) -> bool:
    """Put `block` (the current setup block) at the top of `path`'s first code cell (outputs, counts and
    every other cell untouched); return True if the file changed."""
    nb = nbformat.read(path, as_version=4)
    cell = first_code_cell(nb)
    new = with_setup(cell.source, block)
    if new == cell.source:
        return False
    cell.source = new
    nbformat.write(nb, path)
    return True


def has_setup(path: Path, block: str = SETUP_SOURCE) -> bool:
    """Return True if `path`'s first code cell starts with `block`."""
    return first_code_cell(nbformat.read(path, as_version=4)).source.startswith(block)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="only report notebooks without it")
    parser.add_argument("--url", default=COURSE_GIT_URL, help="the course's public git repository")
    args = parser.parse_args(argv)
    block = setup_source(args.url)
    if args.check:
        missing = [str(p) for p in args.notebooks if not has_setup(p, block)]
        print("\n".join(f"{p}: no current course setup block" for p in missing) or "all have it")
        return 1 if missing else 0
    for path in args.notebooks:
        print(f"{path}: {'updated' if insert_setup(path, block) else 'already current'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
