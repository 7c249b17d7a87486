"""The public tip pages (/tips/): no login. Filing is throttled per address and photos are
size- and content-checked; the receipt number is the only key to the published outcome, and
nothing about the reporter is ever shown here."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from accounts.refusals import Refused, show_refusal

from ..forms import PublicTipForm, TipLookupForm
from ..models import Tip, TipChannel, TipState
from ..services import file_tip

logger = logging.getLogger(__name__)

# Filing: 5 tips per hour per address; lookups: 30 per hour (receipt numbers are not guessable,
# and the lookup limit keeps them so). Settings may override either (tests do).
DEFAULT_FILE_RATE = (5, 3600)
DEFAULT_LOOKUP_RATE = (30, 3600)


def client_address(request):
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites
    # REMOTE_ADDR, which is how the production front server is expected to be set up.
    return request.META.get("REMOTE_ADDR", "unknown")


def within_rate(request, scope, rate):
    """Count this request against `rate` = (limit, seconds) for the caller's address."""
    limit, window = rate
    key = f"qingling:throttle:{scope}:{client_address(request)}"
    try:
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
    except Exception:
        # The cache is down (Redis stopped): a citizen's tip or lookup still goes through,
        # unthrottled for as long as it is down, rather than a 500.
        logger.warning("tip throttle skipped: cache unavailable", exc_info=True)
        return True
    return count <= limit


@never_cache
def tip_file(request):
    form = PublicTipForm(request.POST or None, request.FILES or None)
    throttled = False
    if request.method == "POST":
        rate = getattr(settings, "QINGLING_TIP_FILE_RATE", DEFAULT_FILE_RATE)
        if not within_rate(request, "tip-file", rate):
            throttled = True
            form = PublicTipForm(request.POST)
            form.is_valid()
            form.add_error(
                None,
                f"提交过于频繁：同一网络每小时最多提交 {rate[0]} 条举报，请稍后再试或拨打 12369 环保热线。",
            )
        elif form.is_valid():
            data = form.cleaned_data
            try:
                tip = file_tip(
                    channel=TipChannel.ONLINE,
                    content=data["content"],
                    place=data["place"],
                    happened_when=data["happened_when"],
                    county=data["county"],
                    township=data["township"],
                    reporter_name=data["reporter_name"],
                    reporter_contact=data["reporter_contact"],
                    reward=data["reward"],
                    photos=data["photos"],
                )
            except Refused as refusal:
                show_refusal(request, refusal, form)
            else:
                request.session["tip_receipt"] = tip.receipt_number
                return redirect("tips:done")
    status = 429 if throttled else 200
    return render(request, "inspections/public/tip_form.html", {"form": form}, status=status)


@never_cache
def tip_done(request):
    receipt = request.session.get("tip_receipt")
    if not receipt:
        return redirect("tips:file")
    return render(request, "inspections/public/tip_done.html", {"receipt": receipt})


@never_cache
def tip_lookup(request):
    form = TipLookupForm(request.GET or None)
    tip = None
    status = 200
    if form.is_bound:
        rate = getattr(settings, "QINGLING_TIP_LOOKUP_RATE", DEFAULT_LOOKUP_RATE)
        if not within_rate(request, "tip-lookup", rate):
            form.is_valid()
            form.add_error(None, "查询过于频繁，请一小时后再试。")
            status = 429
        elif form.is_valid():
            tip = (
                Tip.objects.filter(receipt_number=form.cleaned_data["receipt_number"])
                .only("receipt_number", "received_at", "state", "outcome", "published_at")
                .first()
            )
            if tip is None:
                form.add_error("receipt_number", "没有找到这个受理编号，请核对后重新输入。")
    return render(
        request,
        "inspections/public/tip_lookup.html",
        {
            "form": form,
            "tip": tip,
            "published": tip is not None and tip.state == TipState.PUBLISHED,
        },
        status=status,
    )
