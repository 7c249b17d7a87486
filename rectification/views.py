"""Case pages: the filtered list, the case page (steps, evidence, the buttons of the
transitions table, timeline), the one transition POST, campaigns and 催办. Views are thin: every
change goes through the workflow."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.deadlines import deadline_warning
from accounts.files import serve_stored_file
from accounts.models import Organisation, Role
from accounts.pagination import KeysetPaginator
from accounts.refusals import Refused, show_refusal
from accounts.scoping import get_visible_or_404

from . import workflow
from .filters import CaseFilter
from .forms import ConfirmStepForm, PhotoForm
from .models import Campaign, Case, CaseStep, EvidencePhoto, Urging
from .urging import URGERS, overdue_by_unit, overdue_cases_url, urge_unit, urged_today
from .workflow import CASE_TRANSITIONS, TRANSITIONS

PAGE_SIZE = 50


# By place as the ledger is, the newest first in each village: the order of the index
# case_list_order, so an area's page 1 reads its first 50 entries (PostgreSQL walked the whole
# table's primary key backwards under "-id", skipping every other county's cases).
CASE_LIST_ORDER = ("region_path", "-id")


def case_list_queryset(user):
    return (
        Case.objects.visible_to(user)
        .select_related("enterprise", "enterprise__township", "campaign", "responsible_unit")
        .order_by(*CASE_LIST_ORDER)
    )


@login_required
def case_list(request):
    case_filter = CaseFilter(
        request.GET, queryset=case_list_queryset(request.user), request=request
    )
    page = KeysetPaginator(case_filter.qs, PAGE_SIZE).page_from(request.GET)
    return render(
        request,
        "rectification/case_list.html",
        {
            "filter": case_filter,
            "page": page,
            # On a phone the filters fold away unless some are in use.
            "filters_active": any(
                value for key, value in request.GET.items() if key not in ("page", "cursor")
            ),
            "can_propose": request.user.has_role(*TRANSITIONS["propose"].roles)
            and not request.user.is_read_only,
            "can_close": can_bulk_close(request.user),
        },
    )


def can_bulk_close(user):
    return user.has_role(*TRANSITIONS["close"].roles) and not user.is_read_only


@login_required
@require_POST
def case_bulk_close(request):
    """验收销号 of the cases ticked on the list, with one note; back to the list as it was."""
    try:
        closed = workflow.run_bulk_close(request.POST, request.user)
    except Refused as refusal:
        show_refusal(request, refusal)
    else:
        numbers = "、".join(case.number for case in closed)
        messages.success(request, f"已验收销号 {len(closed)} 件案件：{numbers}。")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("rectification:case_list")
    return redirect(back)


def _case_for(request, pk):
    return get_visible_or_404(
        Case.objects.select_related(
            "enterprise",
            "enterprise__township",
            "campaign",
            "campaign__closure_checklist",
            "responsible_unit",
            "responsible_user",
        ),
        request.user,
        pk=pk,
    )


# Who does the field work (dates and photos of the steps) and sees the steps first on a phone;
# the county office verifies and sees its actions first.
FIELD_WORKERS = frozenset({Role.TOWNSHIP_CLERK, Role.TOWNSHIP_HEAD, Role.DEPARTMENT_OFFICER})


def confirm_form_for(step, user, data=None, files=None):
    """A step's confirmation form, 完成日期 today and 确认人 the signed-in user by default."""
    return ConfirmStepForm(
        data,
        files,
        auto_id=f"id_step{step.pk}_%s",
        initial={"done_on": timezone.localdate(), "confirming_person": user.display_name},
    )


@login_required
def case_detail(request, pk):
    return render_case_page(request, _case_for(request, pk))


def render_case_page(request, case, *, bound_step=None, bound_form=None, status=200):
    """The case page; `bound_form` is a refused step confirmation shown again on `bound_step`
    with what was typed."""
    steps = list(
        case.steps.select_related("confirming_unit", "confirmed_by").prefetch_related(
            Prefetch("photos", queryset=EvidencePhoto.objects.order_by("id"))
        )
    )
    user = request.user
    for step in steps:
        step.user_can_confirm = case.state == "in_progress" and workflow.can_confirm_step(
            user, step
        )
        step.user_can_add_photos = case.state == "in_progress" and workflow.can_add_photos(
            user, step
        )
        photos = list(step.photos.all())
        step.current_photos = [photo for photo in photos if not photo.superseded]
        step.previous_photos = [photo for photo in photos if photo.superseded]
        # One form per step, each with its own element ids.
        if bound_step is not None and step.pk == bound_step.pk:
            step.confirm_form, step.confirm_open = bound_form, True
        else:
            step.confirm_form, step.confirm_open = confirm_form_for(step, user), False
        step.photo_form = PhotoForm(auto_id=f"id_photo{step.pk}_%s")
    if user.role in FIELD_WORKERS:
        layout = "steps-first"
    elif user.has_role(*TRANSITIONS["close"].roles):
        layout = "actions-first"
    else:
        layout = "facts-first"
    context = {
        "case": case,
        "steps": steps,
        "layout": layout,
        "events": case.events.select_related("actor").order_by("created_at", "id"),
        "extensions": case.extensions.select_related("approver", "requested_by"),
        "actions": [
            (transition, transition.form(case=case))
            for transition in workflow.available_transitions(case, user)
        ],
        "is_overdue": case.is_overdue(),
    }
    return render(request, "rectification/case_detail.html", context, status=status)


