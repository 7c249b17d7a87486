"""The demo county: 桦川县 with its eleven townships and farms, every role's login, idempotent."""

import pytest
from django.core.management import call_command
from django.db.models import F

from accounts.demo import DEMO_PASSWORD, TOWNSHIPS
from accounts.models import Organisation, Region, User

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = {
    "admin",
    "city",
    "county",
    "leader",
    "env_bureau",
    "industry_bureau",
    "power",
    *(pinyin for *_rest, pinyin, _head in TOWNSHIPS),
    *(f"{pinyin}_head" for *_rest, pinyin, _head in TOWNSHIPS),
}


def counts():
    return Region.objects.count(), Organisation.objects.count(), User.objects.count()


def test_seed_demo_builds_the_county_and_running_twice_duplicates_nothing(capsys):
    call_command("seed_demo", size=20)
    first = counts()
    call_command("seed_demo", size=20)
    assert counts() == first
    county = Region.objects.get(name="桦川县")
    township_names = set(county.children.values_list("name", flat=True))
    assert township_names == {
        "悦来镇",
        "东河乡",
        "梨丰乡",
        "新城镇",
        "苏家店镇",
        "创业乡",
        "星火乡",
        "四马架镇",
        "横头山镇",
        "宝山农场",
        "江川农场",
    }
    assert set(User.objects.values_list("username", flat=True)) == DEMO_USERNAMES
    output = capsys.readouterr().out
    assert "qingling-demo" in output and "yuelai_head" in output


def test_seed_demo_if_empty_skips_a_seeded_database():
    call_command("seed_demo", size=5)
    before = counts()
    Region.objects.filter(name="桦南镇").update(name="改过的名字")
    call_command("seed_demo", size=5, if_empty=True)
    assert counts() == before
    assert Region.objects.filter(name="改过的名字").exists()


@pytest.mark.parametrize(
    ("username", "sees", "does_not_see"),
    [
        ("yuelai", "悦来镇", "东河乡"),
        ("donghe_head", "东河乡", "悦来镇"),
        ("county", "江川农场", "桦南县"),
        ("power", "横头山镇", "桦南镇"),
        ("leader", "宝山农场", "桦南县"),
        ("city", "桦南县", "黑龙江省"),
    ],
)
def test_each_demo_user_logs_in_and_sees_only_their_area(client, username, sees, does_not_see):
    call_command("seed_demo", size=5)
    assert client.login(username=username, password=DEMO_PASSWORD)
    listing = client.get("/accounts/regions/").content.decode()
    assert sees in listing
    assert does_not_see not in listing
    hidden = Region.objects.get(name=does_not_see)
    assert client.get(f"/accounts/regions/{hidden.code}/").status_code == 404


def test_province_scale_builds_about_a_hundred_counties_and_two_thousand_townships():
    from accounts.demo import seed_province_scale
    from accounts.models import Region

    call_command("seed_demo", size=5)
    province = Region.objects.get(name="黑龙江省")
    city = Region.objects.get(name="佳木斯市")
    townships = seed_province_scale(province, city)
    assert len(townships) == 1920
    # The demo city is city-sized: its two demo counties and its eight other divisions.
    assert Region.objects.filter(level=Region.Level.COUNTY, parent=city).count() == 10
    assert Region.objects.filter(level=Region.Level.COUNTY).count() == 96 + 2
    assert (
        Region.objects.filter(
            level=Region.Level.VILLAGE, path__startswith=townships[0].path
        ).count()
        == 5
    )
    assert Organisation.objects.filter(kind="township_government").count() == 1920 + 13
    # Idempotent: a second call adds nothing.
    assert len(seed_province_scale(province, city)) == 1920
    assert Region.objects.filter(level=Region.Level.TOWNSHIP).count() == 1920 + 13


def test_province_scale_spreads_the_ledger_and_cases_over_every_county(monkeypatch):
    from accounts import demo
    from enterprises.models import Enterprise
    from inspections.models import Inspection
    from rectification.models import Case, CaseSequence

    # The province shape normally starts at 50,000 rows; a small run checks the spreading.
    monkeypatch.setattr(demo, "PROVINCE_SCALE_FROM", 1000)
    call_command("seed_demo", size=3862)
    counties = Region.objects.filter(level=Region.Level.COUNTY)
    per_county = {
        county.code: Enterprise.objects.within(county.path).count() for county in counties
    }
    # 1,931 townships share 3,862 rows: two per township, 22 in the 11-township demo county.
    assert per_county["230826000000"] == 22
    assert per_county["230803000000"] == 40
    assert sum(per_county.values()) == 3862
    assert min(count for code, count in per_county.items() if code != "230822000000") >= 22
    # Each county numbers its own cases, and its sequence continues from the last one.
    xiangyang = Case.objects.filter(
        region_path__startswith=Region.objects.get(code="230803000000").path
    )
    numbers = sorted(xiangyang.values_list("number", flat=True))
    assert numbers and all(number.startswith("230803-") for number in numbers)
    prefix = numbers[0].rsplit("-", 1)[0] + "-"
    assert CaseSequence.objects.get(prefix=prefix).last == len(numbers)
    assert set(xiangyang.values_list("state", flat=True)) >= {"found", "closed", "in_progress"}
    # No case sits in a campaign outside its area: the demo county's in its own, the rest of
    # the province's in the province-wide one.
    demo_county = Case.objects.within(Region.objects.get(code="230826000000").path)
    assert set(demo_county.values_list("campaign__region__code", flat=True)) == {"230826000000"}
    assert set(xiangyang.values_list("campaign__region__code", flat=True)) == {"230000000000"}
    assert not Case.objects.exclude(region_path__startswith=F("campaign__region__path")).exists()
    # Its units have people: a clerk per township and a county office user, who act on cases.
    clerk = User.objects.get(username="p230803100000")
    assert clerk.role == "township_clerk" and clerk.organisation.region.code == "230803100000"
    assert User.objects.get(username="p230803000000").role == "county_office"
    assert not xiangyang.filter(created_by__isnull=True).exists()
    # Field work too, by the county's own units.
    county_path = Region.objects.get(code="230803000000").path
    field_work = Inspection.objects.within(county_path)
    assert field_work.filter(inspection_type="spot_check").exists()
    assert field_work.filter(inspection_type="patrol").exists()
    assert not field_work.exclude(organisation__region__path__startswith=county_path).exists()
