"""Browser pages of 报表报送: the hub with who-has-submitted, a table's live view and draft export,
submitting, the submission list and detail (accept / return / resubmit / stamped export),
and the seal upload. Every queryset is scoped with visible_to(); state changes go
through services.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.files import serve_stored_file
from accounts.models import Region, Role
from accounts.pagination import KeysetPaginator
from accounts.refusals import Refused, show_refusal
from accounts.scoping import get_visible_or_404
from accounts.sheets import own_organisation, report_bytes

from ..exports.jobs import is_large_area
from ..models import Submission
from ..periods import InvalidPeriod, Period, recent_periods
from ..submissions import services
from ..submissions.filters import SubmissionFilter
from ..submissions.forms import ReturnForm, SealForm, SignerForm
from ..submissions.status import own_status, status_board
from ..submissions.workbooks import (
    draft_report,
    export_filename,
    snapshot_columns,
    submission_report,
    xlsx_response,
)
from ..tables import all_tables, get_table, html_header

SEAL_ROLES = (Role.COUNTY_OFFICE, Role.TOWNSHIP_HEAD)


def period_from(request):
    try:
        return Period.parse(request.GET["period"]) if request.GET.get("period") else None
    except InvalidPeriod as error:
        messages.error(request, str(error))
        return None


@login_required
def index(request):
    """报表报送: what my unit owes this month, and (county/city) who under me has submitted."""
    user = request.user
    chosen = period_from(request)
    period = chosen or Period.due_now()
    region = user.region
    own = own_status(region, period) if region is not None else None
    board = status_board(region, period) if region is not None else None
    return render(
        request,
        "reporting/index.html",
        {
            "period": period,
            "periods": recent_periods(),
            "own": own if own and own.tables else None,
            "board": board if board and board.tables else None,
            "tables": [
                table
                for table in all_tables()
                if region is None or any(level >= region.level for level in table.view_levels)
            ],
            "region": region,
            "due_note": due_note(period, all_tables()) if chosen is None else "",
        },
    )


def due_note(period, tables):
    """What the page says when it opened on the period due now (no ?period= chosen)."""
    return period.due_note([table.deadline(period) for table in tables])


def table_regions(user, table):
    """The places this user may view the table for (their own area, at the table's levels)."""
    return (
        Region.objects.visible_to(user)
        .filter(level__in=table.view_levels)
        .only("id", "code", "name", "level", "path")
        .order_by("path")
    )


def resolve_table(request, key):
    table = get_table(key)
    if table is None:
        raise Http404("没有这张报表。")
    user = request.user
    code = request.GET.get("region") or request.POST.get("region")
    if code:
        region = get_visible_or_404(Region.objects.all(), user, code=code)
    else:
        region = user.region or Region.objects.order_by("path").first()
        if region is not None and not table.can_view(region):
            region = table_regions(user, table).first()
    if region is None or not table.can_view(region):
        region = None
    return table, region


def can_submit_here(user, table, region):
    try:
        services.check_can_submit(table, region, user)
    except (PermissionDenied, Refused):
        return False
    return True


@login_required
def table_view(request, key):
    table, region = resolve_table(request, key)
    chosen = period_from(request)
    period = chosen or Period.due_now()
    context = {
        "table": table,
        "region": region,
        "period": period,
        "due_note": due_note(period, [table]) if chosen is None else "",
        "periods": recent_periods(),
        "regions": table_regions(request.user, table),
    }
    if region is not None:
        data = table.freeze(region, period)
        context.update(
            large_area=is_large_area(region),
            header=html_header(table.columns_for(region)),
            data=data,
            title=table.title_for(region),
            existing=Submission.objects.filter(
                table_key=table.key, region=region, period=period.start
            )
            .select_related("signed_by")
            .order_by("-version"),
        )
        if can_submit_here(request.user, table, region):
            context["signer_form"] = SignerForm(
                organisation=request.user.organisation, user=request.user
            )
    return render(request, "reporting/table.html", context)


@login_required
def table_export(request, key):
    """A draft export of the live numbers: same layout, no verification code."""
    table, region = resolve_table(request, key)
    if region is None:
        raise Http404("请选择报表所属区域。")
    period = period_from(request) or Period.due_now()
    organisation = own_organisation(request.user, region)
    content = report_bytes(draft_report(table, region, period, organisation, request.user))
    return xlsx_response(
        content, export_filename(table.title_for(region), period.label, "（草稿）")
    )


@login_required
@require_POST
def submit(request, key):
    table, region = resolve_table(request, key)
    period = period_from_post(request)
    back = f"{reverse('reporting:table', args=[key])}?period={period.key if period else ''}"
    if region is None or period is None:
        messages.error(request, "请选择报送区域和报送期间。")
        return redirect(back)
    back += f"&region={region.code}"
    try:
        # Role and place first: a read-only or foreign user gets 403 whatever the form says.
        services.check_can_submit(table, region, request.user)
    except Refused as error:
        show_refusal(request, error)
        return redirect(back)
    form = SignerForm(request.POST, organisation=request.user.organisation, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        submission = services.submit_table(
            table.key, region, period, by=request.user, signed_by=form.cleaned_data["signed_by"]
        )
    except Refused as error:
        show_refusal(request, error)
        return redirect(back)
    messages.success(
        request,
        f"已报送{submission.title}（{period.label}），验证码 {submission.verification_code}。",
    )
    return redirect("reporting:submission_detail", pk=submission.pk)


def period_from_post(request):
    try:
        return Period.parse(request.POST.get("period", ""))
    except InvalidPeriod as error:
        messages.error(request, str(error))
        return None


def submission_queryset(user):
    return Submission.objects.visible_to(user).select_related(
        "region", "organisation", "signed_by", "submitted_by", "decided_by"
    )


@login_required
def submission_list(request):
    # The frozen snapshot is a whole table per row (~20 KB each): the list never shows it.
    listed = submission_queryset(request.user).defer("snapshot")
    filterset = SubmissionFilter(request.GET or None, queryset=listed)
    queryset = filterset.qs if filterset.is_bound else filterset.queryset
    page = KeysetPaginator(queryset, 50).page_from(request.GET)
    return render(request, "reporting/submission_list.html", {"filter": filterset, "page": page})


@login_required
def submission_detail(request, pk):
    submission = get_visible_or_404(submission_queryset(request.user), request.user, pk=pk)
    user = request.user
    versions = Submission.objects.filter(
        table_key=submission.table_key, region=submission.region, period=submission.period
    ).select_related("signed_by", "decided_by")
    can_review = submission.state == Submission.State.SUBMITTED and _allowed(
        services.check_can_review, submission, user
    )
    can_resubmit = (
        submission.state == Submission.State.RETURNED
        and not has_next_version(submission)
        and submission.table is not None
        and _allowed(services.check_can_submit, submission.table, submission.region, user)
    )
    snapshot = submission.snapshot
    return render(
        request,
        "reporting/submission_detail.html",
        {
            "submission": submission,
            "versions": versions.order_by("-version"),
            "header": html_header(snapshot_columns(snapshot)),
            "snapshot": snapshot,
            "can_review": can_review,
            "return_form": ReturnForm() if can_review else None,
            "resubmit_form": (
                SignerForm(organisation=submission.organisation, user=user)
                if can_resubmit
                else None
            ),
        },
    )


def has_next_version(submission):
    return Submission.objects.filter(previous=submission).exists()


def _allowed(check, *args):
    try:
        check(*args)
    except (PermissionDenied, Refused):
        return False
    return True


@login_required
def submission_export(request, pk):
    """The stamped export, built only from the frozen snapshot."""
    submission = get_visible_or_404(submission_queryset(request.user), request.user, pk=pk)
    content = report_bytes(submission_report(submission))
    return xlsx_response(
        content,
        export_filename(submission.title, submission.period_label, f"_第{submission.version}版"),
    )


@login_required
@require_POST
def submission_accept(request, pk):
    submission = get_visible_or_404(submission_queryset(request.user), request.user, pk=pk)
    try:
        services.accept_submission(submission, by=request.user)
    except Refused as error:
        show_refusal(request, error)
    else:
        messages.success(request, "已接收该报表。")
    return redirect("reporting:submission_detail", pk=pk)


@login_required
@require_POST
def submission_return(request, pk):
    submission = get_visible_or_404(submission_queryset(request.user), request.user, pk=pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "退回时必须填写退回原因。")
        return redirect("reporting:submission_detail", pk=pk)
    try:
        services.return_submission(submission, by=request.user, reason=form.cleaned_data["reason"])
    except Refused as error:
        show_refusal(request, error)
    else:
        messages.success(request, "已退回该报表，填报单位可修改后重新报送。")
    return redirect("reporting:submission_detail", pk=pk)


@login_required
@require_POST
def submission_resubmit(request, pk):
    submission = get_visible_or_404(submission_queryset(request.user), request.user, pk=pk)
    form = SignerForm(request.POST, organisation=submission.organisation, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("reporting:submission_detail", pk=pk)
    try:
        new = services.resubmit(
            submission, by=request.user, signed_by=form.cleaned_data["signed_by"]
        )
    except Refused as error:
        show_refusal(request, error)
        return redirect("reporting:submission_detail", pk=pk)
    messages.success(
        request, f"已重新报送（第{new.version}版），新验证码 {new.verification_code}。"
    )
    return redirect("reporting:submission_detail", pk=new.pk)


def seal_owner(request):
    user = request.user
    if user.organisation is None:
        raise PermissionDenied("系统管理员请在管理后台维护各单位公章。")
    if not user.has_role(*SEAL_ROLES):
        raise PermissionDenied("只有县整治办或乡镇负责人可以上传本单位公章。")
    return user.organisation


@login_required
def seal(request):
    """Upload (replace) the user's own organisation's seal image."""
    organisation = seal_owner(request)
    if request.method == "POST":
        form = SealForm(request.POST, request.FILES, instance=organisation)
        if form.is_valid():
            services.replace_seal(organisation, form.cleaned_data["seal"], by=request.user)
            messages.success(request, "公章图片已更新，今后导出的报表将加盖此公章。")
            return redirect("reporting:seal")
        # is_valid() put the rejected file on the instance; show the stored seal, not it.
        organisation.refresh_from_db()
    else:
        form = SealForm(instance=organisation)
    return render(request, "reporting/seal.html", {"form": form, "organisation": organisation})


@login_required
def seal_image(request):
    organisation = seal_owner(request)
    if not organisation.seal:
        raise Http404("本单位尚未上传公章。")
    return serve_stored_file(organisation.seal, title="公章")
