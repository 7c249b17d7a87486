"""The ledger export streamed to .xlsx (附件1 through accounts.sheets, the same code as the
page's 导出 button and the export job) against writing the same rows with bare openpyxl
write-only, at two row counts; memory (tracemalloc peak) must stay flat as rows grow.
Target: ≤ 1.25× the bare writer."""

import tempfile
import time
import tracemalloc
from types import SimpleNamespace

from openpyxl import Workbook

from accounts.models import Region
from accounts.sheets import report_file
from enterprises.ledger import LEDGER_COLUMNS, ledger_rows
from enterprises.ledger_table import ledger_report
from enterprises.models import Enterprise

from .common import data_size

ROW_COUNTS = (10_000, 100_000)
# tracemalloc slows Python several times over, so memory is traced at smaller sizes.
MEMORY_ROW_COUNTS = (10_000, 30_000)
TARGET_RATIO = 1.25


def rows_queryset(count):
    # The ledger's own order over the first `count` rows of the table.
    last_id = Enterprise.objects.order_by("id").values_list("id", flat=True)[count - 1 : count]
    return Enterprise.objects.filter(id__lte=last_id[0]).order_by("region_path", "id")


def bare_write(queryset):
    """Bare openpyxl write-only of the same 14 values per row, no styles."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("排查台账")
    sheet.append(LEDGER_COLUMNS)
    for values in ledger_rows(queryset):
        sheet.append(values)
    with tempfile.TemporaryFile(suffix=".xlsx") as output:
        workbook.save(output)


BENCH_USER = SimpleNamespace(organisation_id=None, display_name="基准", phone="")


def app_write(queryset):
    region = Region.objects.order_by("path").first()
    report_file(ledger_report(queryset, region=region, user=BENCH_USER)).close()


def seconds_for(function, queryset):
    """Wall seconds, and this process's CPU seconds: on a shared machine the wall figure swings
    with other load, while the CPU figure shows the writer's own work (the database's is the
    same for both writers and runs in the server, outside it)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    function(queryset)
    return time.perf_counter() - started, time.process_time() - cpu_started


def peak_megabytes(function, queryset):
    # Measured in a run of its own: tracemalloc slows Python down and would skew the timing.
    tracemalloc.start()
    function(queryset)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1024 / 1024


def run(report):
    total = Enterprise.objects.count()
    size = data_size()
    for count in ROW_COUNTS:
        if total < count:
            print(f"  fewer than {count:,} enterprises: skipped")
            continue
        queryset = rows_queryset(count)
        bare_seconds, bare_cpu = seconds_for(bare_write, queryset)
        app_seconds, app_cpu = seconds_for(app_write, queryset)
        report.add(
            f"ledger export {count:,} rows streamed, s (ratio {app_seconds / bare_seconds:.2f}×, "
            f"Python CPU {app_cpu / bare_cpu:.2f}×)",
            size,
            round(app_seconds, 2),
            round(bare_seconds, 2),
            f"≤ {TARGET_RATIO}× baseline",
        )
    for count in MEMORY_ROW_COUNTS:
        if total < count:
            continue
        report.add(
            f"ledger export {count:,} rows, peak Python memory MB (tracemalloc)",
            size,
            round(peak_megabytes(app_write, rows_queryset(count)), 1),
            None,
            "flat as rows grow",
        )
