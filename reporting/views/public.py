"""Pages anyone may open without signing in: /verify/ (does this file or code match a submitted
table?) and /public/ (公示: the enterprises under remediation in a chosen county).

The public list shows no personal data: no operator, no phone, no reporter, no responsible
person — only the enterprise, where it is, its industry and what is being done about it.
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts.filters import EMPTY_CHOICE
from accounts.models import Region
from enterprises.ledger import case_columns_provider, case_values
from enterprises.models import Enterprise

from ..submissions.forms import VerifyCodeForm, VerifyFileForm
from ..submissions.workbooks import verify_code, verify_upload

PUBLIC_PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
def verify(request):
    verdict = None
    code_form = VerifyCodeForm(prefix="code")
    file_form = VerifyFileForm(prefix="file")
    if request.method == "POST" and "file-workbook" in request.FILES:
        file_form = VerifyFileForm(request.POST, request.FILES, prefix="file")
        if file_form.is_valid():
            verdict = verify_upload(file_form.cleaned_data["workbook"])
    elif request.method == "POST" or request.GET.get("code"):
        data = request.POST if request.method == "POST" else {"code-code": request.GET["code"]}
        code_form = VerifyCodeForm(data, prefix="code")
        if code_form.is_valid():
            verdict = verify_code(code_form.cleaned_data["code"])
    return render(
        request,
        "reporting/verify.html",
        {"verdict": verdict, "code_form": code_form, "file_form": file_form},
    )


def public_list(request):
    counties = list(Region.objects.counties().only("id", "code", "name", "path").order_by("path"))
    county = next((c for c in counties if c.code == request.GET.get("county")), None)
    if county is None and len(counties) == 1:
        county = counties[0]
    page = rows = township = None
    townships = []
    if county is not None:
        townships = list(
            Region.objects.filter(parent=county, level=Region.Level.TOWNSHIP)
            .only("id", "code", "name", "path")
            .order_by("code")
        )
        township = next((t for t in townships if t.code == request.GET.get("township")), None)
        provider = case_columns_provider()
        queryset = provider.prepare(
            Enterprise.objects.within((township or county).path)
            .select_related("township", "village")
            .only(
                "id",
                "name",
                "industry",
                "industry_other",
                "enterprise_type",
                "township__name",
                "village__name",
                "region_path",
            )
            .order_by("region_path", "id")
        )
        page = Paginator(queryset, PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
        start = page.start_index()
        rows = [
            (start + index, enterprise, case_values(provider, enterprise))
            for index, enterprise in enumerate(page.object_list)
        ]
    return render(
        request,
        "reporting/public_list.html",
        {
            "counties": counties,
            "county": county,
            "townships": townships,
            "township": township,
            "page": page,
            "rows": rows,
            "empty_choice": EMPTY_CHOICE,
        },
    )
