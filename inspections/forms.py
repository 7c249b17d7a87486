"""Browser forms for field work. They only collect and shape input; every rule lives in the
services, whose refusals the views put back onto these forms."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone

from accounts.forms import PLEASE_CHOOSE
from accounts.models import Organisation, Region, User
from enterprises.models import Enterprise
from rectification.models import Requirement

from .models import (
    MAX_INSPECTION_PHOTOS,
    MAX_TIP_PHOTOS,
    InspectionResult,
    InspectionType,
    SpotCheckRound,
    Team,
    Tip,
    TipChannel,
)
from .services.common import SUPERVISOR_ROLES, can


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input; each is checked by the service (content, size)."""

    def __init__(self, *args, max_count, **kwargs):
        kwargs.setdefault(
            "widget",
            # capture: a phone offers its rear camera; multiple: several shots in one upload.
            MultiplePhotoInput(
                attrs={"accept": "image/*", "capture": "environment", "multiple": True}
            ),
        )
        kwargs.setdefault("required", False)
        self.max_count = max_count
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [super(MultiplePhotoField, self).clean(item, initial) for item in files if item]
        if len(files) > self.max_count:
            raise forms.ValidationError(f"最多上传 {self.max_count} 张照片。")
        return files


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
            continue
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


def _townships(user):
    return Region.objects.visible_to(user).townships().order_by("code")


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InspectionForm(forms.Form):
    inspection_type = forms.ChoiceField(label="检查类型", choices=InspectionType.choices)
    inspected_on = forms.DateField(label="检查日期", widget=DATE_INPUT)
    team = forms.ModelChoiceField(
        label="执法组",
        queryset=Team.objects.none(),
        required=False,
        empty_label="新建执法组（填写下方）",
    )
    team_name = forms.CharField(label="新执法组名称", max_length=60, required=False)
    member_users = forms.ModelMultipleChoiceField(
        label="本单位执法人员",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    member_names = forms.CharField(
        label="其他执法人员",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="每行一人，或用顿号、逗号分隔（如公安、供电公司人员）。",
    )
    enterprise = forms.ModelChoiceField(
        label="被检查企业",
        queryset=Enterprise.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "所选企业不在您的管辖范围内。"},
    )
    new_find = forms.BooleanField(label="台账上没有这家企业：新发现，同时录入台账", required=False)
    township = forms.ModelChoiceField(
        label="所在乡镇", queryset=Region.objects.none(), required=False, empty_label=PLEASE_CHOOSE
    )
    place = forms.CharField(label="检查地点", max_length=200, required=False)
    findings = forms.CharField(
        label="检查发现", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    result = forms.ChoiceField(label="检查结果", choices=InspectionResult.choices)
    latitude = forms.DecimalField(
        label="纬度", required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90
    )
    longitude = forms.DecimalField(
        label="经度", required=False, max_digits=9, decimal_places=6, min_value=-180, max_value=180
    )
    photos = MultiplePhotoField(label="现场照片", max_count=MAX_INSPECTION_PHOTOS)
    tip = forms.ModelChoiceField(
        label="核查的举报", queryset=Tip.objects.none(), required=False, widget=forms.HiddenInput
    )
    spot_check_round = forms.ModelChoiceField(
        label="抽查轮次",
        queryset=SpotCheckRound.objects.none(),
        required=False,
        empty_label="（不归入轮次）",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        today = timezone.localdate()
        self.fields["inspected_on"].initial = today
        if not can(user, SUPERVISOR_ROLES):
            self.fields["inspection_type"].choices = [
                choice
                for choice in InspectionType.choices
                if choice[0] != InspectionType.SPOT_CHECK
            ]
            del self.fields["spot_check_round"]
        else:
            self.fields["spot_check_round"].queryset = SpotCheckRound.objects.visible_to(
                user
            ).filter(period_end__gte=today - datetime.timedelta(days=60))
        self.fields["team"].queryset = Team.objects.filter(
            organisation_id=user.organisation_id, out_on__gte=today - datetime.timedelta(days=7)
        ).order_by("-out_on", "name")
        self.fields["member_users"].queryset = User.objects.filter(
            organisation_id=user.organisation_id, is_active=True
        ).order_by("username")
        self.fields["member_users"].initial = [user.pk]
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)
        self.fields["township"].queryset = _townships(user)
        self.fields["tip"].queryset = Tip.objects.visible_to(user)
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs.update({"step": "0.000001", "inputmode": "decimal"})
        _style(self)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("team") and not (cleaned.get("team_name") or "").strip():
            self.add_error("team_name", "请选择已出动的执法组，或填写新执法组名称。")
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error("longitude", "经度和纬度要么都填，要么都不填。")
        return cleaned

    def member_name_list(self):
        raw = self.cleaned_data.get("member_names") or ""
        for separator in "，,、；;\r":
            raw = raw.replace(separator, "\n")
        return [name.strip() for name in raw.split("\n") if name.strip()]

    def service_arguments(self):
        data = self.cleaned_data
        arguments = {
            name: data.get(name)
            for name in (
                "inspection_type",
                "inspected_on",
                "result",
                "enterprise",
                "township",
                "place",
                "findings",
                "tip",
                "spot_check_round",
                "latitude",
                "longitude",
                "photos",
            )
        }
        if data.get("team"):
            arguments["team"] = data["team"]
        else:
            arguments["new_team"] = {
                "name": data.get("team_name"),
                "member_users": list(data.get("member_users") or []),
                "member_names": self.member_name_list(),
            }
        return arguments


class TipIntakeForm(forms.Form):
    """Staff intake of a hotline call, letter or visit (the channel is recorded)."""

    channel = forms.ChoiceField(
        label="举报渠道", choices=[c for c in TipChannel.choices if c[0] != TipChannel.ONLINE]
    )
    received_at = forms.DateTimeField(
        label="受理时间",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    county = forms.ModelChoiceField(
        label="所在县（区）", queryset=Region.objects.none(), empty_label=None
    )
    township = forms.ModelChoiceField(
        label="所在乡镇", queryset=Region.objects.none(), required=False, empty_label="不清楚"
    )
    place = forms.CharField(label="地点", max_length=200)
    happened_when = forms.CharField(label="发生时间", max_length=100, required=False)
    content = forms.CharField(label="举报内容", widget=forms.Textarea(attrs={"rows": 4}))
    reporter_name = forms.CharField(label="举报人姓名", max_length=40, required=False)
    reporter_contact = forms.CharField(label="举报人联系方式", max_length=100, required=False)
    reward = forms.BooleanField(label="有奖举报", required=False)
    photos = MultiplePhotoField(label="照片", max_count=MAX_TIP_PHOTOS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = Region.objects.visible_to(user).counties().order_by("code")
        self.fields["township"].queryset = _townships(user)
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        _style(self)


class PublicTipForm(forms.Form):
    """What a member of the public fills in on /tips/: what, where, when, optional photos and contact."""

    county = forms.ModelChoiceField(
        label="所在县（区）",
        queryset=Region.objects.counties().order_by("code"),
        empty_label=PLEASE_CHOOSE,
        error_messages={
            "required": "请选择举报地点所在的县（区）。",
            "invalid_choice": "请选择列表中的县（区）。",
        },
    )
    township = forms.ModelChoiceField(
        label="所在乡镇（街道）",
        queryset=Region.objects.townships().select_related("parent").order_by("code"),
        required=False,
        empty_label="不清楚",
    )
    place = forms.CharField(
        label="地点",
        max_length=200,
        error_messages={"required": "请写明地点，便于核查人员找到现场。"},
    )
    happened_when = forms.CharField(
        label="发生时间", max_length=100, required=False, help_text="如“每天夜间”“3月20日下午”。"
    )
    content = forms.CharField(
        label="举报内容",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "请写明举报内容。"},
    )
    photos = MultiplePhotoField(label="照片（可选，最多 3 张）", max_count=MAX_TIP_PHOTOS)
    reporter_name = forms.CharField(label="您的称呼（可选）", max_length=40, required=False)
    reporter_contact = forms.CharField(
        label="联系方式（可选）",
        max_length=100,
        required=False,
        help_text="只有承办单位能看到，不会公开。",
    )
    reward = forms.BooleanField(label="申请有奖举报（需留联系方式）", required=False)
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # a trap for bots

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].label_from_instance = lambda region: (
            f"{region.parent.name} · {region.name}"
        )
        _style(self)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError("提交失败，请刷新页面后重试。")
        return cleaned


class TipLookupForm(forms.Form):
    receipt_number = forms.CharField(label="受理编号", max_length=24)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_receipt_number(self):
        return self.cleaned_data["receipt_number"].strip().upper()


class TipAssignForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="承办单位", queryset=Organisation.objects.none(), empty_label=PLEASE_CHOOSE
    )
    note = forms.CharField(
        label="交办意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    verify_due = forms.DateField(label="核查期限", required=False, widget=DATE_INPUT)
    working_days = forms.IntegerField(
        label="或：核查时限（工作日）",
        required=False,
        min_value=1,
        max_value=365,
        help_text="两项都不填则为交办之日起 5 个工作日（按节假日和调休日历计算）。",
    )

    def clean(self):
        data = super().clean()
        if data.get("verify_due") is not None and data.get("working_days") is not None:
            raise forms.ValidationError("核查期限请只填写日期或工作日天数其中一项。")
        return data

    def __init__(self, *args, tip, **kwargs):
        super().__init__(*args, **kwargs)
        K = Organisation.Kind
        townships = (
            Q(region_id=tip.township_id) if tip.township_id else Q(region__parent_id=tip.county_id)
        )
        organisations = Organisation.objects.filter(
            Q(kind=K.COUNTY_DEPARTMENT, region_id=tip.county_id)
            | (Q(kind=K.TOWNSHIP_GOVERNMENT) & townships)
        ).select_related("region")
        self.fields["organisation"].queryset = organisations.order_by(
            "kind", "region__path", "name"
        )
        _style(self)


class TipPublishForm(forms.Form):
    outcome = forms.CharField(label="处理结果（公开）", widget=forms.Textarea(attrs={"rows": 3}))
    reward = forms.BooleanField(label="有奖举报", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class TransferForm(forms.Form):
    enterprise = forms.ModelChoiceField(
        label="企业",
        queryset=Enterprise.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "请选择企业。",
            "invalid_choice": "所选企业不在您的管辖范围内。",
        },
    )
    problem = forms.CharField(label="发现问题", widget=forms.Textarea(attrs={"rows": 3}))
    requirement = forms.ChoiceField(label="整治要求", choices=Requirement.choices)
    transferred_on = forms.DateField(label="移交日期", widget=DATE_INPUT)
    responsible_person = forms.CharField(
        label="分包责任人", max_length=60, required=False, help_text="不填则取台账上的分包责任人。"
    )
    inspection = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)
        self.fields["transferred_on"].initial = timezone.localdate()
        _style(self)


