"""The one FilterSet of 问责记录, shared by the unit history page and /api/accountability-actions/."""

import django_filters

from ..models.accountability import AccountabilityAction, AccountabilityKind


class AccountabilityActionFilter(django_filters.FilterSet):
    organisation = django_filters.NumberFilter(field_name="organisation_id", label="被问责单位")
    kind = django_filters.ChoiceFilter(label="问责方式", choices=AccountabilityKind.choices)
    taken_from = django_filters.DateFilter(field_name="taken_on", lookup_expr="gte", label="起")
    taken_to = django_filters.DateFilter(field_name="taken_on", lookup_expr="lte", label="止")

    class Meta:
        model = AccountabilityAction
        fields = ["organisation", "kind", "taken_from", "taken_to"]
