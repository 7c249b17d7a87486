"""问责台账: which units (and their responsible persons) are to be held to account, worst first.

Seeds 000 and 002 ask that units that fake, hide, lag or miss deadlines be held to account.
From the data, per unit (Organisation) in the area:

- 逾期未销号 overdue cases: open cases past their deadline, counted against the case's
  responsible unit (its township government when no unit is set), with the persons named;
- 逾期报送 / 被退回 late or returned submissions of the unit's reports;
- 反弹 relapses: cases flagged as relapsed in a township, counted against that township's government;
- 瞒报漏报: 督导抽查 inspections with result 新发现 in a township — the county found what the
  township's ledger did not list — counted against that township's government.

Score (documented in the page too): 瞒报漏报 ×5, 反弹 ×3, 逾期案件 ×2, 逾期报送 ×2, 退回 ×1.
Hiding weighs most because the seeds name 瞒报漏报 first among what is punished; a relapse
means a closure was not real; each overdue case and late report is a missed deadline; a
return is a quality problem. Ties: more overdue cases first, then the longest overdue.

Seven aggregate queries whatever the data size; the dashboard's top ten (`limit`) one more:
its overdue cases are grouped by unit and township only (a city's ~11,600 unit × township ×
person rows become a few hundred), and the persons are counted for the ten units shown.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import Substr
from django.urls import reverse

from accounts.models import Organisation, Region
from inspections.models import Inspection, InspectionResult, InspectionType
from rectification.models import Case

from ..models import Submission
from ..models.accountability import AccountabilityAction

WEIGHTS = {
    "hidden_finds": 5,
    "relapses": 3,
    "overdue_cases": 2,
    "late_submissions": 2,
    "returned_submissions": 1,
}
SCORE_RULE = "瞒报漏报×5 + 反弹×3 + 逾期案件×2 + 逾期报送×2 + 被退回×1"


@dataclass
class UnitAccount:
    organisation: Organisation
    overdue_cases: int = 0
    oldest_deadline: datetime.date | None = None
    persons: dict = field(default_factory=dict)  # responsible person -> overdue cases
    late_submissions: int = 0
    returned_submissions: int = 0
    relapses: int = 0
    hidden_finds: int = 0
    actions: int = 0
    last_action_on: datetime.date | None = None
    today: datetime.date | None = None

    @property
    def score(self):
        return sum(getattr(self, name) * weight for name, weight in WEIGHTS.items())

    @property
    def days_overdue(self):
        if self.oldest_deadline is None or self.today is None:
            return 0
        return (self.today - self.oldest_deadline).days

    @property
    def persons_display(self):
        ordered = sorted(self.persons.items(), key=lambda item: (-item[1], item[0]))
        return "、".join(f"{name}（{count}）" for name, count in ordered if name)

    @property
    def persons_short(self):
        """At most three names for the dashboard; the ledger and export list them all."""
        names = [name for name, _ in sorted(self.persons.items(), key=lambda i: (-i[1], i[0]))]
        names = [name for name in names if name]
        if len(names) <= 3:
            return "、".join(names)
        return f"{'、'.join(names[:3])}等{len(names)}人"

    @property
    def overdue_cases_url(self):
        """The case list filtered to this unit's overdue cases."""
        query = urlencode({"overdue": "true", "responsible_unit": self.organisation.pk})
        return f"{reverse('rectification:case_list')}?{query}"

    @property
    def sort_key(self):
        return (-self.score, -self.overdue_cases, -self.days_overdue, self.organisation.name)


