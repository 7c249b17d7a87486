"""Staff pages for tips (举报受理): the list (never showing who reported), intake of hotline
calls, letters and visits, and the detail page where the county office assigns a tip and
publishes its outcome. The reporter's contact appears only for the office handling the tip."""

import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.deadlines import calendar_warning
from accounts.files import serve_stored_file
from accounts.refusals import Refused, show_refusal
from accounts.scoping import get_visible_or_404
from accounts.sheets import append_plain_row

from ..filters import TipFilter
from ..forms import TipAssignForm, TipIntakeForm, TipPublishForm
from ..models import TIP_LIST_ORDER, Tip, TipState
from ..services import assign_tip, file_tip, publish_tip_outcome
from ..services.common import INSPECTOR_ROLES, TIP_INTAKE_ROLES, TIP_OFFICE_ROLES, can
from .common import paginate, require

# Lists load only what a list shows: never the reporter's name or contact.
LIST_FIELDS = (
    "id",
    "receipt_number",
    "channel",
    "received_at",
    "place",
    "state",
    "reward",
    "township__name",
    "county__name",
    "assigned_organisation__name",
)


@login_required
def tip_list(request):
    queryset = Tip.objects.visible_to(request.user).order_by(*TIP_LIST_ORDER)
    filterset = TipFilter(request.GET or None, queryset=queryset, request=request)
    tips = (filterset.qs if filterset.is_bound else filterset.queryset).values(*LIST_FIELDS)
    page, query = paginate(request, tips)
    return render(
        request,
        "inspections/tip_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query,
            "states": dict(TipState.choices),
            "channels": dict(Tip._meta.get_field("channel").choices),
            "can_intake": can(request.user, TIP_INTAKE_ROLES),
        },
    )


@login_required
def tip_create(request):
    user = request.user
    require(user, TIP_INTAKE_ROLES, "您的角色不能登记举报。")
    form = TipIntakeForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tip = file_tip(by=user, **data)
        except Refused as refusal:
            show_refusal(request, refusal, form)
        except (PermissionDenied, Http404) as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"举报已登记，受理编号 {tip.receipt_number}。")
            return redirect("inspections:tip_detail", pk=tip.pk)
    return render(request, "inspections/tip_form.html", {"form": form})


@login_required
def tip_detail(request, pk):
    user = request.user
    tip = get_visible_or_404(
        Tip.objects.select_related("county", "township", "assigned_organisation", "enterprise"),
        user,
        pk=pk,
    )
    is_office = can(user, TIP_OFFICE_ROLES) and (
        user.is_superuser or user.organisation.region_id == tip.county_id
    )
    assign_form = publish_form = None
    if is_office and tip.state in (TipState.RECEIVED, TipState.ASSIGNED):
        assign_form = TipAssignForm(
            request.POST if request.POST.get("action") == "assign" else None, tip=tip
        )
    if is_office and tip.state in (TipState.VERIFIED, TipState.PUBLISHED):
        publish_form = TipPublishForm(
            request.POST if request.POST.get("action") == "publish" else None,
            initial={"outcome": tip.outcome, "reward": tip.reward},
        )
    if request.method == "POST":
        action = request.POST.get("action")
        form = {"assign": assign_form, "publish": publish_form}.get(action)
        if form is None:
            raise PermissionDenied("您不能办理这条举报。")
        if form.is_valid():
            try:
                if action == "assign":
                    assign_tip(
                        tip,
                        by=user,
                        organisation=form.cleaned_data["organisation"],
                        note=form.cleaned_data["note"],
                        verify_due=form.cleaned_data["verify_due"],
                        working_days=form.cleaned_data["working_days"],
                    )
                    tip.refresh_from_db()
                    messages.success(request, f"已交办，核查期限 {tip.verify_due_display}。")
                    warning = calendar_warning(tip.verify_due) if tip.verify_working_days else ""
                    if warning:
                        messages.warning(request, warning)
                else:
                    publish_tip_outcome(
                        tip,
                        by=user,
                        outcome=form.cleaned_data["outcome"],
                        reward=form.cleaned_data["reward"],
                    )
                    messages.success(request, "处理结果已公开，举报人可凭受理编号查询。")
            except Refused as refusal:
                show_refusal(request, refusal, form)
            except (PermissionDenied, Http404) as refusal:
                form.add_error(None, str(refusal))
            else:
                return redirect("inspections:tip_detail", pk=tip.pk)
    can_verify = (
        tip.state in (TipState.ASSIGNED, TipState.VERIFIED)
        and can(user, INSPECTOR_ROLES)
        and (tip.contact_visible_to(user) or user.is_superuser)
    )
    return render(
        request,
        "inspections/tip_detail.html",
        {
            "tip": tip,
            "show_contact": tip.contact_visible_to(user),
            "photos": tip.photos.all(),
            "events": tip.events.select_related("by"),
            "verifications": tip.verifications.visible_to(user).select_related(
                "team", "enterprise"
            ),
            "assign_form": assign_form,
            "publish_form": publish_form,
            "can_verify": can_verify,
        },
    )


EXPORT_COLUMNS = [
    ("receipt_number", "受理编号"),
    ("received_at", "受理时间"),
    ("channel", "举报渠道"),
    ("county__name", "所在县（区）"),
    ("township__name", "所在乡镇"),
    ("place", "地点"),
    ("content", "举报内容"),
    ("assigned_organisation__name", "承办单位"),
    ("state", "办理状态"),
    ("reward", "有奖举报"),
    ("outcome", "处理结果"),
]


@login_required
def tip_export(request):
    """The filtered tip list as .xlsx — by construction without the reporter's name or contact."""
    from openpyxl import Workbook

    queryset = Tip.objects.visible_to(request.user).order_by(*TIP_LIST_ORDER)
    filterset = TipFilter(request.GET or None, queryset=queryset, request=request)
    tips = (filterset.qs if filterset.is_bound else filterset.queryset).values_list(
        *(key for key, _label in EXPORT_COLUMNS)
    )
    channels = dict(Tip._meta.get_field("channel").choices)
    states = dict(TipState.choices)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "举报受理"
    append_plain_row(sheet, [label for _key, label in EXPORT_COLUMNS])
    for row in tips.iterator(chunk_size=2000):
        values = list(row)
        values[1] = timezone.localtime(values[1]).strftime("%Y-%m-%d %H:%M")
        values[2] = channels.get(values[2], values[2])
        values[8] = states.get(values[8], values[8])
        values[9] = "是" if values[9] else "否"
        append_plain_row(sheet, ["" if value is None else value for value in values])
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = "1:1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(f'举报受理-{timezone.localdate():%Y%m%d}.xlsx')}"
    )
    return response


@login_required
def tip_photo(request, pk, photo_pk):
    """A citizen's photo goes with the tip: whoever may open the tip sees it. (The reporter's
    contact is narrower, but the photo was stripped of its metadata on upload.)"""
    tip = get_visible_or_404(Tip.objects.all(), request.user, pk=pk)
    photo = tip.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404("照片不存在。")
    return serve_stored_file(photo.image)
