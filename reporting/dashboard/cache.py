"""Leaders' dashboards kept in the shared cache, and dropped the moment the data under them
changes, so a cached figure is never older than the data.

A city's dashboard aggregates ~100,000 cases (~0.6 s on two cores) and at month end dozens of
leaders open the same few dashboards. Every county has a version token in the cache, replaced
(after commit) whenever a ledger row, case, inspection, submission or accountability action
under it is saved or deleted, or the Excel import adds rows to it; rows above county level
(a city's own submission) and changes to the region tree or units replace the shared "above"
token. A dashboard is cached under the tokens of every county it covers, so any change under
it makes the next view compute afresh; nothing else under it ever expires early.

Only with a shared cache (Redis, `DASHBOARD_CACHE`): a per-process memory cache could not tell
the other web processes that something changed. With that cache down the dashboard is simply
computed; a token that could not be replaced is logged (accounts.side_effects).
"""

import hashlib
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from accounts.models import Organisation, Region
from accounts.paths import path_at_level
from accounts.side_effects import after_commit
from enterprises.ledger import register_bulk_change_listener
from enterprises.models import Enterprise
from inspections.models import Inspection
from metering.models import PowerAlert
from rectification.models import Case

from ..models import Submission
from ..models.accountability import AccountabilityAction

logger = logging.getLogger(__name__)

# What the dashboard reads; a save or delete of any of them may change a figure.
WATCHED_AREA_MODELS = (
    Enterprise,
    Case,
    Inspection,
    PowerAlert,
    Submission,
    AccountabilityAction,
)
WATCHED_TREE_MODELS = (Region, Organisation)
ABOVE_COUNTIES = "above"
# A backstop only: entries are replaced through their tokens long before.
TIMEOUT_SECONDS = 24 * 60 * 60
# Longer than any entry lives, so a token that expires leaves no entry to be found under it.
TOKEN_TIMEOUT_SECONDS = 7 * TIMEOUT_SECONDS


def enabled():
    return getattr(settings, "DASHBOARD_CACHE", False)


def _token_key(county_code):
    return f"dashboard:token:{county_code}"


def county_code_of(path):
    """The county code in a region path, or ABOVE_COUNTIES for a path above county level."""
    county = path_at_level(path, Region.Level.COUNTY)
    return county.rstrip("/").rsplit("/", 1)[-1] if county else ABOVE_COUNTIES


def changed(path):
    """Something under `path` changed: its county's dashboards must be computed again. Runs
    after commit, so a view that reads the new token also reads the committed rows."""
    if not enabled():
        return
    key = _token_key(county_code_of(path))
    after_commit(
        lambda: cache.set(key, uuid.uuid4().hex, TOKEN_TIMEOUT_SECONDS), f"dashboard token {key}"
    )


def _tokens(county_codes):
    keys = [_token_key(code) for code in [ABOVE_COUNTIES, *county_codes]]
    tokens = cache.get_many(keys)
    for key in keys:
        if key not in tokens:
            # A fresh token for a missing (never set, or evicted) one: an old entry can never
            # be found under it again.
            cache.add(key, uuid.uuid4().hex, TOKEN_TIMEOUT_SECONDS)
            tokens[key] = cache.get(key)
    return [tokens[key] for key in keys]


def cache_key(user, region, today):
    if region.level >= Region.Level.COUNTY:
        counties = [region.code]
    else:
        counties = list(
            Region.objects.counties().within(region.path).values_list("code", flat=True)
        )
    digest = hashlib.sha1("|".join(_tokens(counties)).encode()).hexdigest()
    return f"dashboard:{region.pk}:{user.area_path or '*'}:{today.isoformat()}:{digest}"


def cached_dashboard(user, region, today, build):
    """build(user, region, today), or its result from the cache while nothing under the
    region has changed."""
    if not enabled():
        return build(user, region, today)
    try:
        key = cache_key(user, region, today)
        dashboard = cache.get(key)
    except Exception:
        # The cache is down (Redis stopped): the dashboard is computed, never a 500.
        logger.warning("dashboard cache unavailable; computing without it", exc_info=True)
        return build(user, region, today)
    if dashboard is None:
        dashboard = build(user, region, today)
        try:
            cache.set(key, dashboard, TIMEOUT_SECONDS)
        except Exception:
            logger.warning("dashboard cache unavailable; result not kept", exc_info=True)
    return dashboard


def _area_row_changed(sender, instance, **kwargs):
    changed(instance.region_path)


def _tree_changed(sender, instance, **kwargs):
    changed("")


def _ledger_rows_added(township):
    changed(township.path)


def connect():
    """Called once from ReportingConfig.ready()."""
    for model in WATCHED_AREA_MODELS:
        post_save.connect(_area_row_changed, sender=model, dispatch_uid=f"dashboard-{model}")
        post_delete.connect(_area_row_changed, sender=model, dispatch_uid=f"dashboard-d-{model}")
    for model in WATCHED_TREE_MODELS:
        post_save.connect(_tree_changed, sender=model, dispatch_uid=f"dashboard-{model}")
        post_delete.connect(_tree_changed, sender=model, dispatch_uid=f"dashboard-d-{model}")
    register_bulk_change_listener(_ledger_rows_added)
