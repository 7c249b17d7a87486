"""Spot-check rounds and their recorded draws: plan a round (draw version 1) and redraw
(a new, visible version with a reason). The draw rules live in inspections.sampling; here are
the role, area and input checks, the row lock and the writes, in one transaction each."""

import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from accounts.models import Region
from accounts.refusals import Refused
from accounts.scoping import ensure_in_area

from ..models import SpotCheckDraw, SpotCheckRound, SpotCheckTarget
from ..models.spot_check import SPOT_CHECK_MINIMUM_SHARE
from ..sampling import WEIGHTS, build_population, draw_sample
from .common import SUPERVISOR_ROLES, acting_organisation, require_role

# Seeds fit a signed 64-bit column and stay exact in JSON (and JavaScript) numbers.
MAX_SEED = 2**53


def new_seed():
    return random.SystemRandom().randrange(1, MAX_SEED)


def _check_seed(seed):
    if seed is None:
        return new_seed()
    if not isinstance(seed, int) or not 0 <= seed < MAX_SEED:
        raise Refused(f"随机种子须是 0 到 {MAX_SEED - 1} 之间的整数。", field="seed")
    return seed


def plan_spot_check_round(
    *,
    by,
    county,
    name,
    period_start,
    period_end,
    target_share=SPOT_CHECK_MINIMUM_SHARE,
    seed=None,
):
    """A new round with its sample drawn and recorded as version 1."""
    require_role(by, SUPERVISOR_ROLES, "只有县、市整治办可以制定督导抽查计划。")
    organisation = acting_organisation(by)
    if county is None or county.level != Region.Level.COUNTY:
        raise Refused("请选择要抽查的县（区）。", field="county")
    ensure_in_area(by, county.path)
    if period_end < period_start:
        raise Refused("结束日期不能早于开始日期。", field="period_end")
    target_share = Decimal(target_share)
    if not SPOT_CHECK_MINIMUM_SHARE <= target_share <= 1:
        raise Refused("抽查比例不能低于 20%，也不能超过 100%。", field="target_share")
    name = (name or "").strip()
    if not name:
        raise Refused("请填写轮次名称。", field="name")
    seed = _check_seed(seed)
    with transaction.atomic():
        spot_check_round = SpotCheckRound.objects.create(
            name=name,
            county=county,
            organisation=organisation,
            period_start=period_start,
            period_end=period_end,
            target_share=target_share,
            created_by=by,
            current_version=1,
        )
        _record_draw(spot_check_round, version=1, seed=seed, by=by, reason="")
    return spot_check_round


def redraw_spot_check_sample(spot_check_round, *, by, reason, seed=None):
    """A new version of the round's sample; the earlier versions and their lists are kept."""
    require_role(by, SUPERVISOR_ROLES, "只有县、市整治办可以重新抽取督导抽查名单。")
    ensure_in_area(by, spot_check_round.region_path)
    reason = (reason or "").strip()
    if not reason:
        raise Refused("重新抽取必须填写理由，原抽样结果将保留备查。", field="reason")
    seed = _check_seed(seed)
    with transaction.atomic():
        locked = SpotCheckRound.objects.select_for_update().get(pk=spot_check_round.pk)
        last = locked.draws.aggregate(last=Max("version"))["last"] or 0
        draw = _record_draw(locked, version=last + 1, seed=seed, by=by, reason=reason)
        locked.current_version = draw.version
        locked.save(update_fields=["current_version"])
    spot_check_round.current_version = draw.version
    return draw


def _record_draw(spot_check_round, *, version, seed, by, reason):
    population = build_population(spot_check_round.county, spot_check_round.period_end)
    draw = SpotCheckDraw.objects.create(
        spot_check_round=spot_check_round,
        version=version,
        seed=seed,
        population=[member.as_row() for member in population],
        population_size=len(population),
        weights=dict(WEIGHTS),
        reason=reason,
        drawn_by=by,
    )
    drawn = draw_sample(population, seed, spot_check_round.target_share)
    SpotCheckTarget.objects.bulk_create(
        [
            SpotCheckTarget(
                spot_check_round=spot_check_round,
                draw=draw,
                enterprise_id=member.enterprise_id,
                stratum=member.stratum,
                weight=member.weight,
                draw_order=order,
            )
            for order, member in enumerate(drawn, start=1)
        ],
        batch_size=1000,
    )
    return draw
