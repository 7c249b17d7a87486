"""The recorded spot-check sample (督导抽查): a reproducible, stratified, weighted draw of at
least 20% of each township's ledger, kept in versions, worked through as the round's worklist
and counted drawn against inspected — through the services, the pages and the API."""

import datetime
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.refusals import Refused
from enterprises import risk
from inspections.models import InspectionType, SpotCheckDraw, SpotCheckRound, SpotCheckTarget
from inspections.sampling import (
    NO_CASE_STRATUM,
    Member,
    build_population,
    draw_sample,
    reproduce_draw,
)
from inspections.services import (
    redraw_spot_check_sample,
)
from inspections.stats import round_coverage
from rectification.models import CaseState, Disposal
from tests.factories.inspections import InspectionFactory, TeamFactory, TipFactory
from tests.factories.rectification import CaseFactory
from tests.factories.spot_checks import END, START, ledger, plan

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def drawn_ids(spot_check_round):
    return list(
        spot_check_round.current_targets()
        .order_by("draw_order")
        .values_list("enterprise_id", flat=True)
    )


def per_township(spot_check_round):
    return Counter(
        spot_check_round.current_targets().values_list("enterprise__township__code", flat=True)
    )


def spot_check(area, enterprise, on=datetime.date(2024, 5, 10)):
    team = TeamFactory(organisation=area["orgs"]["county_office"], out_on=on)
    return InspectionFactory(
        team=team, enterprise=enterprise, inspection_type=InspectionType.SPOT_CHECK
    )


# --- the draw ------------------------------------------------------------------------------


def test_the_draw_is_reproducible_from_its_recorded_seed_and_snapshot(area):
    population = ledger(area, "township_a1", 23) + ledger(area, "township_a2", 9)
    spot_check_round = plan(area)
    draw = SpotCheckDraw.objects.get(spot_check_round=spot_check_round)
    assert draw.version == 1 and draw.seed is not None
    assert draw.drawn_by == area["users"]["county"] and draw.drawn_at is not None
    # The snapshot lists the whole county ledger in the order the draw read it.
    assert [row[0] for row in draw.population] == sorted(e.pk for e in population)
    assert reproduce_draw(draw, spot_check_round.target_share) == drawn_ids(spot_check_round)


def test_the_same_seed_on_the_same_ledger_draws_the_same_list(area):
    ledger(area, "township_a1", 30)
    first, second, other = plan(area, seed=20240501), plan(area, seed=20240501), plan(area, seed=7)
    assert drawn_ids(first) == drawn_ids(second)
    assert drawn_ids(first) != drawn_ids(other)


@pytest.mark.parametrize(
    ("share", "expected_a1", "expected_a2"), [("0.20", 3, 1), ("0.35", 4, 2), ("1", 11, 3)]
)
def test_each_township_gets_at_least_its_share_rounded_up(area, share, expected_a1, expected_a2):
    ledger(area, "township_a1", 11)
    ledger(area, "township_a2", 3)
    ledger(area, "township_b1", 5)  # another county: never drawn
    counts = per_township(plan(area, share=share))
    assert counts[area["township_a1"].code] == expected_a1  # ceil(11 × share)
    assert counts[area["township_a2"].code] == expected_a2
    assert area["township_b1"].code not in counts


def test_every_stratum_of_a_township_is_represented(area):
    plain = ledger(area, "township_a1", 12)
    for enterprise in plain[:2]:
        CaseFactory(
            enterprise=enterprise,
            state=CaseState.CLOSED,
            disposal=Disposal.SHUTDOWN,
            closed_on=TODAY,
        )
    for enterprise in plain[2:4]:
        CaseFactory(enterprise=enterprise, state=CaseState.IN_PROGRESS, disposal=Disposal.UPGRADE)
    # 12 × 20% → 3 places for 3 strata: whatever the seed, each stratum gets one.
    for seed in range(25):
        targets = SpotCheckTarget.objects.filter(draw__spot_check_round=plan(area, seed=seed))
        assert set(targets.values_list("stratum", flat=True)) == {
            NO_CASE_STRATUM,
            "关停取缔·已销号",
            "升级改造·整治中",
        }


