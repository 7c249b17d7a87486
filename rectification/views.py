"""Case pages: the filtered list, the case page (steps, evidence, buttons, timeline), the
transition POSTs, campaigns and the notices. Views are thin: every change goes through services."""

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.pagination import EstimatedCountPaginator
from accounts.scoping import get_visible_or_404

from . import services
from .deadlines import deadline_warning
from .filters import CaseFilter
from .forms import (
    ConfirmStepForm,
    DetermineForm,
    ExtendForm,
    FailVerificationForm,
    NoteForm,
    PhotoForm,
    ProposeForm,
    RequiredNoteForm,
)
from .models import Campaign, Case, CaseStep, EvidencePhoto
from .notification_models import Notification
from .notifications import mark_read

PAGE_SIZE = 50


def case_list_queryset(user):
    return (
        Case.objects.visible_to(user)
        .select_related("enterprise", "enterprise__township", "campaign", "responsible_unit")
        .order_by("-id")
    )


@login_required
def case_list(request):
    case_filter = CaseFilter(
        request.GET, queryset=case_list_queryset(request.user), request=request
    )
    page = EstimatedCountPaginator(case_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "rectification/case_list.html",
        {
            "filter": case_filter,
            "page": page,
            "can_propose": request.user.has_role(*services.PROPOSERS)
            and not request.user.is_read_only,
        },
    )


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


@login_required
def case_detail(request, pk):
    case = _case_for(request, pk)
    steps = list(
        case.steps.select_related("confirming_unit", "confirmed_by").prefetch_related(
            Prefetch("photos", queryset=EvidencePhoto.objects.order_by("id"))
        )
    )
    user = request.user
    for step in steps:
        step.user_can_confirm = case.state == "in_progress" and services.can_confirm_step(
            user, step
        )
        step.user_can_add_photos = case.state == "in_progress" and services.can_add_photos(
            user, step
        )
        # One form per step, each with its own element ids.
        step.confirm_form = ConfirmStepForm(auto_id=f"id_step{step.pk}_%s")
        step.photo_form = PhotoForm(auto_id=f"id_photo{step.pk}_%s")
    actions = services.available_actions(case, user)
    context = {
        "case": case,
        "steps": steps,
        "events": case.events.select_related("actor").order_by("created_at", "id"),
        "extensions": case.extensions.select_related("approver", "requested_by"),
        "actions": actions,
        "is_overdue": case.is_overdue(),
        "determine_form": DetermineForm(
            case=case,
            initial={
                "responsible_unit": case.responsible_unit_id,
                "responsible_person": case.responsible_person,
            },
        )
        if "determine" in actions
        else None,
        "fail_form": FailVerificationForm(),
        "extend_form": ExtendForm(case=case) if "extend" in actions else None,
        "note_form": NoteForm(),
        "required_note_form": RequiredNoteForm(),
    }
    return render(request, "rectification/case_detail.html", context)


def _form_errors(form):
    return "；".join(
        f"{form.fields[field].label if field in form.fields else ''}：{'、'.join(errors)}".lstrip(
            "："
        )
        for field, errors in form.errors.items()
    )


def _with_version(case, request):
    with contextlib.suppress(TypeError, ValueError):
        case.version = int(request.POST.get("version", case.version))
    return case


SUCCESS_MESSAGES = {
    "determine": "案件已认定。",
    "start": "已开始整治。",
    "submit": "已提请验收。",
    "fail_verification": "验收不通过，案件已退回整治并设定新期限。",
    "close": "案件已验收销号。",
    "reopen": "已认定反弹，案件重新进入整治。",
    "shortfall": "已记录整改未到位。",
    "flag_quasi": "已标记为类散乱污。",
    "extend": "整治期限已延长。",
}


# Actions that set a deadline, possibly counted in working days.
DEADLINE_ACTIONS = {"determine", "fail_verification", "extend", "reopen"}


