"""'Today' is the date in Beijing (TIME_ZONE Asia/Shanghai), everywhere: between 00:00 and
08:00 Beijing time the server's UTC date is still yesterday, and a filter reading one beside
a dashboard reading the other would disagree by a day."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from rectification.models import Case, CaseState
from tests.factories.rectification import in_progress_case

APPS = ("accounts", "notices", "enterprises", "rectification", "inspections", "metering")
APPS += ("maps", "reporting")


def test_no_app_reads_the_machines_date():
    root = Path(__file__).resolve().parent.parent
    offenders = [
        f"{source.relative_to(root)}:{number}"
        for app in APPS
        for source in (root / app).rglob("*.py")
        if "migrations" not in source.parts
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1)
        if "date.today()" in line or "now().date()" in line
    ]
    assert offenders == []


@pytest.mark.django_db
def test_just_after_midnight_in_beijing_a_case_due_yesterday_is_overdue(
    area, client_for, monkeypatch
):
    # 2026-12-01 17:00 UTC is 2026-12-02 01:00 in Beijing.
    moment = datetime.datetime(2026, 12, 1, 17, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert timezone.localdate() == datetime.date(2026, 12, 2)
    case = in_progress_case(area)
    Case.objects.filter(pk=case.pk).update(deadline=datetime.date(2026, 12, 1))
    assert Case.objects.get(pk=case.pk).state == CaseState.IN_PROGRESS
    client = client_for(area["users"]["county"])
    found = client.get("/api/cases/?overdue=true").json()["results"]
    assert [row["id"] for row in found] == [case.pk]
    assert found[0]["is_overdue"] is True
