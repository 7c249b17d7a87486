"""Run a transition of the table from raw input: the one path the case page and the API share.

The transition's form checks the input (a bad value is refused with the form's own Chinese
message), then the transition's service checks the rule and makes the change.
"""

from django.http import Http404

from accounts.refusals import Refused, refusal_from_form

from ..forms import ConfirmStepForm, NoteForm, PhotoForm
from ..models import Case
from . import cases, steps
from .transitions import CASE_TRANSITIONS


def read_version(case, value):
    """The version the user last saw (a hidden field / `version`), for the stale-edit check."""
    if value in (None, ""):
        return case
    try:
        case.version = int(value)
    except (TypeError, ValueError):
        raise Refused("version 必须是整数。", field="version") from None
    return case


def run_transition(case, key, data, user):
    """Check `data` with the transition's form and call its service; returns the case.

    Raises Refused for invalid input and for every refusal of the rules."""
    transition = CASE_TRANSITIONS[key]
    read_version(case, data.get("version"))
    service = getattr(cases, transition.service)
    return service(case, by=user, **_checked(transition.form(data, case=case)))


def read_case_ids(data):
    """The ids of `cases` from a page's checkboxes (repeated field) or the API's JSON list."""
    values = data.getlist("cases") if hasattr(data, "getlist") else data.get("cases")
    if values in (None, ""):
        values = []
    if not isinstance(values, (list, tuple)):
        raise Refused("cases 必须是案件 id 的列表。", field="cases")
    try:
        return list(dict.fromkeys(int(value) for value in values))
    except (TypeError, ValueError):
        raise Refused("cases 必须是案件 id 的列表。", field="cases") from None


def run_bulk_close(data, user):
    """验收销号 of the cases named in `data` with one note, for the case list and the API.

    A case that does not exist or lies outside the user's area answers 404, as it would on its
    own page; the rest is close_cases: all closed, or a refusal naming the case and none."""
    ids = read_case_ids(data)
    note = _checked(NoteForm(data))["note"]
    found = list(Case.objects.visible_to(user).filter(pk__in=ids).select_related("campaign"))
    if len(found) != len(ids):
        raise Http404("案件不存在或不在您的管辖范围内。")
    return cases.close_cases(found, by=user, note=note)


def _checked(form, step=None):
    """The form's cleaned data, or a refusal; on a step's form the message names the step (a
    bad photo says which step it was chosen for)."""
    if not form.is_valid():
        refusal = refusal_from_form(form)
        if step is not None:
            refusal = Refused(f"“{step.name}”：{refusal.message}", field=refusal.field)
        raise refusal
    return form.cleaned_data


def run_step_confirmation(step, data, files, user):
    """A step's done date, confirming person, note and photos, from the page or the API."""
    return steps.confirm_step(step, by=user, **_checked(ConfirmStepForm(data, files), step))


def run_step_photos(step, data, files, user):
    """More evidence photos for a step; returns the saved photos."""
    return steps.add_step_photos(step, by=user, **_checked(PhotoForm(data, files), step))
