"""/reports/dashboard/: the leaders' landing panel (领导驾驶舱)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from ..accountability.ledger import SCORE_RULE
from ..dashboard.cache import cached_dashboard
from ..dashboard.figures import build_dashboard, check_dashboard_access, dashboard_region


@login_required
def dashboard(request):
    user = request.user
    check_dashboard_access(user)
    region = dashboard_region(user, request.GET.get("region"))
    data = cached_dashboard(user, region, timezone.localdate(), build_dashboard)
    chart = {"bars": data.bars, "trend": data.trend}
    coverage_chart = {
        "names": [row.township.name for row in data.coverage_rows],
        "shares": [
            float(row.share_percent) if row.share_percent is not None else 0
            for row in data.coverage_rows
        ],
        "url": data.coverage_url,
    }
    return render(
        request,
        "reporting/dashboard.html",
        {
            "dash": data,
            "chart": chart,
            "coverage_chart": coverage_chart,
            "score_rule": SCORE_RULE,
        },
    )
