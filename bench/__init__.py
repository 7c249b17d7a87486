"""Benchmarks: speed and memory targets live here, never in timed tests.

`make bench` runs every `bench/bench_*.py` module's `run(report)` against the configured
database, prints each figure beside its baseline with the data size, and writes them to
bench/results/latest.json.
"""
