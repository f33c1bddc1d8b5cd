"""The course's quiet, offline environment, for every process that runs a lesson outside make:
pytest and its kernels (conftest.py), the progress command, the slide figures, the classroom
tests. The Makefile exports the same values (a test keeps them in step)."""

COURSE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TRANSFORMERS_VERBOSITY": "warning",  # the warnings a lesson explains stay visible
    "TOKENIZERS_PARALLELISM": "false",
    "PYTHONHASHSEED": "0",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
}