def test_the_population_is_stratified_and_weighted_by_the_risk_score(area):
    ordinary, overdue, relapsed, tipped, no_case = ledger(area, "township_a1", 5)
    yesterday = TODAY - datetime.timedelta(days=1)
    CaseFactory(enterprise=ordinary, state=CaseState.IN_PROGRESS, disposal=Disposal.UPGRADE)
    CaseFactory(
        enterprise=overdue,
        state=CaseState.IN_PROGRESS,
        disposal=Disposal.UPGRADE,
        deadline=yesterday,
    )
    CaseFactory(
        enterprise=relapsed,
        state=CaseState.IN_PROGRESS,
        disposal=Disposal.SHUTDOWN,
        deadline=yesterday,
        is_relapse=True,
    )
    CaseFactory(
        enterprise=tipped, state=CaseState.CLOSED, disposal=Disposal.SHUTDOWN, closed_on=TODAY
    )
    TipFactory(county=area["county_a"], enterprise=tipped)
    risk.recompute_all()
    members = {m.enterprise_id: m for m in build_population(area["county_a"], END)}
    assert members[ordinary.pk].weight == 1  # 100
    assert members[overdue.pk].weight == 2  # 95: one month overdue
    assert members[relapsed.pk].weight == 5  # 65: relapse 30 and one month overdue 5
    assert members[tipped.pk].weight == 2  # 95: one tip
    assert (members[no_case.pk].stratum, members[no_case.pk].weight) == (NO_CASE_STRATUM, 1)
    assert members[relapsed.pk].stratum == "关停取缔·整治中"


def test_the_latest_case_of_an_enterprise_decides_its_stratum(area):
    (enterprise,) = ledger(area, "township_a1", 1)
    CaseFactory(
        enterprise=enterprise, state=CaseState.CLOSED, disposal=Disposal.SHUTDOWN, closed_on=TODAY
    )
    CaseFactory(enterprise=enterprise, state=CaseState.FOUND, disposal="")
    (member,) = build_population(area["county_a"], END)
    assert member.stratum == "未认定·排查发现"


def test_weights_raise_the_chance_of_being_drawn():
    # One township, one stratum: 10 heavy (weight 9) among 100. A fair draw would pick each
    # enterprise with chance 20%; over 400 fixed seeds the heavy ones come out far more often.
    population = [Member(number, 1, "x", 9 if number < 10 else 1) for number in range(100)]
    picks = Counter()
    for seed in range(400):
        drawn = draw_sample(population, seed, "0.20")
        assert len(drawn) == 20
        picks.update(member.enterprise_id for member in drawn)
    heavy_rate = sum(picks[number] for number in range(10)) / (10 * 400)
    light_rate = sum(picks[number] for number in range(10, 100)) / (90 * 400)
    assert heavy_rate > 0.6
    assert light_rate < 0.17
    assert heavy_rate > 3 * light_rate


# --- versions ------------------------------------------------------------------------------


def test_a_redraw_is_version_2_and_keeps_version_1(area):
    ledger(area, "township_a1", 20)
    spot_check_round = plan(area, seed=1)
    first = drawn_ids(spot_check_round)
    draw = redraw_spot_check_sample(
        spot_check_round, by=area["users"]["county"], reason="名单中两家企业已注销", seed=2
    )
    spot_check_round.refresh_from_db()
    assert draw.version == 2 and spot_check_round.current_version == 2
    assert list(spot_check_round.draws.values_list("version", "reason")) == [
        (1, ""),
        (2, "名单中两家企业已注销"),
    ]
    version_1 = spot_check_round.draws.get(version=1)
    assert [t.enterprise_id for t in version_1.targets.order_by("draw_order")] == first
    assert drawn_ids(spot_check_round) != first
    assert reproduce_draw(draw, spot_check_round.target_share) == drawn_ids(spot_check_round)


def test_a_redraw_without_a_reason_is_refused_in_chinese_and_changes_nothing(area):
    ledger(area, "township_a1", 10)
    spot_check_round = plan(area)
    with pytest.raises(Refused, match="重新抽取必须填写理由"):
        redraw_spot_check_sample(spot_check_round, by=area["users"]["county"], reason="  ")
    assert spot_check_round.draws.count() == 1
    assert SpotCheckRound.objects.get(pk=spot_check_round.pk).current_version == 1


def test_a_clerk_and_a_leader_cannot_redraw(area):
    ledger(area, "township_a1", 10)
    spot_check_round = plan(area)
    for who in ("clerk", "leader"):
        with pytest.raises(PermissionDenied):
            redraw_spot_check_sample(spot_check_round, by=area["users"][who], reason="重抽")
    assert spot_check_round.draws.count() == 1


