"""Browser pages of the ledger: list with filters, .xlsx export, detail with history,
create/edit forms with the duplicate guard, and the Excel import (upload → preview → commit).

Views stay thin: querysets are limited with `visible_to`, single rows fetched with
`get_visible_or_404`, and every save goes through `enterprises.services`.
"""

import datetime
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.filters import EMPTY_CHOICE
from accounts.models import Region
from accounts.pagination import KeysetPaginator
from accounts.refusals import Refused, show_refusal
from accounts.scoping import get_visible_or_404
from accounts.sheets import XLSX_CONTENT_TYPE, report_file

from . import risk, services
from .filters import EnterpriseFilter
from .forms import EnterpriseForm, LedgerUploadForm, villages_of
from .history import history_entries
from .imports import services as imports
from .imports.problems import problems_filename, problems_report
from .ledger import (
    LEDGER_COLUMNS,
    case_columns_provider,
    detail_links,
    ledger_page_rows,
    long_export_route,
    prepare_ledger_queryset,
)
from .ledger_table import export_name, ledger_region, ledger_report
from .models import Enterprise, EnterpriseType, ImportBatch, Industry, PermitDepartment, Source

PAGE_SIZE = 50
PREVIEW_PAGE_SIZE = 200


def ledger_filter(request):
    return EnterpriseFilter(
        request.GET or None, queryset=Enterprise.objects.visible_to(request.user), request=request
    )


NAME_COLUMN = LEDGER_COLUMNS.index("企业名称")
DATE_COLUMNS = {LEDGER_COLUMNS.index("上报时间"), LEDGER_COLUMNS.index("整治期限")}


def row_cells(enterprise, values):
    """One ledger row's <td> cells. Built here rather than in the template: a page has 700
    cells, and the template engine's per-cell conditions cost more than the page's queries."""
    cells = []
    for index, value in enumerate(values):
        if index == NAME_COLUMN:
            detail = reverse("enterprises:detail", args=[enterprise.pk])
            cells.append(format_html('<td><a href="{}">{}</a></td>', detail, value))
        elif index in DATE_COLUMNS:
            text = dateformat.format(value, "Y-m-d") if isinstance(value, datetime.date) else ""
            cells.append(format_html('<td class="text-nowrap">{}</td>', text))
        else:
            cells.append(format_html("<td>{}</td>", "" if value is None else value))
    # 风险画像 after the 14 附件1 columns: shown on the page, never exported.
    cells.append(
        format_html(
            '<td class="text-nowrap"><span class="badge {}" title="风险评分">{} {}</span></td>',
            enterprise.risk_badge_class,
            enterprise.get_risk_band_display(),
            enterprise.risk_score,
        )
    )
    # Every part went through format_html.
    return mark_safe("".join(cells))


@login_required
@require_GET
def enterprise_list(request):
    filterset = ledger_filter(request)
    provider = case_columns_provider()
    paginator = KeysetPaginator(prepare_ledger_queryset(filterset.qs, provider), PAGE_SIZE)
    page = paginator.page_from(request.GET)
    rows = ledger_page_rows(page.object_list, start=page.start_index(), provider=provider)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("cursor", None)
    return render(
        request,
        "enterprises/enterprise_list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": rows,
            "row_cells": [row_cells(enterprise, values) for enterprise, values in rows],
            "headers": sortable_headers(request),
            "risk_header": risk_header(request),
            # On a phone the filters fold away unless some are in use.
            "filters_active": any(
                value for key, value in request.GET.items() if key not in ("q", "page", "ordering")
            ),
            "query": query.urlencode(),
            "can_edit": services.can_edit_ledger(request.user),
            "can_import": services.can_import_ledger(request.user),
        },
    )


# 附件1 column → the FilterSet's ordering key, for the clickable headers.
SORTABLE_COLUMNS = {
    "所在村组": "place",
    "企业名称": "name",
    "企业类型": "enterprise_type",
    "有无手续": "permit_status",
    "上报时间": "reported_on",
    "分包责任人": "responsible_person",
}


