"""Browser pages of the 问责台账: the ledger (worst first), its .xlsx export, a unit's history
with the form to record 提醒 / 约谈 / 通报, and the notice download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.files import serve_stored_file
from accounts.models import Organisation
from accounts.refusals import Refused
from accounts.scoping import get_visible_or_404
from accounts.sheets import report_bytes

from ..accountability.export import accountability_report
from ..accountability.forms import AccountabilityActionForm
from ..accountability.ledger import SCORE_RULE, accountability_list
from ..accountability.services import can_record, record_action
from ..dashboard.figures import DASHBOARD_ROLES, check_dashboard_access, dashboard_region
from ..models.accountability import AccountabilityAction
from ..submissions.workbooks import xlsx_response


def ledger_context(request):
    user = request.user
    check_dashboard_access(user)
    region = dashboard_region(user, request.GET.get("region"))
    return region, accountability_list(user, region, timezone.localdate())


@login_required
def ledger(request):
    region, accounts = ledger_context(request)
    return render(
        request,
        "reporting/accountability.html",
        {"region": region, "accounts": accounts, "score_rule": SCORE_RULE},
    )


@login_required
def ledger_export(request):
    region, accounts = ledger_context(request)
    report = accountability_report(region, accounts, request.user)
    filename = f"{region.name}问责台账_{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(report_bytes(report), filename)


@login_required
def unit_history(request, pk):
    user = request.user
    check_dashboard_access(user)
    unit = get_visible_or_404(Organisation.objects.select_related("region"), user, pk=pk)
    recordable = can_record(user)
    form = AccountabilityActionForm()
    if request.method == "POST":
        if not recordable:
            raise PermissionDenied("只有县整治办或市整治办可以记录问责。")
        form = AccountabilityActionForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                action = record_action(unit, by=user, **data)
            except Refused as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"已记录对{unit.name}的{action.get_kind_display()}。")
                return redirect("reporting:accountability_unit", pk=unit.pk)
    region = user.region or unit.region
    accounts = accountability_list(user, region, timezone.localdate(), organisation=unit)
    actions = (
        AccountabilityAction.objects.visible_to(user)
        .filter(organisation=unit)
        .select_related("recorded_by")
    )
    return render(
        request,
        "reporting/accountability_unit.html",
        {
            "unit": unit,
            "account": accounts[0] if accounts else None,
            "actions": actions,
            "form": form if recordable else None,
            "score_rule": SCORE_RULE,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def notice(request, pk):
    # A file answers 404 to a role the ledger refuses: its existence is not confirmed either.
    if not request.user.has_role(*DASHBOARD_ROLES):
        raise Http404("没有可查看的通知文书。")
    action = get_visible_or_404(AccountabilityAction.objects.all(), request.user, pk=pk)
    if not action.notice:
        raise Http404("没有通知文书。")
    return serve_stored_file(action.notice, title=f"问责通知文书-{action.pk}")
