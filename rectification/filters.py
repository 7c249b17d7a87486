"""The one FilterSet of the case list, shared by /cases/ and /api/cases/."""

import datetime

import django_filters
from django.db.models import Q

from accounts.filters import EMPTY_CHOICE, StyledFilterSet, YesNoFilter, township_choices
from accounts.models import Organisation
from accounts.scoping import scope_to_area_and_above

from .models import Campaign, Case, CaseState, Disposal


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
        label="乡镇",
        field_name="enterprise__township",
        queryset=township_choices,
        empty_label=EMPTY_CHOICE,
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
    # The lists a reminder digest links to ("今日整治期限3天提醒：5 件" → ?due_within=3).
    due_within = django_filters.NumberFilter(
        label="期限在几天内", method="filter_due_within", min_value=0, max_value=366
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
            "due_within",
            "look_back_due",
        ]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(enterprise__name__icontains=value) | Q(number__icontains=value))

    def filter_overdue(self, queryset, name, value):
        today = datetime.date.today()
        if value is True:
            return queryset.overdue(today)
        if value is False:
            return queryset.not_overdue(today)
        return queryset

    def filter_due_within(self, queryset, name, value):
        """Open cases under a deadline that falls between today and `value` days on."""
        if value is None:
            return queryset
        today = datetime.date.today()
        return (
            queryset.open()
            .exclude(state=CaseState.FOUND)
            .filter(deadline__range=(today, today + datetime.timedelta(days=int(value))))
        )

    def filter_look_back_due(self, queryset, name, value):
        today = datetime.date.today()
        if value is True:
            return queryset.closed().filter(look_back_due__lte=today)
        if value is False:
            return queryset.exclude(state=CaseState.CLOSED, look_back_due__lte=today)
        return queryset
