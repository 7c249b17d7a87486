"""Run the benchmarks: python -m bench [--size N] [name ...].

With --size, an empty database is first filled by the demo generator with N enterprises
(`make bench BENCH_SIZE=1000000`); a database that already holds data is measured as it is.
Names pick modules by substring (`python -m bench ledger dashboard`).
"""

import argparse
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


def prepare_data(size, report):
    from bench.seeding import seed
    from enterprises.models import Enterprise

    if Enterprise.objects.exists():
        print(f"data present ({Enterprise.objects.count():,} enterprises): not seeding again")
        return
    print(f"## seeding {size:,} enterprises")
    seed(size, report=report)
    if connection.vendor == "postgresql":
        # What autovacuum gives a loaded table a little later: planner statistics, and the
        # visibility map that lets counts and aggregates read the index alone.
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"  VACUUM ANALYZE: {time.perf_counter() - started:.1f} s")


def main(argv):
    parser = argparse.ArgumentParser(description="Run the Qingling benchmarks.")
    parser.add_argument(
        "--size", type=int, help="seed this many enterprises into an empty database"
    )
    parser.add_argument("names", nargs="*", help="run only the modules whose name contains one")
    args = parser.parse_args(argv)
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if args.names:
        modules = [m for m in modules if any(n in m for n in args.names)]
    report = Report()
    if args.size:
        report.module = "seeding"
        prepare_data(args.size, report)
    for name in modules:
        print(f"\n## {name}")
        report.module = name
        import_module(f"bench.{name}").run(report)
    report.print_table()
    target = HERE / "results" / "latest.json"
    rows = report.rows
    if args.names and target.exists():
        # A partial run replaces only its own modules' rows; the others' last figures stay.
        previous = json.loads(target.read_text())
        if previous.get("database") == connection.vendor:
            rows = [row for row in previous["rows"] if row.get("module") not in modules] + rows
    results = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
        },
        "database": connection.vendor,
        "rows": rows,
    }
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"\nwritten to {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