def sortable_headers(request):
    """[(title, url or None, "▲"/"▼"/"")] for the ledger table's header row."""
    current = request.GET.get("ordering", "")
    headers = []
    for title in LEDGER_COLUMNS:
        key = SORTABLE_COLUMNS.get(title)
        if key is None:
            headers.append((title, None, ""))
            continue
        query = request.GET.copy()
        query.pop("page", None)
        query["ordering"] = f"-{key}" if current == key else key
        indicator = "▲" if current == key else "▼" if current == f"-{key}" else ""
        headers.append((title, f"?{query.urlencode()}", indicator))
    return headers


def risk_header(request):
    """风险 sorts the riskiest (lowest score) first on the first click."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("cursor", None)
    current = request.GET.get("ordering", "")
    query["ordering"] = "-risk_score" if current == "risk_score" else "risk_score"
    indicator = "▲" if current == "risk_score" else "▼" if current == "-risk_score" else ""
    return ("风险", f"?{query.urlencode()}", indicator)


@login_required
@require_GET
def enterprise_export(request):
    """The filtered ledger as 附件1: written at once when short, else sent to the export jobs."""
    filterset = ledger_filter(request)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, "筛选条件有误，未能导出：" + filter_errors(filterset))
        return redirect("enterprises:list")
    queryset = filterset.qs
    count = queryset.count()
    background = long_export_route(count, request.GET.urlencode())
    if background:
        messages.info(
            request,
            f"筛选结果共 {count} 家，台账较长，将在后台生成：请确认筛选条件后点击“导出 Excel”，"
            "生成后在本页下载。",
        )
        return redirect(background)
    region = ledger_region(filterset, request.user)
    output = report_file(ledger_report(queryset, region=region, user=request.user))
    response = FileResponse(output, content_type=XLSX_CONTENT_TYPE)
    filename = f"{export_name(region)}.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"ledger.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def filter_errors(filterset):
    return "；".join(
        f"{filterset.form.fields[name].label if name in filterset.form.fields else ''}{' '.join(errs)}"
        for name, errs in filterset.form.errors.items()
    )


@login_required
@require_GET
def enterprise_detail(request, pk):
    provider = case_columns_provider()
    enterprise = get_visible_or_404(
        prepare_ledger_queryset(Enterprise.objects.select_related("created_by"), provider),
        request.user,
        pk=pk,
    )
    _, values = ledger_page_rows([enterprise], provider=provider)[0]
    deductions = risk.deductions_of(enterprise)
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "ledger": list(zip(LEDGER_COLUMNS, values, strict=True))[1:],
            "history": history_entries(enterprise),
            "deductions": deductions,
            "links": detail_links(enterprise, request.user),
            "can_edit": services.can_edit_ledger(request.user),
            "permits": [
                (label, enterprise.permits.get(code)) for code, label in PermitDepartment.choices
            ],
        },
    )


def render_form(request, form, enterprise=None, similar=None, status=200):
    return render(
        request,
        "enterprises/enterprise_form.html",
        {"form": form, "enterprise": enterprise, "similar": similar or []},
        status=status,
    )


def save_form(request, form, enterprise=None):
    """Validate and save through the service; (saved enterprise, similar list)."""
    if not form.is_valid():
        return None, []
    data = form.enterprise_data()
    confirm = form.cleaned_data.get("confirm_similar", False)
    try:
        if enterprise is None:
            return services.create_enterprise(data, by=request.user, confirm_similar=confirm), []
        return (
            services.update_enterprise(
                enterprise,
                data,
                by=request.user,
                confirm_similar=confirm,
                version=form.cleaned_data.get("version") or None,
            ),
            [],
        )
    except services.SimilarEnterprisesFound as exc:
        show_refusal(request, exc, form)
        return None, exc.similar
    except services.DuplicateCreditCode as exc:
        show_refusal(request, exc, form)
        form.duplicate_of = exc.existing if exc.visible else None
        return None, []
    except (Refused, ValidationError) as exc:
        show_refusal(request, exc, form)
        return None, []


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create(request):
    services.check_can_edit(request.user)
    if request.method == "POST":
        form = EnterpriseForm(request.POST, user=request.user)
        enterprise, similar = save_form(request, form)
        if enterprise is not None:
            messages.success(request, f"已录入“{enterprise.name}”。")
            return redirect("enterprises:detail", pk=enterprise.pk)
        return render_form(request, form, similar=similar, status=400)
    return render_form(request, EnterpriseForm(user=request.user))


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk):
    enterprise = get_visible_or_404(
        Enterprise.objects.select_related("township", "village"), request.user, pk=pk
    )
    services.check_can_edit(request.user)
    if request.method == "POST":
        form = EnterpriseForm(request.POST, instance=enterprise, user=request.user)
        saved, similar = save_form(request, form, enterprise)
        if saved is not None:
            messages.success(request, f"已保存对“{saved.name}”的修改。")
            return redirect("enterprises:detail", pk=saved.pk)
        return render_form(request, form, enterprise, similar=similar, status=400)
    return render_form(request, EnterpriseForm(instance=enterprise, user=request.user), enterprise)


@login_required
@require_GET
def village_options(request):
    """htmx: the <option>s of the chosen township's villages (only townships the user sees)."""
    code_or_pk = next(
        (value for key, value in request.GET.items() if key.endswith("township") and value), ""
    )
    # The ledger filter sends codes, the enterprise form primary keys.
    township = None
    if code_or_pk:
        townships = Region.objects.visible_to(request.user).townships()
        lookup = {"code": code_or_pk} if len(code_or_pk) == 12 else {"pk": code_or_pk}
        try:
            township = townships.filter(**lookup).first()
        except (ValueError, ValidationError):
            township = None
    return render(
        request,
        "enterprises/_village_options.html",
        {
            "villages": villages_of(township),
            "by_code": request.GET.get("value") == "code",
            "empty_label": EMPTY_CHOICE if request.GET.get("value") == "code" else "（不选）",
        },
    )


