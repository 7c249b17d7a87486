"""The public tip pages (/tips/): no login. Filing is throttled per client (accepted tips only,
the client as the trusted front proxy reports it: accounts.clients) — in the cache, and while
the cache (Redis) is down from the database: the client's accepted tips of the window, found by
the keyed hash of its address each public tip keeps (Tip.client_key). Lookups are throttled in
the cache only, and go unthrottled while it is down. Photos are
size- and content-checked; the receipt number is the only key to the published outcome, and
nothing about the reporter is ever shown here."""

import contextlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache

from accounts.clients import client_address
from accounts.refusals import Refused, show_refusal

from ..forms import PublicTipForm, TipLookupForm
from ..models import Tip, TipChannel, TipState
from ..services import file_tip

logger = logging.getLogger(__name__)

# Filing: 5 accepted tips per hour per client; lookups: 30 per hour (receipt numbers are not guessable,
# and the lookup limit keeps them so). Settings may override either (tests do).
DEFAULT_FILE_RATE = (5, 3600)
DEFAULT_LOOKUP_RATE = (30, 3600)


def _throttle_key(request, scope):
    return f"qingling:throttle:{scope}:{client_address(request) or 'unknown'}"


def client_key(request):
    """The keyed hash (SECRET_KEY) of the client's address a public tip keeps: enough to count
    a client's tips, not to read the address back."""
    address = client_address(request) or "unknown"
    return salted_hmac("qingling.tip-client", address, algorithm="sha256").hexdigest()


def spent_in_database(request, scope, rate):
    """The cache is down: whether the client's accepted tips of the window reach the limit
    (filing); lookups leave no row, so they are not throttled then."""
    if scope != "tip-file":
        return False
    limit, window = rate
    since = timezone.now() - timedelta(seconds=window)
    return (
        Tip.objects.filter(client_key=client_key(request), received_at__gte=since).count() >= limit
    )


def allowance_spent(request, scope, rate):
    """Whether the caller has already used up `rate` = (limit, seconds), without using any."""
    try:
        return (cache.get(_throttle_key(request, scope)) or 0) >= rate[0]
    except Exception:
        logger.warning("tip throttle: cache unavailable, counted from the database", exc_info=True)
        return spent_in_database(request, scope, rate)


def take_allowance(request, scope, rate):
    """Use one of the caller's allowance; False, and nothing used, once it is spent."""
    limit, window = rate
    key = _throttle_key(request, scope)
    try:
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
    except Exception:
        # The cache is down (Redis stopped): the database counts the client's accepted tips
        # instead (lookups go unthrottled), rather than a 500.
        logger.warning("tip throttle: cache unavailable, counted from the database", exc_info=True)
        return not spent_in_database(request, scope, rate)
    if count > limit:
        give_back_allowance(request, scope)
        return False
    return True


def give_back_allowance(request, scope):
    """Return what take_allowance used, for a request that in the end was not served."""
    # ValueError: the window ended meanwhile, so there is nothing left to give back.
    try:
        with contextlib.suppress(ValueError):
            cache.decr(_throttle_key(request, scope))
    except Exception:
        logger.warning("tip throttle: allowance not given back, cache unavailable", exc_info=True)


@never_cache
def tip_file(request):
    form = PublicTipForm(request.POST or None, request.FILES or None)
    throttled = False
    if request.method == "POST":
        rate = getattr(settings, "QINGLING_TIP_FILE_RATE", DEFAULT_FILE_RATE)
        # Only accepted tips use up the allowance: a form sent back for correction is free,
        # so a citizen fixing a typo is never refused. A spent allowance answers before the
        # (photo-decoding) validation runs.
        if allowance_spent(request, "tip-file", rate):
            throttled = True
        elif form.is_valid():
            if not take_allowance(request, "tip-file", rate):
                throttled = True
            else:
                tip = _file_or_give_back(request, form)
                if tip is not None:
                    request.session["tip_receipt"] = tip.receipt_number
                    return redirect("tips:done")
        if throttled:
            form = PublicTipForm(request.POST)
            form.is_valid()
            form.add_error(
                None,
                f"提交过于频繁：同一网络每小时最多提交 {rate[0]} 条举报，请稍后再试或拨打 12369 环保热线。",
            )
    status = 429 if throttled else 200
    return render(request, "inspections/public/tip_form.html", {"form": form}, status=status)


def _file_or_give_back(request, form):
    """File the tip of a valid form; a refused one gives its allowance back and returns None."""
    data = form.cleaned_data
    try:
        return file_tip(
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
            client_key=client_key(request),
        )
    except Refused as refusal:
        give_back_allowance(request, "tip-file")
        show_refusal(request, refusal, form)
        return None
    except Exception:
        give_back_allowance(request, "tip-file")
        raise


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
        if not take_allowance(request, "tip-lookup", rate):  # every lookup counts
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
