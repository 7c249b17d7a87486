"""The enterprise form, grouped the way the paper ledger reads, and the Excel upload form.

`EnterpriseForm(data, user=user)` is reusable by other apps (an inspection that finds a new
enterprise creates it in the same step): validate it, then hand `form.enterprise_data()` to
`enterprises.services.create_enterprise` and show a refusal with `accounts.refusals.show_refusal`.
"""

from django import forms
from django.urls import reverse
from django.utils import timezone

from accounts.forms import PLEASE_CHOOSE
from accounts.models import Region
from accounts.refusals import Refused

from .credit_code import validate_credit_code
from .duplicates import normalise_text
from .electricity import account_numbers_text, check_account_numbers, parse_account_numbers
from .imports.services import can_establish
from .ledger import import_campaigns
from .models import Enterprise, EnterpriseType, PermitDepartment
from .services import EDITABLE_FIELDS
from .services import SECTIONS as LEDGER_SECTIONS

PERMIT_CHOICES = [("", "未登记"), ("held", "有"), ("missing", "无")]

# The services' sections, with one choice per department in place of "permits".
SECTIONS = [
    (
        title,
        [f"permit_{code}" for code in PermitDepartment.values] if fields == ["permits"] else fields,
    )
    for title, fields in LEDGER_SECTIONS
]
# 用电户号 sit with who the enterprise is (not a model field: enterprises.electricity).
SECTIONS = [
    (title, [*fields, "electricity_accounts"] if "credit_code" in fields else fields)
    for title, fields in SECTIONS
]


def townships_for(user):
    return Region.objects.visible_to(user).townships().order_by("code")


def villages_of(township):
    if township is None:
        return Region.objects.none()
    return Region.objects.filter(parent=township, level=Region.Level.VILLAGE).order_by("code")


