"""The pages of 电力监测: upload → preview → commit, the unmatched accounts with one-click
linking, the alert list and an alert's page with 安排回头看 and 核查结论. Thin: the services
hold the rules."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.refusals import Refused, show_refusal
from accounts.scoping import get_visible_or_404
from enterprises.models import Enterprise

from . import alerts as alert_services
from . import imports, linking
from .filters import PowerAlertFilter, alert_queryset
from .forms import ConsumptionUploadForm, ResolveForm
from .models import ConsumptionBatch, MeterReading
from .resolving import inspection_for_alert

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    imports.check_can_upload(request.user)
    form = ConsumptionUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            batch = imports.stage_consumption(
                form.cleaned_data["file"], by=request.user, area=form.cleaned_data.get("area")
            )
        except Refused as exc:
            show_refusal(request, exc, form)
        else:
            return redirect("metering:preview", token=batch.token)
    recent = ConsumptionBatch.objects.filter(owner=request.user).select_related("area")[:10]
    return render(
        request,
        "metering/upload.html",
        {"form": form, "recent": recent},
        status=400 if form.errors else 200,
    )


@login_required
def preview(request, token):
    batch = imports.own_batch(token, request.user)
    problems = batch.staged.filter(has_problems=True).order_by("row_number")[:200]
    sample = batch.staged.filter(has_problems=False).order_by("row_number")[:20]
    return render(
        request,
        "metering/preview.html",
        {"batch": batch, "problems": problems, "sample": sample},
    )


@login_required
@require_POST
def commit(request, token):
    batch = imports.own_batch(token, request.user)
    try:
        batch = imports.commit_consumption(
            batch, by=request.user, good_rows_only=request.POST.get("good_rows_only") == "1"
        )
    except Refused as exc:
        show_refusal(request, exc)
        return redirect("metering:preview", token=batch.token)
    messages.success(
        request,
        f"导入完成：新增 {batch.created_count} 条用电读数（重复的已跳过），产生 {batch.alert_count} 条用电异常预警。",
    )
    return redirect("metering:preview", token=batch.token)


@login_required
def unmatched(request):
    imports.check_can_upload(request.user)
    page = Paginator(linking.unmatched_accounts(request.user), 20).get_page(request.GET.get("page"))
    rows = linking.with_suggestions(page.object_list, request.user)
    return render(request, "metering/unmatched.html", {"page": page, "rows": rows})


@login_required
@require_POST
def link(request):
    enterprise_id = request.POST.get("enterprise", "")
    if not enterprise_id.isdigit():
        messages.error(request, "请选择要关联的企业。")
        return redirect("metering:unmatched")
    enterprise = get_visible_or_404(Enterprise.objects.all(), request.user, pk=enterprise_id)
    try:
        raised = linking.link_account(
            request.POST.get("account_number"), enterprise, by=request.user
        )
    except Refused as exc:
        show_refusal(request, exc)
    else:
        messages.success(
            request,
            f"已将户号关联到“{enterprise.name}”，重新判定后产生 {len(raised)} 条用电异常预警。",
        )
    return redirect("metering:unmatched")


@login_required
def alert_list(request):
    filterset = PowerAlertFilter(request.GET or None, queryset=alert_queryset(request.user))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "metering/alert_list.html",
        {
            "filter": filterset,
            "page": page,
            "can_upload": imports.can_upload_consumption(request.user),
        },
    )


@login_required
def alert_detail(request, pk):
    alert = get_visible_or_404(alert_queryset(request.user), request.user, pk=pk)
    readings = MeterReading.objects.filter(alerts=alert).order_by("period_start")
    user = request.user
    return render(
        request,
        "metering/alert_detail.html",
        {
            "alert": alert,
            "readings": readings,
            "can_arrange": alert_services.allowed(alert, user, "arrange"),
            "can_resolve": alert_services.allowed(alert, user, "dismiss"),
            "resolve_form": ResolveForm(),
            "inspect_url": reverse("inspections:inspection_create")
            + f"?enterprise={alert.enterprise_id}&type=look_back",
        },
    )


@login_required
@require_POST
def arrange(request, pk):
    alert = get_visible_or_404(alert_queryset(request.user), request.user, pk=pk)
    try:
        alert_services.arrange_look_back(alert, by=request.user)
    except Refused as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, "已安排回头看，乡镇待办中可见；录入回头看检查后预警自动核查。")
    return redirect("metering:alert_detail", pk=alert.pk)


@login_required
@require_POST
def resolve(request, pk):
    alert = get_visible_or_404(alert_queryset(request.user), request.user, pk=pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写回头看检查记录的编号。")
        return redirect("metering:alert_detail", pk=alert.pk)
    try:
        inspection = inspection_for_alert(form.cleaned_data["inspection"], request.user)
        alert_services.resolve_alert(
            alert, by=request.user, inspection=inspection, reason=form.cleaned_data["reason"]
        )
    except Refused as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, "已记录核查结论。")
    return redirect("metering:alert_detail", pk=alert.pk)