@login_required
@require_POST
def case_action(request, pk, action):
    """Any transition of the table, by its key; the form and the rule are the transition's."""
    transition = CASE_TRANSITIONS.get(action)
    if transition is None:
        raise Http404("没有这个操作。")
    case = _case_for(request, pk)
    try:
        case = workflow.run_transition(case, transition.key, request.POST, request.user)
    except Refused as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, transition.success)
        warning = deadline_warning(case)
        if transition.sets_deadline and warning:
            messages.warning(request, warning)
    return redirect("rectification:case_detail", pk=pk)


def _step_for(request, pk, step_pk):
    case = _case_for(request, pk)
    return case, get_object_or_404(CaseStep, pk=step_pk, case=case)


@login_required
@require_POST
def step_confirm(request, pk, step_pk):
    """A refusal shows the page again with the typed date and person kept (a file input cannot
    be refilled: the message names the step and the photo to choose again)."""
    case, step = _step_for(request, pk, step_pk)
    try:
        workflow.run_step_confirmation(step, request.POST, request.FILES, request.user)
    except Refused as refusal:
        form = confirm_form_for(step, request.user, request.POST, request.FILES)
        form.is_valid()  # the form's own errors shown on their fields
        message = refusal.message
        if step.name not in message:
            message = f"“{step.name}”未能确认：{message}"
        messages.error(request, message)
        return render_case_page(request, case, bound_step=step, bound_form=form, status=400)
    messages.success(request, f"“{step.name}”已确认完成。")
    return redirect(f"{reverse('rectification:case_detail', args=[pk])}#step-{step.pk}")


@login_required
@require_POST
def step_photos(request, pk, step_pk):
    _case, step = _step_for(request, pk, step_pk)
    try:
        saved = workflow.run_step_photos(step, request.POST, request.FILES, request.user)
    except Refused as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, f"已上传 {len(saved)} 张照片。")
    return redirect(f"{reverse('rectification:case_detail', args=[pk])}#step-{step.pk}")


@login_required
def case_propose(request):
    propose = TRANSITIONS["propose"]
    user = request.user
    if user.is_read_only or not user.has_role(*propose.roles):
        messages.error(request, "只有乡镇填报员、乡镇负责人和县整治办可以上报整治案件。")
        return redirect("rectification:case_list")
    if request.method == "POST":
        form = propose.form(request.POST, user=user)
        if form.is_valid():
            try:
                case = workflow.propose_case(
                    form.cleaned_data["enterprise"],
                    campaign=form.cleaned_data["campaign"],
                    by=user,
                    note=form.cleaned_data["note"],
                )
            except Refused as refusal:
                show_refusal(request, refusal, form)
            else:
                messages.success(request, propose.success.format(case=case))
                return redirect("rectification:case_detail", pk=case.pk)
    else:
        form = propose.form(initial={"enterprise": request.GET.get("enterprise")}, user=user)
    return render(request, "rectification/case_propose.html", {"form": form})


@login_required
def campaign_list(request):
    campaigns = (
        Campaign.objects.visible_to(request.user)
        .select_related("closure_checklist", "region")
        .prefetch_related("phases", "closure_checklist__steps")
        .annotate(case_count=Count("cases"))
    )
    return render(request, "rectification/campaign_list.html", {"campaigns": campaigns})


@login_required
def evidence_photo(request, pk, photo_pk):
    """A step's evidence photo, to whoever may open its case."""
    case = get_visible_or_404(Case.objects.all(), request.user, pk=pk)
    photo = get_object_or_404(EvidencePhoto, pk=photo_pk, step__case=case)
    return serve_stored_file(photo.image)


URGING_RECORDS_SHOWN = 30


@login_required
def urging_list(request):
    """催办: the area's overdue cases by responsible unit with a 催办 button each (GET), and the
    催办 itself (POST unit, note); the latest 催办记录 below."""
    user = request.user
    today = timezone.localdate()
    if request.method == "POST":
        unit = Organisation.objects.filter(pk=_int(request.POST.get("unit"))).first()
        try:
            urging = urge_unit(unit, by=user, note=request.POST.get("note", ""), today=today)
        except Refused as refusal:
            show_refusal(request, refusal)
        else:
            messages.success(
                request,
                f"已向{urging.unit.name}催办逾期案件 {urging.case_count} 件，已通知责任单位和责任人。",
            )
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = reverse("rectification:urging_list")
        return redirect(back)
    can_urge = user.has_role(*URGERS) and not user.is_read_only
    done = urged_today(user, today)
    units = overdue_by_unit(user, today)
    for entry in units:
        entry["urged_today"] = entry["unit_id"] in done
        entry["persons_text"] = "、".join(sorted(entry["persons"]))
        entry["url"] = overdue_cases_url(entry["unit_id"])
        entry["days"] = (today - entry["oldest"]).days
    records = (
        Urging.objects.visible_to(user)
        .select_related("unit", "office", "urged_by")
        .order_by("-created_at", "-id")[:URGING_RECORDS_SHOWN]
    )
    return render(
        request,
        "rectification/urging_list.html",
        {"units": units, "records": records, "can_urge": can_urge},
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
