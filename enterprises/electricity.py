"""用电户号 (electricity account numbers) of an enterprise: reading them from what a person typed
or a ledger cell holds ("3301234567, 3301234568、3301234569"), checking that none belongs to
another enterprise, and setting an enterprise's list. Only staff see the numbers.

Apps to the right (metering: the readings already kept for a new account are evaluated at
once) register `register_accounts_listener(func)` in their AppConfig.ready(); each func is
called as func(numbers, by) inside the transaction that registered the numbers."""

import re

from accounts.refusals import Refused

from .duplicates import normalise_text
from .models import ElectricityAccount

# The utility's 户号: digits, sometimes letters or a hyphen; 4–30 characters.
ACCOUNT_NUMBER = re.compile(r"^[0-9A-Za-z-]{4,30}$")
SEPARATORS = re.compile(r"[\s,，、;；/]+")
MAX_ACCOUNTS = 20

_accounts_listeners = []


def register_accounts_listener(func):
    if func not in _accounts_listeners:
        _accounts_listeners.append(func)


def accounts_added(numbers, by=None):
    """Tell the listeners that these 用电户号 now belong to an enterprise."""
    if numbers:
        for listener in list(_accounts_listeners):
            listener(list(numbers), by)


def parse_account_numbers(text, field="electricity_accounts"):
    """The distinct account numbers in `text` (a string or a list), in the order given;
    Refused naming the first malformed one."""
    if isinstance(text, (list, tuple)):
        text = " ".join(str(item) for item in text)
    numbers = []
    for raw in SEPARATORS.split(normalise_text(text or "")):
        number = raw.strip().upper()
        if not number:
            continue
        if not ACCOUNT_NUMBER.match(number):
            raise Refused(
                f"用电户号“{number}”格式不正确：应为 4–30 位数字或字母，多个户号用逗号、空格或顿号分隔。",
                field=field,
            )
        if number not in numbers:
            numbers.append(number)
    if len(numbers) > MAX_ACCOUNTS:
        raise Refused(f"一家企业最多登记 {MAX_ACCOUNTS} 个用电户号。", field=field)
    return numbers


def taken_elsewhere(numbers, enterprise_pk=None):
    """{number: the enterprise it belongs to} for the numbers another enterprise already holds."""
    taken = ElectricityAccount.objects.filter(number__in=numbers).select_related("enterprise")
    if enterprise_pk is not None:
        taken = taken.exclude(enterprise_id=enterprise_pk)
    return {account.number: account.enterprise for account in taken}


def check_account_numbers(numbers, enterprise_pk=None, field="electricity_accounts"):
    taken = taken_elsewhere(numbers, enterprise_pk)
    if taken:
        number, owner = next(iter(taken.items()))
        raise Refused(
            f"用电户号 {number} 已登记在“{owner.name}”（{owner.township.name}）名下，"
            "同一户号不能登记给两家企业；如确属本企业，请先在原企业中删除该户号。",
            field=field,
        )


def set_electricity_accounts(enterprise, numbers, *, by=None):
    """Make `numbers` the enterprise's accounts (added and removed as needed); call inside the
    enterprise's transaction. Returns the numbers added (metering evaluates their readings)."""
    check_account_numbers(numbers, enterprise.pk)
    current = set(enterprise.electricity_accounts.values_list("number", flat=True))
    wanted = set(numbers)
    enterprise.electricity_accounts.exclude(number__in=wanted).delete()
    added = [number for number in numbers if number not in current]
    ElectricityAccount.objects.bulk_create(
        ElectricityAccount(enterprise=enterprise, number=number, created_by=by) for number in added
    )
    accounts_added(added, by)
    return added


def account_numbers_text(enterprise):
    return "、".join(account.number for account in enterprise.electricity_accounts.all())
