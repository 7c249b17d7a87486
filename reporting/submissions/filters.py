"""The one FilterSet of the submission list, shared by the browser page and /api/submissions/."""

import django_filters
from django import forms

from accounts.filters import EMPTY_CHOICE, StyledFilterSet, YesNoFilter
from accounts.models import Region

from ..models import Submission
from ..periods import InvalidPeriod, Period
from ..tables import table_choices


class SubmissionFilter(StyledFilterSet):
    table = django_filters.ChoiceFilter(
        field_name="table_key", label="报表", choices=table_choices, empty_label=EMPTY_CHOICE
    )
    period = django_filters.CharFilter(
        label="报送期间", method="filter_period", widget=forms.TextInput(attrs={"type": "month"})
    )
    state = django_filters.ChoiceFilter(
        label="状态", choices=Submission.State.choices, empty_label=EMPTY_CHOICE
    )
    region = django_filters.CharFilter(
        label="区域代码", method="filter_region", help_text="该区域及其下级的报送"
    )
    latest = YesNoFilter(label="只看最新版本", method="filter_latest", widget=forms.CheckboxInput)

    class Meta:
        model = Submission
        fields = ["table", "period", "state", "region", "latest"]

    def filter_period(self, queryset, name, value):
        try:
            period = Period.parse(value)
        except InvalidPeriod:
            return queryset.none()
        return queryset.filter(period=period.start)

    def filter_region(self, queryset, name, value):
        region = Region.objects.filter(code=value.strip()).only("path").first()
        if region is None:
            return queryset.none()
        return queryset.filter(region_path__startswith=region.path)

    def filter_latest(self, queryset, name, value):
        if value:
            return queryset.filter(next_version__isnull=True)
        return queryset
