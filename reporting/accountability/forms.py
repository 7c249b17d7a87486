"""The form a county office fills in to record a 问责 action against a unit."""

from django import forms

from ..models.accountability import AccountabilityKind


class AccountabilityActionForm(forms.Form):
    kind = forms.ChoiceField(
        label="问责方式",
        choices=AccountabilityKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    taken_on = forms.DateField(
        label="日期",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
        error_messages={"required": "请填写问责日期。", "invalid": "日期格式不正确。"},
    )
    person = forms.CharField(
        label="责任人",
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    reason = forms.CharField(
        label="问责事由",
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": "请填写问责事由。"},
    )
    notice = forms.FileField(
        label="通知文书（PDF或图片，10 MB以内）",
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": "application/pdf,image/*"}
        ),
        error_messages={
            "required": "请上传问责通知文书（PDF 或图片）。",
            "empty": "上传的文件是空的，请重新选择通知文书。",
        },
    )
