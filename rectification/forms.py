"""Browser forms of the case workflow. They only collect and check input; the workflow
(rectification.workflow) decides whether the change is allowed and make it."""

from django import forms

from accounts.forms import PLEASE_CHOOSE
from accounts.models import Organisation, Role, User
from accounts.paths import ancestor_paths
from accounts.uploads import validate_evidence_image
from enterprises.models import Enterprise

from .models import Campaign, CaseStep, Disposal, Requirement

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidencePhotosField(forms.ImageField):
    """Several photos in one input; each is checked by content (accounts.uploads)."""

    # image/*: a phone offers its camera (capture, rear) or the gallery; the content check
    # (JPEG, PNG, WebP) is the server's. Several photos at once (multiple).
    widget = MultipleFileInput(
        attrs={"accept": "image/*", "capture": "environment", "multiple": True}
    )
    default_validators = []

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, data):
        # Pillow's check lives in validate_evidence_image, which gives the Chinese message.
        return data

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if self.required and not files:
            raise forms.ValidationError("请选择要上传的照片。")
        for upload in files:
            validate_evidence_image(upload)
        return files


def working_days_field(label="或：工作日天数"):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=365,
        help_text="填写 N 则期限为今天起第 N 个工作日（按节假日和调休日历计算）。",
    )


class DeadlineChoiceMixin:
    """A deadline given as a date or as "N 个工作日" — exactly one of the two fields."""

    deadline_fields = ("deadline", "working_days")

    def clean(self):
        data = super().clean()
        date_field, days_field = self.deadline_fields
        given_date = data.get(date_field) is not None
        given_days = data.get(days_field) is not None
        if date_field in self.errors or days_field in self.errors:
            return data
        if given_date and given_days:
            raise forms.ValidationError(
                f"{self.fields[date_field].label}请只填写日期或工作日天数其中一项。"
            )
        if not given_date and not given_days:
            raise forms.ValidationError(
                f"请填写{self.fields[date_field].label}（日期或工作日天数）。"
            )
        return data


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, so the forms read well on a phone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class CaseForm(StyledForm):
    """The input of a transition on one case; the case is at hand for choices and defaults."""

    def __init__(self, *args, case=None, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)


class ProposeForm(StyledForm):
    enterprise = forms.ModelChoiceField(
        label="企业", queryset=Enterprise.objects.none(), empty_label=PLEASE_CHOOSE
    )
    campaign = forms.ModelChoiceField(
        label="专项行动", queryset=Campaign.objects.none(), empty_label=PLEASE_CHOOSE
    )
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user).order_by("name")
        # Only the campaigns covering the user's area; the nearest one is preselected.
        campaigns = Campaign.objects.covering(user)
        self.fields["campaign"].queryset = campaigns
        if not self.is_bound and not self.initial.get("campaign"):
            nearest = campaigns.first()
            if nearest is not None:
                self.initial["campaign"] = nearest.pk


class DetermineForm(DeadlineChoiceMixin, CaseForm):
    disposal = forms.ChoiceField(label="分类处置", choices=[("", PLEASE_CHOOSE), *Disposal.choices])
    requirement = forms.ChoiceField(
        label="整治要求", required=False, choices=[("", "（不填）"), *Requirement.choices]
    )
    measures = forms.CharField(label="整治措施", widget=forms.Textarea(attrs={"rows": 3}))
    responsible_unit = forms.ModelChoiceField(
        label="责任单位", queryset=Organisation.objects.none(), empty_label=PLEASE_CHOOSE
    )
    responsible_person = forms.CharField(label="分包责任人", max_length=60)
    deadline = forms.DateField(label="整治期限", required=False, widget=DATE_WIDGET)
    working_days = working_days_field("或：限期整改工作日数")
    destination_park = forms.CharField(
        label="搬迁去向（园区，集聚搬迁填写）", required=False, max_length=120
    )
    relocation_deadline = forms.DateField(
        label="搬迁期限（集聚搬迁填写）", required=False, widget=DATE_WIDGET
    )
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case, **kwargs):
        # The township government and person the case was opened with, unless changed.
        kwargs.setdefault(
            "initial",
            {
                "responsible_unit": case.responsible_unit_id,
                "responsible_person": case.responsible_person,
            },
        )
        super().__init__(*args, case=case, **kwargs)
        ancestors = ancestor_paths(case.region_path)
        self.fields["responsible_unit"].queryset = Organisation.objects.filter(
            region__path__in=ancestors
        ).order_by("-region__level", "kind", "name")


class NoteForm(CaseForm):
    """The note of a transition; where the note is required, the service says so."""

    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StepChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, step):
        done = f"（{step.done_on:%Y-%m-%d} 完成）" if step.done_on else "（未完成）"
        return f"{step.order}. {step.name}{done}"


class FailVerificationForm(DeadlineChoiceMixin, CaseForm):
    """验收不通过: the reason, the steps that failed (they are redone) and the new deadline."""

    deadline_fields = ("new_deadline", "working_days")

    note = forms.CharField(label="验收不通过的原因", widget=forms.Textarea(attrs={"rows": 2}))
    # Required by the service (after the role and state checks), so a wrong state is refused
    # first, in the same words on the page and the API.
    failed_steps = StepChoiceField(
        label="未通过的步骤（退回重做，至少一项）",
        required=False,
        queryset=CaseStep.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="勾选的步骤退回为未完成，须重新完成并上传新的佐证照片后才能再次提请验收。",
        error_messages={
            "invalid_choice": "所选步骤不属于该案件。",
            "invalid_pk_value": "所选步骤不属于该案件。",
            "invalid_list": "failed_steps 必须是步骤 id 的列表。",
        },
    )
    new_deadline = forms.DateField(label="新的整治期限", required=False, widget=DATE_WIDGET)
    working_days = working_days_field()

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.fields["failed_steps"].queryset = CaseStep.objects.filter(case=case).order_by(
            "order", "id"
        )


class ExtendForm(DeadlineChoiceMixin, CaseForm):
    deadline_fields = ("new_deadline", "working_days")

    new_deadline = forms.DateField(label="新的整治期限", required=False, widget=DATE_WIDGET)
    working_days = working_days_field()
    reason = forms.CharField(label="延期理由", max_length=300)
    approver = forms.ModelChoiceField(
        label="批准人", queryset=User.objects.none(), empty_label=PLEASE_CHOOSE
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        ancestors = ancestor_paths(case.region_path)
        self.fields["approver"].queryset = User.objects.filter(
            role__in=[Role.COUNTY_OFFICE, Role.CITY_OFFICE],
            is_active=True,
            organisation__region__path__in=ancestors,
        ).order_by("role", "username")


class ConfirmStepForm(StyledForm):
    """A step done: the page fills 完成日期 with today and 确认人 with the signed-in user."""

    done_on = forms.DateField(label="完成日期", widget=DATE_WIDGET)
    confirming_person = forms.CharField(label="确认人", max_length=60, required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)
    photos = EvidencePhotosField(label="佐证照片")


class PhotoForm(StyledForm):
    photos = EvidencePhotosField(label="佐证照片", required=True)
