"""What setting the course up costs: the size of `.venv`, and (slow, optional) a fresh setup's time."""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def disk_usage(path: Path) -> int:
    """Return the bytes that the files under `path` take on disk (like `du -s`, links not followed)."""
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            try:
                st = os.lstat(os.path.join(folder, name))
            except OSError:
                continue
            total += getattr(st, "st_blocks", 0) * 512 or st.st_size
    return total


def fresh_setup(repo: Path) -> dict:
    """Clone the committed repository into a temporary folder and time `make setup` there.

    pip's cache is switched off so the install is what a first-time student gets (packages
    still come from this machine's configured package index). Returns seconds, venv bytes.
    """
    with tempfile.TemporaryDirectory(prefix="bench-setup-") as tmp:
        clone = Path(tmp) / "course"
        subprocess.run(["git", "clone", "--quiet", str(repo), str(clone)], check=True)
        env = dict(os.environ, PIP_NO_CACHE_DIR="1")
        start = time.perf_counter()
        done = subprocess.run(["make", "-C", str(clone), "setup"], env=env,
                              capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
            return {"error": "make setup failed: " + " | ".join(tail)}
        size = disk_usage(clone / ".venv")
        shutil.rmtree(clone, ignore_errors=True)
    return {"seconds": seconds, "venv_bytes": size}