class EnterpriseForm(forms.ModelForm):
    confirm_similar = forms.BooleanField(
        label="仍然保存（已核实不是同一家企业）",
        required=False,
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    electricity_accounts = forms.CharField(
        label="用电户号",
        required=False,
        max_length=700,
        help_text="供电公司的户号，可填多个，用逗号、空格或顿号分隔；仅工作人员可见。",
    )

    class Meta:
        model = Enterprise
        fields = [field for field in EDITABLE_FIELDS if field != "permits"]
        widgets = {
            "reported_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "remarks": forms.Textarea(attrs={"rows": 2}),
            "latitude": forms.NumberInput(attrs={"step": "0.000001"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001"}),
        }
        error_messages = {
            "name": {"required": "请填写企业名称。"},
            "enterprise_type": {"required": "请选择企业类型（小散乱污或八小）。"},
            "reported_on": {
                "required": "请填写上报时间。",
                "invalid": "上报时间格式不正确，请按 2024-03-15 填写。",
            },
            "township": {"required": "请选择所在乡镇。"},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        townships = townships_for(user)
        township_field = self.fields["township"]
        township_field.queryset = townships
        township_field.empty_label = PLEASE_CHOOSE
        township_field.error_messages["invalid_choice"] = "所选乡镇不在您的管辖范围内。"
        own_region = user.region
        if own_region is not None and own_region.level == Region.Level.TOWNSHIP:
            # A township's staff always enter rows for their own township.
            township_field.initial = own_region.pk
            township_field.disabled = True
        township = self.chosen_township()
        village_field = self.fields["village"]
        village_field.queryset = villages_of(township)
        village_field.empty_label = "（不选）"
        village_field.error_messages["invalid_choice"] = "所选村不属于所选乡镇。"
        township_field.widget.attrs.update(
            {
                "hx-get": reverse("enterprises:villages"),
                "hx-target": f"#{self['village'].auto_id}",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        )
        for code, label in PermitDepartment.choices:
            held = (self.instance.permits or {}).get(code) if self.instance.pk else None
            self.fields[f"permit_{code}"] = forms.ChoiceField(
                label=label,
                choices=PERMIT_CHOICES,
                required=False,
                initial="" if held is None else ("held" if held else "missing"),
            )
        self.fields["enterprise_type"].choices = [("", "请选择类型"), *EnterpriseType.choices]
        self.fields["industry_other"].help_text = "行业选“其他”时写明，如“粮食烘干”。"
        self.fields["credit_code"].help_text = "18 位，没有可不填；填写后系统自动核对校验位。"
        self.fields["scale"].help_text = "如“5人”“约12人、3台设备”。"
        if self.instance.pk:
            self.fields["version"].initial = self.instance.updated_at.isoformat()
            self.fields["electricity_accounts"].initial = account_numbers_text(self.instance)
        else:
            # A new row is usually entered the day it is found.
            self.fields["reported_on"].initial = timezone.localdate()
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs["class"] = "form-control"
            if name == "township":
                widget.attrs["class"] += " township-select"

    def chosen_township(self):
        field = self.fields["township"]
        if field.disabled:
            return field.queryset.filter(pk=field.initial).first()
        key = self.add_prefix("township")
        if self.is_bound and self.data.get(key):
            value = str(self.data.get(key))
            return field.queryset.filter(pk=value).first() if value.isdigit() else None
        if self.instance.pk:
            return self.instance.township
        return None

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in SECTIONS]

    def clean_credit_code(self):
        code = normalise_text(self.cleaned_data.get("credit_code", "")).replace(" ", "").upper()
        validate_credit_code(code)
        return code

    def clean_electricity_accounts(self):
        try:
            numbers = parse_account_numbers(self.cleaned_data.get("electricity_accounts", ""))
            check_account_numbers(numbers, self.instance.pk)
        except Refused as refusal:
            raise forms.ValidationError(refusal.message) from None
        return numbers

    def clean_name(self):
        return normalise_text(self.cleaned_data.get("name", ""))

    def clean(self):
        cleaned = super().clean()
        township = cleaned.get("township")
        village = cleaned.get("village")
        if township and village and village.parent_id != township.pk:
            self.add_error("village", f"“{village.name}”不属于{township.name}。")
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error("longitude", "经度和纬度要么都填，要么都不填。")
        return cleaned

    def _post_clean(self):
        # The model's own checks run in the service, where the refusal is raised once for
        # the form and the API alike; here only the field-level validators run.
        pass

    def permits(self):
        permits = {}
        for code in PermitDepartment.values:
            value = self.cleaned_data.get(f"permit_{code}")
            if value:
                permits[code] = value == "held"
        return permits

    def enterprise_data(self):
        """The cleaned values as the services take them (EDITABLE_FIELDS → value)."""
        data = {field: self.cleaned_data[field] for field in self._meta.fields}
        data["permits"] = self.permits()
        data["electricity_accounts"] = self.cleaned_data.get("electricity_accounts", [])
        return data


class LedgerUploadForm(forms.Form):
    """The file, the township and the campaign its cases go into; 按台账建档 for a county
    office or an administrator only."""

    township = forms.ModelChoiceField(
        queryset=Region.objects.none(),
        label="导入到乡镇",
        empty_label=PLEASE_CHOOSE,
        error_messages={
            "required": "请选择要导入到哪个乡镇。",
            "invalid_choice": "所选乡镇不在您的管辖范围内。",
        },
    )
    file = forms.FileField(
        label="台账文件（.xlsx、.xls 或 .csv）",
        help_text="Excel 工作簿（.xlsx）、旧版 Excel 工作簿（.xls）或 CSV 文件（UTF-8 或 GBK 编码）均可。",
        error_messages={
            "required": "请选择要导入的台账文件（.xlsx、.xls 或 .csv）。",
            "empty": "上传的文件是空的。",
        },
    )

    campaign = forms.TypedChoiceField(
        label="案件登记到专项行动",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="有整治要求、整治期限或完成情况的行，按所选专项行动登记整治案件；"
        "默认是覆盖该乡镇、正在进行的专项行动。",
        error_messages={"invalid_choice": "所选专项行动不在您的辖区范围内。"},
    )
    establish = forms.BooleanField(
        label="按台账建档",
        required=False,
        help_text="导入历史台账时，案件按台账所填完成情况建档（已认定、整治中，"
        "拆除到位并注明日期的为待验收）；销号仍须县整治办验收。",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["township"]
        field.queryset = townships_for(user)
        own_region = user.region
        if own_region is not None and own_region.level == Region.Level.TOWNSHIP:
            field.initial = own_region.pk
            field.disabled = True
        field.widget.attrs["class"] = "form-select"
        self.setup_campaign(user, own_region)
        if not can_establish(user):
            del self.fields["establish"]
        else:
            self.fields["establish"].widget.attrs["class"] = "form-check-input"
        self.fields["file"].widget.attrs.update(
            {
                "class": "form-control",
                "accept": ".xlsx,.xls,.csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
                "application/vnd.ms-excel,text/csv",
            }
        )

    def setup_campaign(self, user, own_region):
        """Every active campaign the user sees; the township's (a clerk's own) by default.
        Whether it covers the chosen township is checked on upload (stage_import)."""
        campaigns = import_campaigns()
        field = self.fields["campaign"]
        field.choices = [("", "（按乡镇默认）"), *campaigns.choices(user)]
        if own_region is not None and own_region.level == Region.Level.TOWNSHIP:
            field.initial = campaigns.default(user, own_region)
        field.widget.attrs["class"] = "form-select"
