"""Browser pages of long exports (导出任务): ask for the filtered ledger or a large area's table,
watch the progress bar (htmx polls a small status fragment), download the file when done.

A job is only ever shown to the user who asked, and only while it lies inside their area;
anyone else gets 404. Jobs are created and moved only by reporting.exports.jobs.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.files import serve_stored_file
from accounts.models import Region
from accounts.refusals import Refused, show_refusal
from accounts.scoping import get_visible_or_404

from ..exports import jobs as export_jobs
from ..models import ExportJob
from ..periods import InvalidPeriod, Period

RECENT_JOBS = 20
# Form fields of the export page that are not ledger filters.
NOT_FILTERS = {"csrfmiddlewaretoken", "kind", "table", "region", "period", "page"}


def own_job(request, pk):
    return get_object_or_404(
        ExportJob.objects.owned_by(request.user).select_related("region"), pk=pk
    )


@login_required
@require_GET
def export_list(request):
    """导出任务: the ledger export form (the enterprise list's own filters) and my recent jobs."""
    filterset = export_jobs.ledger_filter(request.GET.urlencode(), request.user)
    jobs = ExportJob.objects.owned_by(request.user).select_related("region")[:RECENT_JOBS]
    return render(
        request,
        "reporting/export_list.html",
        {
            "filter": filterset,
            "jobs": jobs,
            "threshold": export_jobs.long_export_rows(),
        },
    )


def safe_back(request):
    """Where a refused request returns: the page it came from, if it is one of ours."""
    back = request.POST.get("back", "")
    if back and url_has_allowed_host_and_scheme(back, {request.get_host()}):
        return back
    return reverse("reporting:export_list")


def ledger_query(request):
    pairs = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in NOT_FILTERS
        for value in values
        if value != ""
    ]
    return urlencode(pairs)


@login_required
@require_POST
def export_start(request):
    kind = request.POST.get("kind")
    try:
        if kind == export_jobs.KIND_LEDGER:
            query = ledger_query(request)
            filterset = export_jobs.ledger_filter(query, request.user)
            if filterset.is_bound and not filterset.is_valid():
                raise Refused("筛选条件有误，未能导出：" + export_jobs.filter_errors(filterset))
            if filterset.qs.count() <= export_jobs.long_export_rows():
                # Short enough to build inside the request: the ledger's own export, at once.
                target = reverse("enterprises:export")
                return redirect(f"{target}?{query}" if query else target)
            job = export_jobs.request_ledger_export(by=request.user, query=query)
        elif kind == export_jobs.KIND_TABLE:
            region = get_visible_or_404(
                Region.objects.all(), request.user, code=request.POST.get("region", "")
            )
            try:
                period = Period.parse(request.POST.get("period", ""))
            except InvalidPeriod as error:
                raise Refused(str(error)) from error
            job = export_jobs.request_table_export(
                by=request.user, key=request.POST.get("table", ""), region=region, period=period
            )
        else:
            raise Refused("请选择要导出的内容。")
    except Refused as error:
        show_refusal(request, error)
        return redirect(safe_back(request))
    return redirect("reporting:export_detail", pk=job.pk)


@login_required
@require_GET
def export_detail(request, pk):
    job = export_jobs.expire_if_stale(own_job(request, pk))
    return render(request, "reporting/export_detail.html", {"job": job})


@login_required
@require_GET
def export_status(request, pk):
    """The progress fragment htmx swaps in every second until the job is finished."""
    job = export_jobs.expire_if_stale(own_job(request, pk))
    return render(request, "reporting/_export_progress.html", {"job": job})


@login_required
@require_POST
def export_retry(request, pk):
    """重新生成: a failed job asked again, as a new job."""
    try:
        job = export_jobs.retry_export(own_job(request, pk), by=request.user)
    except Refused as error:
        show_refusal(request, error)
        return redirect("reporting:export_detail", pk=pk)
    return redirect("reporting:export_detail", pk=job.pk)


@login_required
@require_GET
def export_download(request, pk):
    job = own_job(request, pk)
    if job.state != ExportJob.State.DONE or not job.file:
        raise Http404("文件尚未生成。")
    return serve_stored_file(job.file, filename=job.filename or "导出.xlsx")
