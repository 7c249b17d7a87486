"""Forms of the reporting pages: submitting, returning, resubmitting, uploading a seal, verifying."""

from django import forms

from accounts.models import Organisation
from accounts.validators import validate_png_image

from ..periods import InvalidPeriod, Period
from .services import eligible_signers

MAX_VERIFY_UPLOAD_BYTES = 10 * 1024 * 1024


class PeriodField(forms.CharField):
    """A month typed or chosen as "2024-03"; cleans to a Period."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "报送期间")
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "month"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            return Period.parse(value)
        except InvalidPeriod as error:
            raise forms.ValidationError(str(error)) from error


class SignerForm(forms.Form):
    """Who signs (签字确认) for the submitting organisation, and the submitter's confirmation."""

    signed_by = forms.ModelChoiceField(
        label="签字负责人（主要负责同志）",
        queryset=None,
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "required": "请选择签字负责人。",
            "invalid_choice": "签字负责人必须是本单位的主要负责同志。",
        },
    )
    confirm = forms.BooleanField(
        label="本人已核对表中数据，确认真实、准确，经主要负责同志签字同意报送",
        error_messages={"required": "请勾选确认后再报送。"},
    )

    def __init__(self, *args, organisation, user, **kwargs):
        super().__init__(*args, **kwargs)
        signers = eligible_signers(organisation)
        self.fields["signed_by"].queryset = signers
        self.fields["signed_by"].label_from_instance = lambda signer: (
            f"{signer.display_name}（{signer.get_role_display()}）"
        )
        if signers.filter(pk=user.pk).exists():
            self.fields["signed_by"].initial = user.pk


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回原因",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "退回时必须填写退回原因。"},
    )


class SealForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["seal"]
        labels = {"seal": "公章图片（PNG，建议透明背景，不超过 2 MB）"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seal"].required = True
        self.fields["seal"].error_messages["required"] = "请选择要上传的公章图片。"
        self.fields["seal"].error_messages["invalid_image"] = (
            "公章文件不是有效的图片，请上传 PNG 格式的公章图片。"
        )
        self.fields["seal"].widget = forms.FileInput(attrs={"accept": "image/png"})

    def clean_seal(self):
        seal = self.cleaned_data.get("seal")
        if seal is not None and hasattr(seal, "read"):
            validate_png_image(seal)
        return seal


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label="验证码",
        max_length=40,
        widget=forms.TextInput(
            attrs={"placeholder": "如 1A2B-3C4D-5E6F-7A8B", "autocomplete": "off"}
        ),
        error_messages={"required": "请输入报表上的验证码。"},
    )


class VerifyFileForm(forms.Form):
    workbook = forms.FileField(
        label="报表文件（.xlsx）",
        widget=forms.FileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": "请选择要核验的 .xlsx 报表文件。"},
    )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if upload.size > MAX_VERIFY_UPLOAD_BYTES:
            raise forms.ValidationError("文件不能超过 10 MB。")
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的报表文件。")
        return upload