def accountability_list(user, region, today, organisation=None, limit=None):
    """Units under `region` (visible to `user`) with anything to answer for, worst first.

    With `organisation`, only that unit (its entry exists even when it has nothing against it).
    With `limit`, only the first `limit` units, their persons counted for them alone.
    """
    path = region.path
    cases = Case.objects.visible_within(user, path).order_by()
    entries = {}

    def entry_for(organisation_id):
        return entries.setdefault(organisation_id, {"persons": {}})

    # Township governments by their township's path: cases are grouped by the township part
    # of their own region path (no join to the ledger for a city's ~100,000 cases).
    governments = dict(
        Organisation.objects.filter(
            kind=Organisation.Kind.TOWNSHIP_GOVERNMENT, region__path__startswith=path
        )
        .order_by("id")
        .values_list("region__path", "id")
    )
    township_path = Substr("region_path", 1, region.path_length_at(Region.Level.TOWNSHIP))

    grouping = ["responsible_unit_id", "township_path"]
    if limit is None:
        grouping.append("responsible_person")
    overdue_cases = cases.overdue(today).annotate(township_path=township_path)
    overdue = overdue_cases.values(*grouping).annotate(n=Count("id"), oldest=Min("deadline"))
    for row in overdue:
        unit_id = row["responsible_unit_id"] or governments.get(row["township_path"])
        if unit_id is None:
            continue
        entry = entry_for(unit_id)
        entry["overdue_cases"] = entry.get("overdue_cases", 0) + row["n"]
        oldest = entry.get("oldest_deadline")
        entry["oldest_deadline"] = min(oldest, row["oldest"]) if oldest else row["oldest"]
        if limit is None:
            person = row["responsible_person"] or ""
            entry["persons"][person] = entry["persons"].get(person, 0) + row["n"]

    relapses = (
        cases.filter(is_relapse=True)
        .annotate(township_path=township_path)
        .values("township_path")
        .annotate(n=Count("id"))
    )
    for row in relapses:
        unit_id = governments.get(row["township_path"])
        if unit_id is not None:
            entry_for(unit_id)["relapses"] = row["n"]

    hidden = (
        Inspection.objects.visible_within(user, path)
        .filter(inspection_type=InspectionType.SPOT_CHECK, result=InspectionResult.NEW_FIND)
        .order_by()
        .annotate(township_path=township_path)
        .values("township_path")
        .annotate(n=Count("id"))
    )
    for row in hidden:
        unit_id = governments.get(row["township_path"])
        if unit_id is not None:
            entry_for(unit_id)["hidden_finds"] = row["n"]

    submissions = (
        Submission.objects.visible_within(user, path)
        .order_by()
        .values("organisation_id")
        .annotate(
            late=Count("id", filter=Q(version=1, first_submitted_at__date__gt=F("deadline"))),
            returned=Count("id", filter=Q(state=Submission.State.RETURNED)),
        )
    )
    for row in submissions:
        if row["late"] or row["returned"]:
            entry = entry_for(row["organisation_id"])
            entry["late_submissions"] = row["late"]
            entry["returned_submissions"] = row["returned"]

    actions = (
        AccountabilityAction.objects.visible_within(user, path)
        .order_by()
        .values("organisation_id")
        .annotate(n=Count("id"), last=Max("taken_on"))
    )
    action_counts = {row["organisation_id"]: row for row in actions}

    if organisation is not None:
        entries = {organisation.pk: entries.get(organisation.pk, {"persons": {}})}
    # The units themselves: limited to the area, so a county department above a township
    # user's area never appears (and cases cannot name a unit outside the user's sight).
    units = Organisation.objects.visible_to(user).select_related("region").in_bulk(list(entries))
    result = []
    for unit_id, values in entries.items():
        unit = units.get(unit_id)
        if unit is None:
            continue
        action = action_counts.get(unit_id, {})
        result.append(
            UnitAccount(
                organisation=unit,
                actions=action.get("n", 0),
                last_action_on=action.get("last"),
                today=today,
                **values,
            )
        )
    result.sort(key=lambda account: account.sort_key)
    if limit is not None:
        result = result[:limit]
        count_persons(overdue_cases, result, governments)
    return result


def count_persons(overdue_cases, accounts, governments):
    """The responsible persons of the overdue cases of `accounts` (a short list), by unit."""
    by_unit = {account.organisation.pk: account for account in accounts if account.overdue_cases}
    if not by_unit:
        return
    township_of = {unit_id: path for path, unit_id in governments.items() if unit_id in by_unit}
    rows = (
        overdue_cases.filter(
            Q(responsible_unit_id__in=list(by_unit))
            | Q(responsible_unit__isnull=True, township_path__in=list(township_of.values()))
        )
        .values("responsible_unit_id", "township_path", "responsible_person")
        .annotate(n=Count("id"))
    )
    for row in rows:
        unit_id = row["responsible_unit_id"] or governments.get(row["township_path"])
        account = by_unit.get(unit_id)
        if account is not None:
            person = row["responsible_person"] or ""
            account.persons[person] = account.persons.get(person, 0) + row["n"]
