# The students' notebooks in class/ are data for test_progress.py, not notebooks for nbval to
# check (some fail or sleep on purpose).
collect_ignore_glob = ["class/*", "class/**/*"]
