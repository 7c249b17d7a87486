"""Readings whose 户号 matches no enterprise: listed per account with suggested enterprises
(the duplicate guard's name and address similarity, against the uploader's area), and linked
with one click, which registers the 用电户号 and evaluates that account's readings at once."""

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, OuterRef, Sum

from accounts.refusals import Refused
from accounts.scoping import get_visible_or_404
from accounts.side_effects import after_commit
from enterprises.duplicates import addresses_similar, compact, name_core, names_similar
from enterprises.electricity import check_account_numbers
from enterprises.models import ElectricityAccount, Enterprise

from .imports import check_can_upload
from .models import MeterReading
from .notices import tell_about_alerts
from .rules import evaluate_accounts

SUGGESTIONS = 3


def unmatched_accounts(user):
    """The accounts with readings in the user's area and no enterprise: one row per 户号 with
    its latest name and address, the readings' count and total (a queryset of dicts)."""
    linked = ElectricityAccount.objects.filter(number=OuterRef("account_number"))
    return (
        MeterReading.objects.visible_to(user)
        .exclude(account_number__in=linked.values("number"))
        .values("account_number")
        .annotate(
            account_name=Max("account_name"),
            address=Max("address"),
            reading_count=Count("id"),
            total_kwh=Sum("kwh"),
            last_period=Max("period_start"),
        )
        .order_by("account_number")
    )


class Suggester:
    """Suggests enterprises of the user's area for a 户名/用电地址: the area's (id, name,
    address) are read once, then compared as the duplicate guard compares a new ledger row."""

    def __init__(self, user):
        rows = Enterprise.objects.visible_to(user).values_list(
            "pk", "name", "address", "township__name"
        )
        self.enterprises = [
            (pk, name, township, name_core(name, [township]), compact(address))
            for pk, name, address, township in rows
        ]

    def suggest(self, account_name, address, limit=SUGGESTIONS):
        found = []
        core_cache = {}
        address_key = compact(address)
        for pk, name, township, core, other_address in self.enterprises:
            if township not in core_cache:
                core_cache[township] = name_core(account_name, [township])
            if account_name and names_similar(core_cache[township], core):
                found.append({"id": pk, "name": name, "township": township, "reason": "名称相近"})
            elif address_key and addresses_similar(address_key, other_address):
                found.append({"id": pk, "name": name, "township": township, "reason": "地址相近"})
            if len(found) >= limit:
                break
        return found


def with_suggestions(rows, user):
    suggester = Suggester(user)
    rows = list(rows)
    for row in rows:
        row["suggestions"] = suggester.suggest(row["account_name"], row["address"])
    return rows


def link_account(number, enterprise, *, by):
    """Register `number` as the enterprise's 用电户号 and evaluate its readings; returns the ids
    of the alerts raised. The enterprise must lie in the user's area (else 404)."""
    check_can_upload(by)
    enterprise = get_visible_or_404(
        Enterprise.objects.select_related("township"), by, pk=enterprise.pk
    )
    number = (number or "").strip().upper()
    if not MeterReading.objects.visible_to(by).filter(account_number=number).exists():
        raise Refused(f"您的辖区内没有户号 {number} 的用电数据。", field="account_number")
    with transaction.atomic():
        check_account_numbers([number], field="account_number")
        try:
            with transaction.atomic():
                ElectricityAccount.objects.create(
                    enterprise=enterprise, number=number, created_by=by
                )
        except IntegrityError:
            raise Refused(
                f"户号 {number} 刚被他人关联，请刷新后核对。", field="account_number"
            ) from None
        return evaluate_new_accounts([number], by)


def evaluate_new_accounts(numbers, by=None):
    """Registered 用电户号 (linked here, entered in the enterprise form or imported with the
    ledger: enterprises.electricity's listener): their readings are evaluated at once and the
    alerts told after the commit. Returns the new alerts' ids."""
    alert_ids = evaluate_accounts(numbers)
    if alert_ids:
        after_commit(lambda: tell_about_alerts(alert_ids), "tell about power alerts")
    return alert_ids