def run_action(case, action, data, user):
    """Validate the input of one transition and call its service. Shared with the API.

    Returns the case; raises TransitionRefused (also for invalid input)."""
    if action == "determine":
        form = DetermineForm(data, case=case)
        if not form.is_valid():
            raise services.TransitionRefused(_form_errors(form))
        values = form.cleaned_data
        return services.determine_case(
            case,
            by=user,
            disposal=values["disposal"],
            requirement=values["requirement"],
            measures=values["measures"],
            responsible_unit=values["responsible_unit"],
            responsible_person=values["responsible_person"],
            deadline=values["deadline"],
            working_days=values["working_days"],
            note=values["note"],
            destination_park=values["destination_park"],
            relocation_deadline=values["relocation_deadline"],
        )
    if action == "fail_verification":
        form = FailVerificationForm(data)
        if not form.is_valid():
            raise services.TransitionRefused(_form_errors(form))
        return services.fail_verification(
            case,
            by=user,
            new_deadline=form.cleaned_data["new_deadline"],
            working_days=form.cleaned_data["working_days"],
            note=form.cleaned_data["note"],
        )
    if action == "extend":
        form = ExtendForm(data, case=case)
        if not form.is_valid():
            raise services.TransitionRefused(_form_errors(form))
        return services.extend_deadline(
            case,
            by=user,
            new_deadline=form.cleaned_data["new_deadline"],
            working_days=form.cleaned_data["working_days"],
            reason=form.cleaned_data["reason"],
            approver=form.cleaned_data["approver"],
        )
    simple = {
        "start": services.start_remediation,
        "submit": services.submit_for_verification,
        "close": services.close_case,
    }
    with_required_note = {
        "reopen": services.reopen_for_relapse,
        "shortfall": services.record_shortfall,
        "flag_quasi": services.flag_quasi,
    }
    note = (data.get("note") or "").strip()
    if action in simple:
        return simple[action](case, by=user, note=note)
    if action in with_required_note:
        return with_required_note[action](case, by=user, note=note)
    raise Http404("没有这个操作。")


@login_required
@require_POST
def case_action(request, pk, action):
    case = _with_version(_case_for(request, pk), request)
    try:
        case = run_action(case, action, request.POST, request.user)
    except services.TransitionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, SUCCESS_MESSAGES.get(action, "操作成功。"))
        warning = deadline_warning(case)
        if action in DEADLINE_ACTIONS and warning:
            messages.warning(request, warning)
    return redirect("rectification:case_detail", pk=pk)


def _step_for(request, pk, step_pk):
    case = _case_for(request, pk)
    return case, get_object_or_404(CaseStep, pk=step_pk, case=case)


@login_required
@require_POST
def step_confirm(request, pk, step_pk):
    _case, step = _step_for(request, pk, step_pk)
    form = ConfirmStepForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(f"{reverse('rectification:case_detail', args=[pk])}#step-{step.pk}")
    try:
        services.confirm_step(
            step,
            by=request.user,
            done_on=form.cleaned_data["done_on"],
            confirming_person=form.cleaned_data["confirming_person"],
            note=form.cleaned_data["note"],
            photos=form.cleaned_data["photos"],
        )
    except services.TransitionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"“{step.name}”已确认完成。")
    return redirect(f"{reverse('rectification:case_detail', args=[pk])}#step-{step.pk}")


@login_required
@require_POST
def step_photos(request, pk, step_pk):
    _case, step = _step_for(request, pk, step_pk)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            saved = services.add_step_photos(
                step, by=request.user, photos=form.cleaned_data["photos"]
            )
        except services.TransitionRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, f"已上传 {len(saved)} 张照片。")
    return redirect(f"{reverse('rectification:case_detail', args=[pk])}#step-{step.pk}")


@login_required
def case_propose(request):
    user = request.user
    if user.is_read_only or not user.has_role(*services.PROPOSERS):
        messages.error(request, "只有乡镇填报员、乡镇负责人和县整治办可以上报整治案件。")
        return redirect("rectification:case_list")
    if request.method == "POST":
        form = ProposeForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                case = services.propose_case(
                    form.cleaned_data["enterprise"],
                    campaign=form.cleaned_data["campaign"],
                    by=request.user,
                    note=form.cleaned_data["note"],
                )
            except services.TransitionRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, f"已上报整治案件 {case.number}。")
                return redirect("rectification:case_detail", pk=case.pk)
    else:
        form = ProposeForm(initial={"enterprise": request.GET.get("enterprise")}, user=request.user)
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
def notification_list(request):
    notices = Notification.objects.for_user(request.user)
    if request.GET.get("unread") == "1":
        notices = notices.unread()
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "rectification/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_mark_read(request):
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("rectification:notification_list")
    try:
        ids = [int(value) for value in request.POST.getlist("id")] or None
    except ValueError:
        messages.error(request, "通知编号无效，未做任何更改。")
        return redirect(next_url)
    count = mark_read(request.user, ids)
    messages.success(request, f"已将 {count} 条通知标为已读。")
    return redirect(next_url)
