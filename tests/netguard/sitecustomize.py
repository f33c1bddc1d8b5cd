"""Python imports this module at start-up when tests/netguard is on PYTHONPATH.

The root conftest.py puts it there, so every Python process a test run starts (nbval's and
nbclient's kernels, JupyterLab, subprocesses) refuses network connections to other machines.
If another sitecustomize module exists further along sys.path, it still runs.
"""

import importlib.machinery
import importlib.util
import os
import sys

try:
    import course_netguard

    course_netguard.install()
except Exception as err:  # never stop Python from starting; say so loudly instead
    print(f"[course_netguard] could not cut the network: {err!r}", file=sys.stderr)

_here = os.path.dirname(os.path.abspath(__file__))
_rest = [p for p in sys.path if os.path.abspath(p or os.curdir) != _here]
_spec = importlib.machinery.PathFinder.find_spec("sitecustomize", _rest)
if _spec is not None and _spec.loader is not None:
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