class TransferCompleteForm(forms.Form):
    completed_on = forms.DateField(label="完成日期", widget=DATE_INPUT)
    note = forms.CharField(
        label="完成说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["completed_on"].initial = timezone.localdate()
        _style(self)


class SpotCheckRoundForm(forms.Form):
    name = forms.CharField(label="轮次名称", max_length=100)
    county = forms.ModelChoiceField(
        label="抽查县（区）", queryset=Region.objects.none(), empty_label=None
    )
    period_start = forms.DateField(label="开始日期", widget=DATE_INPUT)
    period_end = forms.DateField(label="结束日期", widget=DATE_INPUT)
    target_share_percent = forms.IntegerField(
        label="抽查比例（%）", initial=20, min_value=20, max_value=100
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = Region.objects.visible_to(user).counties().order_by("code")
        _style(self)


class RedrawForm(forms.Form):
    reason = forms.CharField(
        label="重新抽取理由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "重新抽取必须填写理由，原抽样结果将保留备查。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class CoverageForm(forms.Form):
    county = forms.ModelChoiceField(
        label="县（区）", queryset=Region.objects.none(), empty_label=None, to_field_name="code"
    )
    period_start = forms.DateField(label="开始日期", widget=DATE_INPUT)
    period_end = forms.DateField(label="结束日期", widget=DATE_INPUT)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = Region.objects.visible_to(user).counties().order_by("code")
        if user.region is not None and user.region.level >= Region.Level.TOWNSHIP:
            # Township people see their own township's row; there is no county to choose.
            del self.fields["county"]
        _style(self)
