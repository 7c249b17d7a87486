"""A province's monthly consumption file imported and evaluated: one 用电户号 per enterprise of
the bench database (up to ACCOUNTS, registered set-based in one INSERT … SELECT), a CSV with one
month's reading per account, then upload + preview (read, check, stage) and commit (readings
kept, both rules evaluated set-based), as the administrator for the whole province.
Target: minutes at 1,000,000 accounts. Everything is rolled back afterwards.

BENCH_METERING_ACCOUNTS sets the number of accounts (default 1,000,000, capped at the number of
enterprises). About one account in twenty draws more than the monthly threshold."""

import os
import random
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Region
from enterprises.models import ElectricityAccount, Enterprise
from metering.imports import commit_consumption, stage_consumption
from metering.models import PowerAlert

from .common import data_size, demo_user

ACCOUNTS = int(os.environ.get("BENCH_METERING_ACCOUNTS", "1000000"))
TARGET_S = 300
# This month: after every closure and power cut the demo generator dates.
PERIOD = f"{timezone.localdate():%Y-%m}"


class RollBack(Exception):
    pass


def register_accounts(limit):
    """One account per enterprise, numbered from its id: one statement, no rows in Python."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {quote(ElectricityAccount._meta.db_table)} (enterprise_id, number, created_at)
            SELECT id, 'PB00' || CAST(id AS VARCHAR(20)), %s
            FROM {quote(Enterprise._meta.db_table)} e
            WHERE NOT EXISTS (SELECT 1 FROM {quote(ElectricityAccount._meta.db_table)} a
                              WHERE a.enterprise_id = e.id)
            ORDER BY id LIMIT %s
            """,
            [timezone.now(), limit],
        )
        return cursor.rowcount


def consumption_csv(limit):
    """户号,户名,用电地址,期间,用电量 — one month per account; one in twenty (drawn with a fixed
    seed: the demo generator deals states in a cycle) draws 45 kWh."""
    draw = random.Random(20261201)
    lines = ["户号,户名,用电地址,期间,用电量"]
    numbers = ElectricityAccount.objects.filter(number__startswith="PB00").order_by("id")
    for index, number in enumerate(numbers.values_list("number", flat=True)[:limit].iterator()):
        kwh = 45 if draw.random() < 0.05 else index % 25
        lines.append(f"{number},户{index},基准地址{index % 500}号,{PERIOD},{kwh}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def run(report):
    admin = demo_user("admin")
    province = Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").first()
    if admin is None or province is None:
        print("  no demo data: run `python manage.py seed_demo` first")
        return
    timings, counts = {}, {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            counts["accounts"] = register_accounts(ACCOUNTS)
            timings["accounts"] = time.perf_counter() - started
            started = time.perf_counter()
            content = consumption_csv(ACCOUNTS)
            timings["file"] = time.perf_counter() - started
            counts["bytes"] = len(content)
            started = time.perf_counter()
            upload = SimpleUploadedFile("全省用电.csv", content, "text/csv")
            batch = stage_consumption(upload, by=admin, area=province)
            timings["preview"] = time.perf_counter() - started
            started = time.perf_counter()
            batch = commit_consumption(batch, by=admin)
            timings["commit"] = time.perf_counter() - started
            counts["readings"] = batch.created_count
            counts["alerts"] = PowerAlert.objects.filter(batch=batch).count()
            raise RollBack
    except RollBack:
        pass
    size = f"{data_size()}, {counts['accounts']:,} accounts"
    report.add(
        "power: register accounts (one INSERT … SELECT), s", size, round(timings["accounts"], 2)
    )
    report.add(
        f"power: generate the CSV ({counts['bytes'] / 1024 / 1024:.0f} MB), s",
        size,
        round(timings["file"], 2),
    )
    report.add(
        f"power: upload + preview {counts['accounts']:,} rows (read, check, stage), s",
        size,
        round(timings["preview"], 2),
    )
    report.add(
        f"power: commit ({counts['readings']:,} readings kept, {counts['alerts']:,} alerts), s",
        size,
        round(timings["commit"], 2),
    )
    report.add(
        "power: preview + commit, s",
        size,
        round(timings["preview"] + timings["commit"], 2),
        None,
        f"≤ {TARGET_S}",
    )
