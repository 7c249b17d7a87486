"""Run the benchmarks: python -m bench [name ...]."""

import json
import os
import platform
import sys
import time
from importlib import import_module
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection  # noqa: E402

from bench.report import Report  # noqa: E402

HERE = Path(__file__).resolve().parent


def main(names):
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if names:
        modules = [m for m in modules if any(n in m for n in names)]
    report = Report()
    for name in modules:
        print(f"\n## {name}")
        import_module(f"bench.{name}").run(report)
    report.print_table()
    results = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
        },
        "database": connection.vendor,
        "rows": report.rows,
    }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"\nwritten to {HERE / 'results' / 'latest.json'}")


if __name__ == "__main__":
    main(sys.argv[1:])
