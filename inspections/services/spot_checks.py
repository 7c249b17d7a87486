"""Planning a spot-check round: draw, per township, at least the round's share (≥ 20%, seed 004)
of the enterprises on the ledger, at random, so the county knows whom to visit."""

import math
import random
from collections import defaultdict
from decimal import Decimal

from django.db import transaction

from accounts.models import Region
from accounts.scoping import ensure_in_area
from enterprises.models import Enterprise

from ..models import SpotCheckRound, SpotCheckTarget
from ..models.spot_check import SPOT_CHECK_MINIMUM_SHARE
from .common import SUPERVISOR_ROLES, InspectionRefused, acting_organisation, require_role


def plan_spot_check_round(
    *, by, county, name, period_start, period_end, target_share=SPOT_CHECK_MINIMUM_SHARE, rng=None
):
    require_role(by, SUPERVISOR_ROLES, "只有县、市整治办可以制定督导抽查计划。")
    organisation = acting_organisation(by)
    if county.level != Region.Level.COUNTY:
        raise InspectionRefused("请选择要抽查的县（区）。", field="county")
    ensure_in_area(by, county.path)
    if period_end < period_start:
        raise InspectionRefused("结束日期不能早于开始日期。", field="period_end")
    target_share = Decimal(target_share)
    if not SPOT_CHECK_MINIMUM_SHARE <= target_share <= 1:
        raise InspectionRefused("抽查比例不能低于 20%，也不能超过 100%。", field="target_share")
    name = (name or "").strip()
    if not name:
        raise InspectionRefused("请填写轮次名称。", field="name")
    rng = rng or random.SystemRandom()
    by_township = defaultdict(list)
    ledger = Enterprise.objects.within(county.path).filter(reported_on__lte=period_end)
    for enterprise_id, township_id in ledger.values_list("id", "township_id").order_by("id"):
        by_township[township_id].append(enterprise_id)
    with transaction.atomic():
        spot_check_round = SpotCheckRound.objects.create(
            name=name,
            county=county,
            organisation=organisation,
            period_start=period_start,
            period_end=period_end,
            target_share=target_share,
            created_by=by,
        )
        targets = []
        for ids in by_township.values():
            count = math.ceil(len(ids) * target_share)
            targets.extend(
                SpotCheckTarget(spot_check_round=spot_check_round, enterprise_id=enterprise_id)
                for enterprise_id in rng.sample(ids, count)
            )
        SpotCheckTarget.objects.bulk_create(targets, batch_size=1000)
    return spot_check_round
