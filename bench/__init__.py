"""Benchmarks: how fast the course runs on one machine, measured against its floor.

Run with `make bench` (or `.venv/bin/python -m bench --help` from the repository root).
Modules: `kernel` runs cells in a fresh Jupyter kernel and measures wall time and peak
memory; `widget_timing` times the widgets' updates inside such a kernel; `setup_cost`
measures `.venv`; `report` prints the table and writes bench/RESULTS.md.
"""
