"""The one FilterSet of the case list, shared by /cases/ and /api/cases/."""

import datetime

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.filters import EMPTY_CHOICE, StyledFilterSet, YesNoFilter, township_choices
from accounts.models import Organisation
from accounts.scoping import scope_to_area_and_above
from enterprises.search import enterprises_matching

from .models import Campaign, Case, CaseState, CaseStep, Disposal
from .workflow.transitions import UNDER_DEADLINE, NextHolder, states_held_by

# 待办理方: who has the case now, by the transitions table's next holder (the 待办 lists link here).
HOLDER_CHOICES = [
    (holder, NextHolder.LABELS[holder])
    for holder in (NextHolder.DETERMINERS, NextHolder.RESPONSIBLE_UNIT, NextHolder.VERIFIERS)
]
# The 待确认部门 value for the steps only the county office confirms (no department unit owns them).
COUNTY_OFFICE_STEPS = "county_office"
DUE_WITHIN_CHOICES = [(str(days), f"{days}天内到期") for days in (1, 3, 7, 30)]


def _user(request):
    return getattr(request, "user", None)


def campaign_choices(request):
    return Campaign.objects.visible_to(_user(request)).order_by("-year", "name")


def unit_choices(request):
    """Units that may be responsible in the user's area: those inside it and the county's
    (or city's) departments above it."""
    queryset = Organisation.objects.select_related("region").order_by(
        "region__path", "kind", "name"
    )
    return scope_to_area_and_above(queryset, _user(request), "region__path")


class CaseFilter(StyledFilterSet):
    q = django_filters.CharFilter(label="企业名称/案件编号", method="filter_text")
    state = django_filters.ChoiceFilter(
        label="状态", choices=CaseState.choices, empty_label=EMPTY_CHOICE
    )
    disposal = django_filters.ChoiceFilter(
        label="分类处置", choices=Disposal.choices, empty_label=EMPTY_CHOICE
    )
    township = django_filters.ModelChoiceFilter(
        label="乡镇", queryset=township_choices, empty_label=EMPTY_CHOICE, method="in_township"
    )
    overdue = YesNoFilter(label="逾期", method="filter_overdue")
    responsible_unit = django_filters.ModelChoiceFilter(
        label="责任单位", queryset=unit_choices, empty_label=EMPTY_CHOICE
    )
    campaign = django_filters.ModelChoiceFilter(
        label="专项行动", queryset=campaign_choices, empty_label=EMPTY_CHOICE
    )
    is_relapse = YesNoFilter(label="反弹")
    is_quasi = YesNoFilter(label="类散乱污")
    holder = django_filters.ChoiceFilter(
        label="待办理方", choices=HOLDER_CHOICES, empty_label=EMPTY_CHOICE, method="filter_holder"
    )
    # 待办's "7天内到期" and the reminder digests ("今日整治期限3天提醒：5 件" → ?due_within=3).
    due_within = django_filters.ChoiceFilter(
        label="到期",
        choices=DUE_WITHIN_CHOICES,
        empty_label=EMPTY_CHOICE,
        method="filter_due_within",
    )
    awaiting_department = django_filters.ChoiceFilter(
        label="待确认部门",
        choices=[*Organisation.Department.choices, (COUNTY_OFFICE_STEPS, "县整治办（无对口部门）")],
        empty_label=EMPTY_CHOICE,
        method="filter_awaiting_department",
    )
    look_back_due = YesNoFilter(label="回头看到期", method="filter_look_back_due")

    class Meta:
        model = Case
        fields = [
            "q",
            "state",
            "disposal",
            "township",
            "overdue",
            "responsible_unit",
            "campaign",
            "is_relapse",
            "is_quasi",
            "holder",
            "due_within",
            "awaiting_department",
            "look_back_due",
        ]

    def in_township(self, queryset, name, value):
        # The township's path prefix, not a join to the enterprise: the same index that scopes
        # and orders the list then serves the filter.
        return queryset.within(value.path) if value else queryset

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if not value.isascii():
            # Case numbers are ASCII (county code-year-sequence): a Chinese term is a name.
            return queryset.filter(enterprise__in=enterprises_matching(_user(self.request), value))
        return queryset.filter(Q(enterprise__name__icontains=value) | Q(number__icontains=value))

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        if value is True:
            return queryset.overdue(today)
        if value is False:
            return queryset.not_overdue(today)
        return queryset

    def filter_holder(self, queryset, name, value):
        return queryset.filter(state__in=states_held_by(value)) if value else queryset

    def filter_due_within(self, queryset, name, value):
        """Cases under a deadline that falls between today and `value` days on (逾期 is its
        own filter, so a digest's count and the list it links to agree)."""
        if not value:
            return queryset
        today = timezone.localdate()
        until = today + datetime.timedelta(days=int(value))
        return queryset.filter(state__in=UNDER_DEADLINE, deadline__range=(today, until))

    def filter_look_back_due(self, queryset, name, value):
        today = timezone.localdate()
        if value is True:
            return queryset.closed().filter(look_back_due__lte=today)
        if value is False:
            return queryset.exclude(state=CaseState.CLOSED, look_back_due__lte=today)
        return queryset

    def filter_awaiting_department(self, queryset, name, value):
        """Cases being carried out with a step of this department not yet done (断电 for 供电公司)."""
        if not value:
            return queryset
        return queryset.filter(Exists(awaiting_steps(value).filter(case=OuterRef("pk"))))


def awaiting_steps(department):
    """Steps a department must confirm now: undone, of a case being carried out. For
    COUNTY_OFFICE_STEPS: the steps no department unit of the county owns (水务 where the county
    has no such unit, 停气), which only the county office can confirm."""
    owner = (
        Q(confirming_unit__isnull=True)
        if department == COUNTY_OFFICE_STEPS
        else Q(confirming_department=department)
    )
    return CaseStep.objects.filter(
        owner,
        done_on__isnull=True,
        case__state=CaseState.IN_PROGRESS,
    )
