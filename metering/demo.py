"""Demo power data for the demo county: 用电户号 on its shut-down and upgrading plants, and
the power company's export of the last three months uploaded through the real preview →
commit flow by the demo 供电公司 officer — so the demo opens with a few 疑似复产 and 疑似违规生产
alerts, their notices and 待办, and a few unmatched accounts with suggested enterprises.
Idempotent: a county whose enterprises already carry accounts is left alone."""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation, Role, User
from enterprises.models import ElectricityAccount
from rectification.models import Case, CaseState, CaseStep, Disposal

from .imports import commit_consumption, stage_consumption

SHUTDOWN_ACCOUNTS = 40
UPGRADE_ACCOUNTS = 12
RESUMED = 5  # of the shut-down plants, how many draw power again last month
PRODUCING = 3  # of the upgrading plants, how many run above half their baseline


def month_start(day, back=0):
    year, month = day.year, day.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return datetime.date(year, month, 1)


def seed(context):
    county = context["county"]
    if ElectricityAccount.objects.filter(enterprise__region_path__startswith=county.path).exists():
        return
    officer = (
        User.objects.filter(
            role=Role.DEPARTMENT_OFFICER,
            organisation__department=Organisation.Department.POWER_SUPPLY,
            organisation__region=county,
        )
        .order_by("id")
        .first()
    )
    if officer is None:
        return
    rng = random.Random(18)
    today = timezone.localdate()
    last_month = month_start(today, 1)
    months = [month_start(today, back) for back in (3, 2, 1)]
    cut_before = last_month  # watched from a cut or a closure before last month began
    # The cut as the rules read it: the closure step the 供电公司 confirms (断电).
    cut_cases = CaseStep.objects.filter(
        kind=CaseStep.Kind.CLOSURE_STEP,
        confirming_department=Organisation.Department.POWER_SUPPLY,
        done_on__isnull=False,
        done_on__lt=cut_before,
    ).values("case_id")
    shutdown = list(
        Case.objects.filter(region_path__startswith=county.path, disposal=Disposal.SHUTDOWN)
        .filter(Q(pk__in=cut_cases) | Q(state=CaseState.CLOSED, closed_on__lt=cut_before))
        .order_by("id")
        .values_list("enterprise_id", "enterprise__name", "enterprise__address")[:SHUTDOWN_ACCOUNTS]
    )
    upgrading = list(
        Case.objects.filter(
            region_path__startswith=county.path,
            disposal=Disposal.UPGRADE,
            state=CaseState.IN_PROGRESS,
            found_on__lt=months[0],
        )
        .order_by("id")
        .values_list("enterprise_id", "enterprise__name", "enterprise__address", "found_on")[
            :UPGRADE_ACCOUNTS
        ]
    )
    accounts, rows = [], []
    prefix = county.code[:6]
    for index, (enterprise_id, name, address) in enumerate(shutdown):
        number = f"{prefix}{index + 1:06d}"
        accounts.append(ElectricityAccount(enterprise_id=enterprise_id, number=number))
        for month in months:
            # Lighting and a guard's room: a few kWh; the first RESUMED run machines again.
            kwh = rng.randint(0, 25)
            if index < RESUMED and month == last_month:
                kwh = rng.randint(180, 1200)
            rows.append((number, name, address, f"{month:%Y-%m}", kwh))
    for index, (enterprise_id, name, address, found_on) in enumerate(upgrading):
        number = f"{prefix}{SHUTDOWN_ACCOUNTS + index + 1:06d}"
        accounts.append(ElectricityAccount(enterprise_id=enterprise_id, number=number))
        baseline = rng.randint(1500, 4000)
        for back in (3, 2, 1):  # the baseline: the three months before the case
            rows.append((number, name, address, f"{month_start(found_on, back):%Y-%m}", baseline))
        for month in months:
            share = 0.8 if index < PRODUCING and month == last_month else rng.uniform(0.05, 0.3)
            rows.append((number, name, address, f"{month:%Y-%m}", round(baseline * share)))
    # Accounts the power company knows and the ledger does not (yet): linked from the
    # 未匹配户号 list, where similar enterprises are suggested.
    for index, (_enterprise_id, name, address) in enumerate(shutdown[RESUMED : RESUMED + 3]):
        rows.append((f"{prefix}9{index + 1:05d}", name, address, f"{last_month:%Y-%m}", 12))
    ElectricityAccount.objects.bulk_create(accounts)
    header = "户号,户名,用电地址,期间,用电量(kWh)"
    lines = [header] + [",".join(str(value).replace(",", "，") for value in row) for row in rows]
    upload = SimpleUploadedFile(
        f"{county.name}用电数据.csv", ("\n".join(lines) + "\n").encode("utf-8"), "text/csv"
    )
    batch = stage_consumption(upload, by=officer)
    commit_consumption(batch, by=officer, good_rows_only=True)
    stdout = context.get("stdout")
    if stdout:
        stdout.write(f"电力监测：{len(accounts)} 个用电户号，已导入 {len(rows)} 行用电数据。")