# --- Excel import -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    imports.check_can_import(request.user)
    form = LedgerUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            batch = imports.stage_import(
                form.cleaned_data["file"],
                township=form.cleaned_data["township"],
                by=request.user,
                campaign=form.cleaned_data.get("campaign"),
                establish=form.cleaned_data.get("establish", False),
            )
        except Refused as exc:
            show_refusal(request, exc, form)
        else:
            return redirect("enterprises:import_preview", token=batch.token)
    recent = ImportBatch.objects.filter(owner=request.user).select_related("township")[:10]
    return render(
        request,
        "enterprises/import_upload.html",
        {"form": form, "recent": recent},
        status=400 if form.errors else 200,
    )


def own_batch(request, token):
    return imports.own_batch(token, request.user)


@login_required
@require_GET
def import_preview(request, token):
    batch = own_batch(request, token)
    problems = [{"row": row["row"], **problem} for row in batch.rows for problem in row["problems"]]
    warnings = [
        {"row": row["row"], **warning} for row in batch.rows for warning in row.get("warnings", [])
    ]
    notices = [row for row in batch.rows if row["notice"]]
    page = Paginator(batch.rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(row, preview_cells(row)) for row in page.object_list]
    return render(
        request,
        "enterprises/import_preview.html",
        {
            "batch": batch,
            "problems": problems,
            "warnings": warnings,
            "notices": notices,
            "page": page,
            "rows": rows,
            "headers": PREVIEW_HEADERS,
        },
    )


