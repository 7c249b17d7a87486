"""Spot checks (督导抽查): coverage per township against seed 004's 20% line, and the rounds a
county plans — the recorded draw per township as the round's worklist, its earlier versions,
the redraw (a new version with a reason), and drawn against inspected."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.models import Region
from accounts.refusals import Refused, show_refusal
from accounts.scoping import get_visible_or_404, scope_to_area

from ..forms import CoverageForm, RedrawForm, SpotCheckRoundForm
from ..models import InspectionType, SpotCheckRound, SpotCheckTarget
from ..sampling import reproduce_draw, weights_description
from ..services import plan_spot_check_round, redraw_spot_check_sample
from ..services.common import SUPERVISOR_ROLES, can
from ..stats import coverage_totals, round_coverage, round_coverage_totals, spot_check_coverage
from .common import require


def _default_county(user):
    region = user.region
    if region is not None and region.level == Region.Level.COUNTY:
        return region
    if region is not None and region.level > Region.Level.COUNTY:
        return region.ancestor_at(Region.Level.COUNTY)
    return Region.objects.visible_to(user).counties().order_by("code").first()


@login_required
def coverage(request):
    user = request.user
    today = timezone.localdate()
    county = _default_county(user)
    initial = {
        "county": county.code if county else None,
        "period_start": datetime.date(today.year, 1, 1),
        "period_end": today,
    }
    form = CoverageForm(request.GET or initial, user=user)
    rows, totals, area = [], None, None
    if form.is_valid():
        area = form.cleaned_data.get("county")
        start, end = form.cleaned_data["period_start"], form.cleaned_data["period_end"]
        if end < start:
            form.add_error("period_end", "结束日期不能早于开始日期。")
        else:
            # A township's own people see their own township's row only.
            own = user.region
            region = area
            if own is not None and own.level >= Region.Level.TOWNSHIP:
                region = own.ancestor_at(Region.Level.TOWNSHIP)
                area = region
            rows = spot_check_coverage(region, start, end)
            totals = coverage_totals(rows)
    return render(
        request,
        "inspections/coverage.html",
        {"form": form, "rows": rows, "totals": totals, "area": area, "minimum": Decimal("20")},
    )


@login_required
def round_list(request):
    rounds = SpotCheckRound.objects.visible_to(request.user).select_related(
        "county", "organisation"
    )
    return render(
        request,
        "inspections/round_list.html",
        {"rounds": rounds[:100], "can_plan": can(request.user, SUPERVISOR_ROLES)},
    )


@login_required
def round_create(request):
    user = request.user
    require(user, SUPERVISOR_ROLES, "只有县、市整治办可以制定督导抽查计划。")
    today = timezone.localdate()
    form = SpotCheckRoundForm(
        request.POST or None,
        user=user,
        initial={
            "name": f"{today.year}年{today.month}月督导抽查",
            "county": _default_county(user),
            "period_start": today,
            "period_end": today + datetime.timedelta(days=14),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            spot_check_round = plan_spot_check_round(
                by=user,
                county=data["county"],
                name=data["name"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                target_share=Decimal(data["target_share_percent"]) / 100,
            )
        except Refused as refusal:
            show_refusal(request, refusal, form)
        except (PermissionDenied, Http404) as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                f"已制定抽查轮次并随机抽取名单（第 1 版），共 "
                f"{spot_check_round.current_targets().count()} 家企业。",
            )
            return redirect("inspections:round_detail", pk=spot_check_round.pk)
    return render(request, "inspections/round_form.html", {"form": form})


@login_required
def round_detail(request, pk):
    """The round's worklist: the draw in force per township, each target linked to "record
    inspection"; drawn vs inspected per township; every earlier version listed."""
    user = request.user
    spot_check_round = get_visible_or_404(
        SpotCheckRound.objects.select_related("county", "organisation"), user, pk=pk
    )
    return _render_round(request, spot_check_round, RedrawForm())


def _render_round(request, spot_check_round, redraw_form):
    user = request.user
    area_path = user.area_path or ""
    draws = list(spot_check_round.draws.select_related("drawn_by").order_by("-version"))
    shown_version = spot_check_round.current_version
    if request.GET.get("version", "").isdigit():
        shown_version = int(request.GET["version"])
    shown = next((draw for draw in draws if draw.version == shown_version), None)
    if shown is None and draws:
        raise Http404("没有这个抽样版本。")
    targets = list(
        scope_to_area(SpotCheckTarget.objects.filter(draw=shown), user, "enterprise__region_path")
        .select_related("enterprise", "enterprise__township")
        .order_by("enterprise__region_path", "draw_order")
    )
    checked = set(
        _checked_enterprises(spot_check_round).filter(
            enterprise_id__in=[target.enterprise_id for target in targets]
        )
    )
    groups = {}
    for target in targets:
        groups.setdefault(target.enterprise.township, []).append(target)
    rows = round_coverage(spot_check_round, area_path)
    reproduced = None
    if shown is not None and shown.seed is not None:
        # Redo the draw from its seed and snapshot: the page says whether it still matches.
        reproduced = reproduce_draw(shown, spot_check_round.target_share) == [
            target.enterprise_id
            for target in sorted(
                SpotCheckTarget.objects.filter(draw=shown).only("enterprise_id", "draw_order"),
                key=lambda target: target.draw_order,
            )
        ]
    return render(
        request,
        "inspections/round_detail.html",
        {
            "round": spot_check_round,
            "draws": draws,
            "shown": shown,
            "is_current": shown_version == spot_check_round.current_version,
            "groups": [
                {"township": township, "targets": items} for township, items in groups.items()
            ],
            "target_count": len(targets),
            "checked": checked,
            "rows": rows,
            "totals": round_coverage_totals(rows),
            "reproduced": reproduced,
            "weights": weights_description(shown.weights if shown else None),
            "can_record": can(user, SUPERVISOR_ROLES),
            "redraw_form": redraw_form if can(user, SUPERVISOR_ROLES) else None,
        },
    )


@login_required
def round_redraw(request, pk):
    user = request.user
    spot_check_round = get_visible_or_404(
        SpotCheckRound.objects.select_related("county", "organisation"), user, pk=pk
    )
    require(user, SUPERVISOR_ROLES, "只有县、市整治办可以重新抽取督导抽查名单。")
    if request.method != "POST":
        return redirect("inspections:round_detail", pk=pk)
    form = RedrawForm(request.POST)
    if form.is_valid():
        try:
            draw = redraw_spot_check_sample(
                spot_check_round, by=user, reason=form.cleaned_data["reason"]
            )
        except Refused as refusal:
            show_refusal(request, refusal, form)
        else:
            messages.success(
                request,
                f"已重新抽取，生成第 {draw.version} 版名单（共 {draw.targets.count()} 家），"
                "此前各版本保留备查。",
            )
            return redirect("inspections:round_detail", pk=pk)
    return _render_round(request, spot_check_round, form)


def _checked_enterprises(spot_check_round):
    from ..models import Inspection

    return Inspection.objects.filter(
        inspection_type=InspectionType.SPOT_CHECK,
        inspected_on__gte=spot_check_round.period_start,
        inspected_on__lte=spot_check_round.period_end,
        enterprise__region_path__startswith=spot_check_round.region_path,
    ).values_list("enterprise_id", flat=True)
