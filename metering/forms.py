"""The consumption upload form and the form resolving an alert with an inspection."""

from django import forms

from accounts.models import Region


class ConsumptionUploadForm(forms.Form):
    file = forms.FileField(
        label="用电数据文件",
        help_text="供电公司导出的 .xlsx、.xls 或 .csv，含户号、户名、用电地址、期间（月如 2026-11，日如 2026-11-05）、用电量（kWh）。",
        error_messages={"required": "请选择要上传的文件。"},
        widget=forms.ClearableFileInput(attrs={"class": "form-control"}),
    )
    area = forms.ModelChoiceField(
        queryset=Region.objects.none(),
        label="数据所属区域",
        required=False,
        error_messages={"invalid_choice": "所选区域不在您的管辖范围内。"},
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.region is not None:
            del self.fields["area"]  # the uploader's own region
        else:
            self.fields["area"].queryset = Region.objects.counties().order_by("code")
            self.fields["area"].required = True


class ResolveForm(forms.Form):
    inspection = forms.IntegerField(
        label="核查检查记录编号",
        error_messages={"required": "请填写回头看检查记录的编号。"},
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    reason = forms.CharField(
        label="核查结论",
        required=False,
        max_length=200,
        help_text="无问题时写明原因，如“仅照明用电”。",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