def test_another_countys_office_cannot_redraw(area):
    ledger(area, "township_a1", 10)
    spot_check_round = plan(area)
    with pytest.raises(Http404):
        redraw_spot_check_sample(spot_check_round, by=area["users"]["county_b"], reason="重抽")
    assert spot_check_round.draws.count() == 1


def test_a_seed_out_of_range_is_refused_in_chinese(area):
    with pytest.raises(Refused, match="随机种子须是"):
        plan(area, seed=-1)
    assert not SpotCheckRound.objects.exists()


# --- coverage: drawn against inspected -----------------------------------------------------


def test_coverage_counts_inspected_targets_against_the_drawn(area):
    ledger(area, "township_a1", 10)
    ledger(area, "township_a2", 5)
    spot_check_round = plan(area)
    targets = list(spot_check_round.current_targets().select_related("enterprise"))
    a1_targets = [t for t in targets if t.enterprise.township_id == area["township_a1"].pk]
    spot_check(area, a1_targets[0].enterprise)
    spot_check(area, a1_targets[0].enterprise)  # twice counts once
    rows = {row.township.code: row for row in round_coverage(spot_check_round)}
    a1, a2 = rows[area["township_a1"].code], rows[area["township_a2"].code]
    assert (a1.ledger_count, a1.required_count, a1.drawn_count, a1.inspected_count) == (
        10,
        2,
        2,
        1,
    )
    assert a1.inspected_percent == 50 and a1.meets_share
    assert (a2.ledger_count, a2.drawn_count, a2.inspected_count) == (5, 1, 0)


def test_inspections_of_enterprises_not_drawn_or_outside_the_period_do_not_count(area):
    enterprises = ledger(area, "township_a1", 10)
    spot_check_round = plan(area)
    drawn = set(drawn_ids(spot_check_round))
    outsider = next(e for e in enterprises if e.pk not in drawn)
    spot_check(area, outsider)
    target = next(e for e in enterprises if e.pk in drawn)
    spot_check(area, target, on=datetime.date(2024, 6, 2))
    (row,) = [r for r in round_coverage(spot_check_round) if r.drawn_count]
    assert row.inspected_count == 0


@pytest.mark.parametrize("size", [5, 40])
def test_round_coverage_runs_a_fixed_number_of_queries(area, django_assert_num_queries, size):
    enterprises = ledger(area, "township_a1", size) + ledger(area, "township_a2", size)
    spot_check_round = plan(area, share="1")
    for enterprise in enterprises[:3]:
        spot_check(area, enterprise)
    spot_check_round = SpotCheckRound.objects.select_related("county").get(pk=spot_check_round.pk)
    with django_assert_num_queries(4):
        rows = round_coverage(spot_check_round)
    assert sum(row.drawn_count for row in rows) == 2 * size
    assert sum(row.inspected_count for row in rows) == 3


# --- pages ---------------------------------------------------------------------------------