# The preview's columns: (header, the column label messages name, the row's value).
PREVIEW_COLUMNS = (
    ("所在村组", "所在村组", lambda row: row["data"]["village_group"]),
    ("企业名称", "企业名称", lambda row: row["data"]["name"]),
    (
        "企业类型",
        "企业类型",
        lambda row: EnterpriseType(t).label if (t := row["data"]["enterprise_type"]) else "",
    ),
    ("企业规模", "企业规模(人员等)", lambda row: row["data"]["scale"]),
    ("人数", "企业规模(人员等)", lambda row: row["data"]["employee_count"]),
    ("原辅材料", "原辅材料", lambda row: row["data"]["raw_materials"]),
    (
        "涉水涉气",
        "涉水涉气",
        lambda row: (
            "、".join(
                label
                for key, label in (("involves_water", "涉水"), ("involves_air", "涉气"))
                if row["data"][key]
            )
            or "否"
        ),
    ),
    ("手续", "有无手续", lambda row: row["permits_text"]),
    ("上报时间", "上报时间", lambda row: row["data"]["reported_on"]),
    ("整治要求", "整治要求", lambda row: row["case"].get("requirement")),
    ("整治期限", "整治期限", lambda row: row["case"].get("deadline")),
    ("完成情况", "完成情况(完成日期)", lambda row: row["case"].get("completion")),
    ("信用代码", "统一社会信用代码", lambda row: row["data"]["credit_code"]),
    ("分包责任人", "分包责任人", lambda row: row["data"]["responsible_person"]),
    ("备注", "备注", lambda row: row["data"]["remarks"]),
    (
        "行业",
        "行业",
        lambda row: Industry(row["data"]["industry"]).label if row["data"].get("industry") else "",
    ),
    (
        "来源",
        "来源",
        lambda row: Source(row["data"]["source"]).label if row["data"].get("source") else "",
    ),
)
PREVIEW_HEADERS = [header for header, _, _ in PREVIEW_COLUMNS]


def preview_cells(row):
    """(value, errors, warnings) per preview column: each message stands on its own cell."""
    cells = []
    for index, (_, label, value) in enumerate(PREVIEW_COLUMNS):
        # 人数 repeats 企业规模's messages only once: on 企业规模.
        own = index != 4
        errors = [p["message"] for p in row["problems"] if own and p["column"] == label]
        warnings = [w["message"] for w in row.get("warnings", []) if own and w["column"] == label]
        shown = value(row)
        cells.append(("" if shown is None else shown, errors, warnings))
    return cells


@login_required
@require_POST
def import_commit(request, token):
    batch = own_batch(request, token)
    good_rows_only = request.POST.get("good_rows_only") == "1"
    try:
        batch = imports.commit_import(batch, by=request.user, good_rows_only=good_rows_only)
    except Refused as exc:
        show_refusal(request, exc)
        return redirect("enterprises:import_preview", token=batch.token)
    done = (
        f"导入完成：新增 {batch.created_count} 家企业，"
        f"{batch.existing_count} 行已在台账中、已跳过。"
    )
    if batch.error_count:
        # The flagged rows are still to be fixed: back to the preview, where their file is.
        messages.success(
            request, f"{done}{batch.error_count} 行有问题未导入，请下载问题行，改正后重新导入。"
        )
        return redirect("enterprises:import_preview", token=batch.token)
    messages.success(request, done)
    return redirect(reverse("enterprises:list") + f"?township={batch.township.code}")


@login_required
@require_GET
def import_problems(request, token):
    """The flagged rows as 附件1 with a 问题说明 column, to fix in Excel and import again."""
    batch = own_batch(request, token)
    try:
        report = problems_report(batch, user=request.user)
    except Refused as exc:
        show_refusal(request, exc)
        return redirect("enterprises:import_preview", token=batch.token)
    response = FileResponse(report_file(report), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        'attachment; filename="problems.xlsx"; '
        f"filename*=UTF-8''{quote(problems_filename(batch))}"
    )
    return response
