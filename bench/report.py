"""Collects benchmark figures and prints them as one table."""

import statistics
import time


def percentile(samples, fraction):
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def time_calls(function, repeat=30, warmup=3):
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": statistics.median(samples), "p95_ms": percentile(samples, 0.95)}


class Report:
    def __init__(self):
        self.rows = []
        # The benchmark module now running; its rows carry it so a partial run can replace them.
        self.module = None

    def add(self, what, size, figure, baseline=None, target=None):
        row = {
            "module": self.module,
            "what": what,
            "size": size,
            "figure": figure,
            "baseline": baseline,
            "target": target,
        }
        self.rows.append(row)
        print(f"  {what}: {figure}  (baseline: {baseline}, target: {target}, size: {size})")

    def print_table(self):
        print("\n| what | size | figure | baseline | target |\n|---|---|---|---|---|")
        for row in self.rows:
            print(
                f"| {row['what']} | {row['size']} | {row['figure']} | {row['baseline'] or '—'} | {row['target'] or '—'} |"
            )