def test_the_round_page_is_the_worklist_per_township(area, client_for):
    ledger(area, "township_a1", 10)
    ledger(area, "township_a2", 4)
    spot_check_round = plan(area)
    page = client_for(area["users"]["county"]).get(
        reverse("inspections:round_detail", args=[spot_check_round.pk])
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "按种子复算结果一致" in html and "第 1 版" in html
    assert "甲一镇（2 家）" in html and "甲二乡（1 家）" in html
    for enterprise_id in drawn_ids(spot_check_round):
        assert f"?round={spot_check_round.pk}&enterprise={enterprise_id}" in html


def test_the_worklist_link_prefills_the_inspection_form(area, client_for):
    ledger(area, "township_a1", 5)
    spot_check_round = plan(area)
    enterprise_id = drawn_ids(spot_check_round)[0]
    page = client_for(area["users"]["county"]).get(
        reverse("inspections:inspection_create")
        + f"?round={spot_check_round.pk}&enterprise={enterprise_id}"
    )
    form = page.context["form"]
    assert form.initial["enterprise"] == enterprise_id
    assert form.initial["inspection_type"] == InspectionType.SPOT_CHECK
    assert form.initial["spot_check_round"] == spot_check_round.pk


def test_redrawing_from_the_page_needs_a_reason_and_shows_both_versions(area, client_for):
    ledger(area, "township_a1", 10)
    spot_check_round = plan(area)
    client = client_for(area["users"]["county"])
    url = reverse("inspections:round_redraw", args=[spot_check_round.pk])
    refused = client.post(url, {"reason": ""})
    assert "重新抽取必须填写理由" in refused.content.decode()
    assert spot_check_round.draws.count() == 1
    response = client.post(url, {"reason": "企业已关停搬离"}, follow=True)
    html = response.content.decode()
    assert "已重新抽取，生成第 2 版名单" in html
    assert "企业已关停搬离" in html and "首次抽取" in html
    old = client.get(reverse("inspections:round_detail", args=[spot_check_round.pk]) + "?version=1")
    assert "历史名单：第 1 版" in old.content.decode()
    assert "录入抽查" not in old.content.decode()  # the old list is no worklist


def test_the_round_and_its_redraw_are_404_outside_the_area(area, client_for):
    ledger(area, "township_a1", 5)
    spot_check_round = plan(area)
    client = client_for(area["users"]["county_b"])
    assert (
        client.get(reverse("inspections:round_detail", args=[spot_check_round.pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("inspections:round_redraw", args=[spot_check_round.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    assert client.get(f"/api/spot-check-rounds/{spot_check_round.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/spot-check-rounds/{spot_check_round.pk}/redraw/",
            {"reason": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert spot_check_round.draws.count() == 1


# --- API -----------------------------------------------------------------------------------


def test_the_api_draws_with_a_given_seed_and_redraws_as_a_new_version(area, client_for):
    ledger(area, "township_a1", 10)
    client = client_for(area["users"]["county"])
    response = client.post(
        "/api/spot-check-rounds/",
        {
            "name": "API 抽查",
            "county": area["county_a"].code,
            "period_start": START.isoformat(),
            "period_end": END.isoformat(),
            "seed": 424242,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["current_version"] == 1 and len(body["targets"]) == 2
    assert body["draws"][0]["seed"] == 424242 and body["draws"][0]["population_size"] == 10
    round_id = body["id"]
    refused = client.post(
        f"/api/spot-check-rounds/{round_id}/redraw/", {}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "重新抽取必须填写理由" in str(refused.json())
    redrawn = client.post(
        f"/api/spot-check-rounds/{round_id}/redraw/",
        {"reason": "名单有误", "seed": 99},
        content_type="application/json",
    )
    assert redrawn.status_code == 201, redrawn.json()
    data = redrawn.json()
    assert data["current_version"] == 2
    assert [draw["version"] for draw in data["draws"]] == [1, 2]
    assert data["draws"][0]["targets"] == body["targets"]
    assert data["targets"] == data["draws"][1]["targets"]


def test_the_api_round_coverage_counts_drawn_and_inspected(area, client_for):
    ledger(area, "township_a1", 10)
    spot_check_round = plan(area)
    spot_check(area, spot_check_round.current_targets().first().enterprise)
    data = (
        client_for(area["users"]["county"])
        .get(f"/api/spot-check-rounds/{spot_check_round.pk}/coverage/")
        .json()
    )
    rows = {row["township_code"]: row for row in data["rows"]}
    row = rows[area["township_a1"].code]
    assert (row["drawn_count"], row["inspected_count"], row["required_count"]) == (2, 1, 2)
    assert data["totals"]["inspected_count"] == 1


def test_a_clerk_cannot_redraw_through_the_api(area, client_for):
    ledger(area, "township_a1", 10)
    spot_check_round = plan(area)
    response = client_for(area["users"]["clerk"]).post(
        f"/api/spot-check-rounds/{spot_check_round.pk}/redraw/",
        {"reason": "x"},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    assert spot_check_round.draws.count() == 1


@pytest.mark.parametrize("size", [1, 6])
def test_the_rounds_list_api_runs_a_fixed_number_of_queries(
    area, client_for, django_assert_num_queries, size
):
    ledger(area, "township_a1", 10)
    for _ in range(size):
        redraw_spot_check_sample(plan(area), by=area["users"]["county"], reason="重抽")
    client = client_for(area["users"]["county"])
    # Session, user, organisation, region (the user's area), count, rounds, draws (with who
    # drew them), targets: the same whatever the number of rounds and versions.
    with django_assert_num_queries(8):
        response = client.get("/api/spot-check-rounds/")
    assert response.json()["count"] == size
    assert all(len(item["draws"]) == 2 for item in response.json()["results"])


@pytest.mark.parametrize("size", [3, 30])
def test_the_population_is_read_in_a_fixed_number_of_queries(area, django_assert_num_queries, size):
    for enterprise in ledger(area, "township_a1", size):
        CaseFactory(enterprise=enterprise, state=CaseState.IN_PROGRESS, disposal=Disposal.UPGRADE)
    with django_assert_num_queries(2):
        population = build_population(area["county_a"], END)
    assert len(population) == size
