"""The ledger's one FilterSet, shared by the browser list, the .xlsx export and /api/enterprises/."""

import django_filters
from django import forms
from django.db.models import Q
from django.urls import reverse

from accounts.filters import EMPTY_CHOICE, OrderingFilter, StyledFilterSet, TownshipFilter
from accounts.models import Region

from .models import Enterprise, EnterpriseType, Industry, PermitStatus, RiskBand, Sector, Source
from .search import search_enterprises

YES_NO = [("true", "是"), ("false", "否")]


class EnterpriseFilter(StyledFilterSet):
    q = django_filters.CharFilter(method="search", label="关键词")
    township = TownshipFilter()
    # By code, not as a model choice: a city or province user would otherwise be sent every
    # village of their area as <option>s. The page offers the chosen township's villages.
    village = django_filters.CharFilter(field_name="village__code", label="村（社区）")
    enterprise_type = django_filters.ChoiceFilter(
        choices=EnterpriseType.choices, label="企业类型", empty_label=EMPTY_CHOICE
    )
    sector = django_filters.ChoiceFilter(
        choices=Sector.choices, label="领域", empty_label=EMPTY_CHOICE
    )
    industry = django_filters.ChoiceFilter(
        choices=Industry.choices, label="行业", empty_label=EMPTY_CHOICE
    )
    permit_status = django_filters.ChoiceFilter(
        choices=PermitStatus.choices, label="有无手续", empty_label=EMPTY_CHOICE
    )
    source = django_filters.ChoiceFilter(
        choices=Source.choices, label="来源", empty_label=EMPTY_CHOICE
    )
    is_scattered = django_filters.ChoiceFilter(
        choices=YES_NO, method="flag", label="散", empty_label=EMPTY_CHOICE
    )
    is_disorderly = django_filters.ChoiceFilter(
        choices=YES_NO, method="flag", label="乱", empty_label=EMPTY_CHOICE
    )
    is_polluting = django_filters.ChoiceFilter(
        choices=YES_NO, method="flag", label="污", empty_label=EMPTY_CHOICE
    )
    # 风险画像's band (enterprises.risk); index enterprise_risk_band_order keeps the page cheap.
    risk_band = django_filters.ChoiceFilter(
        choices=RiskBand.choices, label="风险等级", empty_label=EMPTY_CHOICE
    )
    # 未定位: the rows the map cannot place, for the clerks to fill in (the form's 定位 button).
    located = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_located", label="已定位", empty_label=EMPTY_CHOICE
    )
    reported_after = django_filters.DateFilter(
        field_name="reported_on", lookup_expr="gte", label="上报时间从"
    )
    reported_before = django_filters.DateFilter(
        field_name="reported_on", lookup_expr="lte", label="上报时间至"
    )
    ordering = OrderingFilter(
        fields=(
            ("region_path", "place"),
            ("name", "name"),
            ("enterprise_type", "enterprise_type"),
            ("permit_status", "permit_status"),
            ("reported_on", "reported_on"),
            ("responsible_person", "responsible_person"),
            ("updated_at", "updated_at"),
            ("risk_score", "risk_score"),
        ),
        field_labels={
            "region_path": "所在村组",
            "name": "企业名称",
            "enterprise_type": "企业类型",
            "permit_status": "有无手续",
            "reported_on": "上报时间",
            "responsible_person": "分包责任人",
            "updated_at": "更新时间",
            "risk_score": "风险评分",
        },
        label="排序",
        empty_label="默认（按村组）",
    )

    class Meta:
        model = Enterprise
        fields = []

    @property
    def form(self):
        form = super().form
        if not getattr(form, "villages_offered", False):
            form.fields["q"].widget.attrs["placeholder"] = "企业名称、信用代码、地址或村组"
            self.offer_villages(form)
            form.villages_offered = True
        return form

    def offer_villages(self, form):
        """The village filter as a select of the chosen (or the user's own) township's villages;
        choosing a township reloads it through htmx."""
        user = self.request.user if self.request else None
        township_code = (self.data or {}).get("township") or ""
        own = user.region if user is not None else None
        if not township_code and own is not None and own.level == Region.Level.TOWNSHIP:
            township_code = own.code
        villages = []
        if township_code and user is not None:
            villages = list(
                Region.objects.visible_to(user)
                .filter(parent__code=township_code, level=Region.Level.VILLAGE)
                .order_by("code")
                .values_list("code", "name")
            )
        form.fields["village"].widget = forms.Select(
            choices=[("", EMPTY_CHOICE), *villages], attrs={"class": "form-select form-select-sm"}
        )
        form.fields["township"].widget.attrs.update(
            {
                "hx-get": reverse("enterprises:villages"),
                "hx-vals": '{"value": "code"}',
                "hx-target": "#id_village",
                "hx-trigger": "change",
            }
        )

    def filter_located(self, queryset, name, value):
        unlocated = Q(latitude__isnull=True) | Q(longitude__isnull=True)
        return queryset.exclude(unlocated) if value == "true" else queryset.filter(unlocated)

    def flag(self, queryset, name, value):
        return queryset.filter(**{name: value == "true"})

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        user = self.request.user if self.request else None
        return search_enterprises(queryset, value, getattr(user, "area_path", None))

    @property
    def qs(self):
        # A stable order under every sort, so pagination never repeats or skips a row.
        queryset = super().qs
        ordering = list(queryset.query.order_by) or ["region_path"]
        return queryset.order_by(*ordering, "id")

    def selected_township(self):
        """The township the list is narrowed to (for the export title), if exactly one."""
        if self.is_bound and self.form.is_valid():
            return self.form.cleaned_data.get("township")
        return None
