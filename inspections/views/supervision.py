"""The supervision tracking ledger (督查跟踪台账, seed 004 附件2): list with filters, .xlsx export
in the seed's column order, transferring a problem to a township and confirming it done."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.models import Region
from accounts.refusals import Refused, show_refusal
from accounts.scoping import get_visible_or_404
from accounts.sheets import XLSX_CONTENT_TYPE, report_bytes
from enterprises.models import Enterprise

from ..filters import SupervisionTransferFilter
from ..forms import TransferCompleteForm, TransferForm
from ..models import Inspection, SupervisionTransfer
from ..services import complete_transfer, transfer_problem
from ..services.common import SUPERVISOR_ROLES, TRANSFER_PROGRESS_ROLES, can
from ..supervision import TRACKING_COLUMNS, tracking_report, tracking_rows
from .common import paginate, require


def _filtered(request):
    queryset = SupervisionTransfer.objects.visible_to(request.user)
    filterset = SupervisionTransferFilter(request.GET or None, queryset=queryset, request=request)
    return filterset, (filterset.qs if filterset.is_bound else filterset.queryset)


@login_required
def transfer_list(request):
    filterset, transfers = _filtered(request)
    page, query = paginate(request, transfers.select_related("township", "enterprise"))
    start = (page.number - 1) * page.paginator.per_page
    rows = tracking_rows(
        SupervisionTransfer.objects.filter(pk__in=[t.pk for t in page.object_list])
    )
    for offset, row in enumerate(rows, start=1):
        row["serial"] = start + offset
    return render(
        request,
        "inspections/transfer_list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": rows,
            "columns": TRACKING_COLUMNS,
            "query": query,
            "can_transfer": can(request.user, SUPERVISOR_ROLES),
        },
    )


@login_required
def transfer_export(request):
    """The filtered list as 附件2, titled and signed for the user's own area."""
    _filterset, transfers = _filtered(request)
    region = request.user.region or Region.objects.order_by("path").first()
    content = report_bytes(tracking_report(transfers, region=region, user=request.user))
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    filename = f"督查跟踪台账-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def transfer_create(request):
    user = request.user
    require(user, SUPERVISOR_ROLES, "只有县、市整治办可以移交督查发现的问题。")
    initial = {}
    inspection = None
    if request.GET.get("inspection", "").isdigit():
        inspection = (
            Inspection.objects.visible_to(user).filter(pk=request.GET["inspection"]).first()
        )
        if inspection and inspection.enterprise_id:
            initial.update(
                enterprise=inspection.enterprise_id,
                inspection=inspection.pk,
                problem=inspection.findings,
            )
    if request.GET.get("enterprise", "").isdigit():
        initial["enterprise"] = request.GET["enterprise"]
    form = TransferForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        inspection = None
        if data.get("inspection"):
            inspection = Inspection.objects.visible_to(user).filter(pk=data["inspection"]).first()
        try:
            transfer_problem(
                by=user,
                enterprise=data["enterprise"],
                requirement=data["requirement"],
                problem=data["problem"],
                transferred_on=data["transferred_on"],
                responsible_person=data["responsible_person"],
                inspection=inspection,
            )
        except Refused as refusal:
            show_refusal(request, refusal, form)
        except (PermissionDenied, Http404) as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "问题已移交乡镇，已列入督查跟踪台账。")
            return redirect("inspections:transfer_list")
    value = form["enterprise"].value()
    chosen = (
        Enterprise.objects.visible_to(user).filter(pk=value).first()
        if str(value or "").isdigit()
        else None
    )
    return render(request, "inspections/transfer_form.html", {"form": form, "chosen": chosen})


@login_required
def transfer_detail(request, pk):
    user = request.user
    transfer = get_visible_or_404(
        SupervisionTransfer.objects.select_related(
            "enterprise", "township", "found_by", "inspection", "completed_by", "created_by"
        ),
        user,
        pk=pk,
    )
    form = None
    if can(user, TRANSFER_PROGRESS_ROLES) and not transfer.is_done:
        form = TransferCompleteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                complete_transfer(
                    transfer,
                    by=user,
                    completed_on=form.cleaned_data["completed_on"],
                    note=form.cleaned_data["note"],
                )
            except Refused as refusal:
                show_refusal(request, refusal, form)
            except (PermissionDenied, Http404) as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, "已确认完成。")
                return redirect("inspections:transfer_detail", pk=transfer.pk)
    elif request.method == "POST":
        raise PermissionDenied("您不能修改该问题的完成情况。")
    return render(request, "inspections/transfer_detail.html", {"transfer": transfer, "form": form})
