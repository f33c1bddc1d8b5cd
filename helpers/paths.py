"""Where the course's files are: inside the installed package, so a notebook opened from any
folder (or a `pip install` of the course, with no clone) finds them."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
