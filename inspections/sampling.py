"""The recorded spot-check draw (督导抽查抽样): who is in the population, how each enterprise is
stratified and weighted, and the draw itself — a pure function of (population, seed, share), so
a stored draw can be redone by anyone and must give the same list.

Rules (seed 004 asks for at least 20% of each township's ledger):

* Per township the quota is ceil(ledger enterprises × share).
* Strata are the disposal and state of the enterprise's case (its latest, if several);
  enterprises without a case form their own stratum "无案件". Each stratum of a township gets
  at least one place while the quota allows, so every kind of enterprise is looked at.
* Weights come from the enterprise's stored 风险画像 score (enterprises.risk):
  weight = 1 + ⌈(100 − score) / 10⌉, so a clean enterprise (100) weighs 1, a single tip (95)
  2, a relapse (70) 4, one just inside 高 (55) 6 and one at 0 weighs 11 — the county's 20%
  goes where relapse is likeliest, while every enterprise keeps a chance. Draws recorded before this rule (fixed weights
  overdue ×3, relapsed ×3, tipped ×2) carry their weights in their snapshot and redo as drawn.
* Within those rules the draw is weighted sampling without replacement
  (Efraimidis–Spirakis: each enterprise gets the key u^(1/weight) from random.Random(seed), the
  highest keys win): first the best key of each stratum, then the best of the rest.
"""

import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from enterprises.models import FULL_RISK_SCORE, Enterprise

NO_CASE_STRATUM = "无案件"
# What a draw records as its rule (SpotCheckDraw.weights); the snapshot holds each weight.
RISK_RULE = "risk_score"
WEIGHTS = {"rule": RISK_RULE, "points_per_weight": 10}
RISK_RULE_TEXT = (
    "按风险画像加权：权重 = 1 + (100 − 风险评分) ÷ 10（向上取整），"
    "满分 100 的企业权重为 1，0 分为 11"
)
# The fixed weights of draws recorded before the risk score (kept to describe those draws).
FIXED_WEIGHT_LABELS = {"overdue": "逾期未整改", "relapsed": "反弹（死灰复燃）", "tipped": "被举报"}


def risk_weight(score, points_per_weight=WEIGHTS["points_per_weight"]):
    """The draw weight of an enterprise with this risk score: 1 at 100, 2 at 99–90, 11 at 0 —
    any deduction at all raises the chance of being drawn."""
    lost = FULL_RISK_SCORE - max(0, min(FULL_RISK_SCORE, score))
    return 1 + -(-lost // points_per_weight)


def weights_description(weights=None):
    weights = weights or WEIGHTS
    if weights.get("rule") == RISK_RULE:
        return RISK_RULE_TEXT
    parts = [f"{FIXED_WEIGHT_LABELS.get(key, key)} ×{factor}" for key, factor in weights.items()]
    return "、".join(parts) + "（同时符合多项时相乘，其余企业权重为 1）"


@dataclass(frozen=True)
class Member:
    enterprise_id: int
    township_id: int
    stratum: str
    weight: int

    def as_row(self):
        return [self.enterprise_id, self.township_id, self.stratum, self.weight]

    @classmethod
    def from_row(cls, row):
        return cls(int(row[0]), int(row[1]), str(row[2]), int(row[3]))


def ledger(county, period_end):
    """The enterprises on the county's ledger by the end of the round."""
    return Enterprise.objects.within(county.path).filter(reported_on__lte=period_end)


def build_population(county, period_end):
    """Every ledger enterprise of the county as a Member, in id order, weighted by its stored
    risk score (recomputed nightly and on every change of its inputs). Two queries."""
    from rectification.models import Case, CaseState, Disposal

    enterprises = ledger(county, period_end)
    rows = list(enterprises.order_by("id").values_list("id", "township_id", "risk_score"))
    # Ordered by id within each enterprise, so the latest case overwrites the earlier ones.
    cases = {
        enterprise_id: (disposal, state)
        for enterprise_id, disposal, state in Case.objects.filter(
            enterprise__in=enterprises.values("id")
        )
        .order_by("enterprise_id", "id")
        .values_list("enterprise_id", "disposal", "state")
    }
    population = []
    for enterprise_id, township_id, score in rows:
        case = cases.get(enterprise_id)
        if case is None:
            stratum = NO_CASE_STRATUM
        else:
            disposal, state = case
            disposal_label = Disposal(disposal).label if disposal else "未认定"
            stratum = f"{disposal_label}·{CaseState(state).label}"
        population.append(Member(enterprise_id, township_id, stratum, risk_weight(score)))
    return population


def quota(size, share):
    """At least `share` of `size`, rounded up (ceil(size × share), exact in Decimal)."""
    return int((Decimal(size) * Decimal(share)).to_integral_value(ROUND_CEILING))


def _by_key(members, keys):
    """Highest key first; ties (practically never) by enterprise id, so the order is total."""
    return sorted(members, key=lambda member: (-keys[member.enterprise_id], member.enterprise_id))


def draw_sample(population, seed, share):
    """The drawn members, in draw order: township by township (ascending id), each stratum's
    best key first, then the best of the rest. Deterministic in (population, seed, share)."""
    rng = random.Random(seed)
    members = [
        member if isinstance(member, Member) else Member.from_row(member) for member in population
    ]
    by_township = defaultdict(list)
    for member in members:
        by_township[member.township_id].append(member)
    drawn = []
    for township_id in sorted(by_township):
        group = by_township[township_id]
        # One random number per member in population order: the key of the weighted draw.
        keys = {member.enterprise_id: rng.random() ** (1 / member.weight) for member in group}
        wanted = quota(len(group), share)
        best_of_stratum = {}
        for member in group:
            leader = best_of_stratum.get(member.stratum)
            if leader is None or keys[member.enterprise_id] > keys[leader.enterprise_id]:
                best_of_stratum[member.stratum] = member
        chosen = _by_key(best_of_stratum.values(), keys)[:wanted]
        taken = {member.enterprise_id for member in chosen}
        rest = _by_key((m for m in group if m.enterprise_id not in taken), keys)
        chosen.extend(rest[: wanted - len(chosen)])
        drawn.extend(chosen)
    return drawn


def reproduce_draw(draw, share):
    """The enterprise ids a stored draw gives when redone from its seed and snapshot."""
    if draw.seed is None:
        return None
    return [member.enterprise_id for member in draw_sample(draw.population, draw.seed, share)]
