"""Consumption files and cases in the states the power rules read, for the power-use tests."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from enterprises.models import ElectricityAccount
from rectification import workflow
from rectification.models import Case, Disposal, Requirement

from .rectification import determined_case, in_progress_case, photo

HEADER = ("户号", "户名", "用电地址", "期间", "用电量")


def consumption_file(rows, name="用电数据.csv"):
    """A CSV export of the power company: rows of (户号, 户名, 用电地址, 期间, 用电量)."""
    lines = [",".join(HEADER)] + [",".join(str(value) for value in row) for row in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("utf-8"), "text/csv")


def give_account(enterprise, number):
    return ElectricityAccount.objects.create(enterprise=enterprise, number=number)


def power_cut_case(area, cut_on=datetime.date(2026, 9, 15), number="3300000001"):
    """A 关停取缔 case in progress whose 断电 step was confirmed on `cut_on`, with an account."""
    case = determined_case(area)
    case = workflow.start_remediation(case, by=area["users"]["clerk"])
    Case.objects.filter(pk=case.pk).update(found_on=cut_on - datetime.timedelta(days=30))
    step = case.steps.get(name="断电")
    workflow.confirm_step(step, by=area["users"]["county"], done_on=cut_on, photos=[photo()])
    give_account(case.enterprise, number)
    return Case.objects.get(pk=case.pk)


def upgrade_case(area, found_on=datetime.date(2026, 6, 1), number="3300000002"):
    """An 升级改造 case 整治中 opened on `found_on`, with an account."""
    case = in_progress_case(area, disposal=Disposal.UPGRADE, requirement=Requirement.IMPROVE)
    Case.objects.filter(pk=case.pk).update(found_on=found_on)
    give_account(case.enterprise, number)
    return Case.objects.get(pk=case.pk)


def closed_watched_case(area, number="3300000005", township="township_a1"):
    """A 关停取缔 case closed (and its power cut) on 2026-09-30, with an account."""
    from .rectification import closed_case

    case = closed_case(area, township=township)
    Case.objects.filter(pk=case.pk).update(closed_on=datetime.date(2026, 9, 30))
    case.steps.update(done_on=datetime.date(2026, 9, 30))
    give_account(case.enterprise, number)
    return Case.objects.get(pk=case.pk)


def alert_for(area, case, number, kwh="300", by="power_officer"):
    """Import one month of `kwh` on `number` (Oct 2026): the alert it raises."""
    from metering.imports import commit_consumption, stage_consumption
    from metering.models import PowerAlert

    user = area["users"][by]
    batch = stage_consumption(consumption_file([(number, "户", "", "2026-10", kwh)]), by=user)
    commit_consumption(batch, by=user)
    return PowerAlert.objects.get(enterprise=case.enterprise)


def many_alerts(case, count):
    """`count` alerts of `case`'s enterprise's township, written directly (list sizes)."""
    from django.utils import timezone

    from metering.models import PowerAlert

    enterprise = case.enterprise
    PowerAlert.objects.bulk_create(
        PowerAlert(
            enterprise=enterprise,
            case_id=case.pk,
            rule="resumed",
            period_month=datetime.date(2020 + index // 12, index % 12 + 1, 1),
            kwh=100,
            threshold_kwh=30,
            created_at=timezone.now(),
            region_path=enterprise.region_path,
        )
        for index in range(count)
    )
