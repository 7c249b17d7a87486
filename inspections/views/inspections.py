"""Inspection pages: the filtered list with the effort figures, the field form (works on a
phone; GPS from the browser; a new find goes on the ledger in the same step), the detail page
and the enterprise search the form uses."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render

from accounts.files import serve_stored_file
from accounts.refusals import Refused, show_refusal
from accounts.scoping import get_visible_or_404
from enterprises.forms import EnterpriseForm
from enterprises.models import Enterprise
from enterprises.services import can_edit_ledger

from ..filters import InspectionFilter
from ..forms import InspectionForm
from ..models import (
    INSPECTION_LIST_ORDER,
    Inspection,
    InspectionResult,
    InspectionType,
    SpotCheckRound,
    Tip,
)
from ..services import record_inspection
from ..services.common import INSPECTOR_ROLES, SUPERVISOR_ROLES, can
from ..stats import effort
from .common import paginate, require


def inspection_queryset(user):
    return (
        Inspection.objects.visible_to(user)
        .select_related("enterprise", "township", "team", "organisation")
        .order_by(*INSPECTION_LIST_ORDER)
    )


@login_required
def inspection_list(request):
    user = request.user
    filterset = InspectionFilter(
        request.GET or None, queryset=inspection_queryset(user), request=request
    )
    inspections = filterset.qs if filterset.is_bound else filterset.queryset
    page, query = paginate(request, inspections)
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query,
            "effort": effort(inspections),
            "can_record": can(user, INSPECTOR_ROLES),
            "is_supervisor": can(user, SUPERVISOR_ROLES),
        },
    )


@login_required
def inspection_detail(request, pk):
    inspection = get_visible_or_404(
        Inspection.objects.select_related(
            "enterprise",
            "township",
            "team",
            "organisation",
            "tip",
            "spot_check_round",
            "created_by",
        ),
        request.user,
        pk=pk,
    )
    cases = []
    if inspection.enterprise_id:
        cases = list(inspection.enterprise.cases.visible_to(request.user).order_by("-id")[:5])
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "members": inspection.team.members.all(),
            "photos": inspection.photos.all(),
            "transfers": inspection.transfers.visible_to(request.user),
            "cases": cases,
            "can_transfer": can(request.user, SUPERVISOR_ROLES) and inspection.enterprise_id,
        },
    )


def _initial(request):
    """Prefill from links: ?enterprise=, ?tip=, ?round=, ?type=."""
    user = request.user
    initial = {}
    get = request.GET
    if get.get("enterprise"):
        enterprise = Enterprise.objects.visible_to(user).filter(pk=get["enterprise"]).first()
        if enterprise:
            initial["enterprise"] = enterprise.pk
    if get.get("tip"):
        tip = Tip.objects.visible_to(user).filter(pk=get["tip"]).first()
        if tip:
            initial.update(tip=tip.pk, inspection_type=InspectionType.TIP_VERIFICATION)
            if tip.township_id:
                initial["township"] = tip.township_id
            initial["place"] = tip.place
    if get.get("round"):
        spot_check_round = SpotCheckRound.objects.visible_to(user).filter(pk=get["round"]).first()
        if spot_check_round:
            initial.update(
                spot_check_round=spot_check_round.pk, inspection_type=InspectionType.SPOT_CHECK
            )
    if get.get("type") in InspectionType.values:
        initial["inspection_type"] = get["type"]
    return initial


@login_required
def inspection_create(request):
    user = request.user
    require(user, INSPECTOR_ROLES, "您的角色只能查看检查记录，不能录入。")
    if not user.organisation_id:
        raise PermissionDenied("您的账号没有所属单位，不能以单位名义录入检查。")
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = InspectionForm(data, files, user=user, initial=_initial(request))
    # Bound only for a new find, so an unticked (hidden) section never shows errors.
    enterprise_data = data if data is not None and data.get("new_find") else None
    enterprise_form = (
        EnterpriseForm(enterprise_data, prefix="new", user=user) if can_edit_ledger(user) else None
    )
    if enterprise_form is not None:
        # Taken from the inspection (its date and type) when left empty.
        enterprise_form.fields["reported_on"].required = False
        enterprise_form.fields["source"].required = False
        enterprise_form.fields[
            "source"
        ].help_text = "不选则按检查类型（排查、督导抽查、举报、回头看）填写。"
    if data is not None and form.is_valid():
        arguments = form.service_arguments()
        ready = True
        if form.cleaned_data.get("new_find"):
            if enterprise_form is None:
                form.add_error("new_find", "您的角色不能录入台账企业，请联系乡镇或县整治办录入。")
                ready = False
            elif not enterprise_form.is_valid():
                form.add_error(None, "新发现企业的信息有误，请按提示修改。")
                ready = False
            else:
                new_enterprise = enterprise_form.enterprise_data()
                new_enterprise["confirm_similar"] = enterprise_form.cleaned_data.get(
                    "confirm_similar"
                )
                arguments.update(enterprise=None, new_enterprise=new_enterprise)
        if ready:
            try:
                inspection = record_inspection(by=user, **arguments)
            except Refused as refusal:
                if (refusal.field or "").startswith("enterprise:") and enterprise_form is not None:
                    field = refusal.field.split(":", 1)[1]
                    enterprise_form.add_error(
                        field if field in enterprise_form.fields else None, refusal.message
                    )
                    form.add_error(None, refusal.message)
                else:
                    show_refusal(request, refusal, form)
            except (PermissionDenied, Http404) as refusal:
                form.add_error(None, str(refusal) or "不在您的管辖范围内。")
            else:
                messages.success(request, "检查记录已保存。")
                if inspection.result == InspectionResult.RELAPSE:
                    messages.warning(request, "该企业已按“反弹”重新打开整治案件。")
                return redirect("inspections:inspection_detail", pk=inspection.pk)
    chosen = None
    enterprise_value = form["enterprise"].value()
    if enterprise_value:
        chosen = (
            Enterprise.objects.visible_to(user).filter(pk=enterprise_value).first()
            if str(enterprise_value).isdigit()
            else None
        )
    tip_value = form["tip"].value()
    tip = (
        Tip.objects.visible_to(user).filter(pk=tip_value).first()
        if str(tip_value or "").isdigit()
        else None
    )
    return render(
        request,
        "inspections/inspection_form.html",
        {"form": form, "enterprise_form": enterprise_form, "chosen": chosen, "tip": tip},
    )


@login_required
def enterprise_options(request):
    """htmx: up to 15 ledger enterprises visible to the user matching a name or credit code."""
    query = (request.GET.get("q") or "").strip()
    enterprises = []
    if query:
        enterprises = (
            Enterprise.objects.visible_to(request.user)
            .filter(
                Q(name__icontains=query)
                | Q(credit_code__iexact=query)
                | Q(address__icontains=query)
            )
            .select_related("township")
            .order_by("name")[:15]
        )
    return render(
        request,
        "inspections/_enterprise_options.html",
        {"enterprises": enterprises, "query": query},
    )


@login_required
def inspection_photo(request, pk, photo_pk):
    """A photo taken on site, to whoever may open its inspection record."""
    inspection = get_visible_or_404(Inspection.objects.all(), request.user, pk=pk)
    photo = inspection.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404("照片不存在。")
    return serve_stored_file(photo.image)
