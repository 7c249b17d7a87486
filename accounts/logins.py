"""Failed logins limited per account and per address (django-axes on the database).

Axes compares one failure count with one limit; Qingling wants two limits (a few failures per
account, more per address, since a township office shares one address). The handler therefore
reports the address count in account units, so either limit reached locks the login, and a
success forgives only the account's own failures, never the address's failures against others.
"""

import math
from datetime import timedelta

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from .forms import LoginForm


def _limits():
    return settings.AXES_FAILURE_LIMIT, settings.QINGLING_LOGIN_ADDRESS_LIMIT


def _recent_attempts(request, credentials):
    """(account attempts, address attempts) within the cool-off period."""
    threshold = get_cool_off_threshold(request)
    recent = AccessAttempt.objects.filter(attempt_time__gte=threshold)
    username = get_client_username(request, credentials)
    return (
        recent.filter(username=username),
        recent.filter(ip_address=request.axes_ip_address),
    )


def _total(attempts):
    return sum(attempts.values_list("failures_since_start", flat=True))


class LoginLimits(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        account_limit, address_limit = _limits()
        account, address = _recent_attempts(request, credentials)
        return max(_total(account), _total(address) * account_limit // address_limit)

    def reset_user_attempts(self, request, credentials=None):
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


class LoginLimitBackend(AxesStandaloneBackend):
    """Refuses a locked-out login; has no opinion on an authenticate() without a request.

    Every login over HTTP (the site's, the admin's) passes its request and is counted. Only code
    calls authenticate() without one (the test client's login(), a shell), and those are not
    someone guessing passwords; axes's own backend would raise there instead.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def locked_until(request, credentials):
    """When the lockout on this account or address lifts (the later of the two)."""
    cool_off = get_cool_off(request) or timedelta(0)
    until = None
    for attempts, limit in zip(_recent_attempts(request, credentials), _limits(), strict=True):
        rows = list(
            attempts.order_by("attempt_time").values_list("attempt_time", "failures_since_start")
        )
        remaining = sum(failures for _, failures in rows)
        # Each row expires whole at its last attempt + cool-off; the lock lifts once enough
        # of the oldest rows have expired to bring the count under the limit.
        for attempt_time, failures in rows:
            if remaining < limit:
                break
            remaining -= failures
            lifted = attempt_time + cool_off
            until = lifted if until is None else max(until, lifted)
    return until


def lockout_message(until):
    if until is None:
        return "登录失败次数过多，已暂时锁定，请稍后再试。忘记密码请联系系统管理员。"
    local = timezone.localtime(until)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + timedelta(minutes=1)
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    return (
        f"登录失败次数过多，该账号或本机网络已暂时锁定。请于 {local:%H:%M} 后"
        f"（约 {minutes} 分钟后）再试；在此之前即使密码正确也无法登录。忘记密码请联系系统管理员。"
    )


def lockout_response(request, original_response=None, credentials=None):
    """The login page again (site or admin) with the Chinese message, status 429."""
    message = lockout_message(locked_until(request, credentials or {}))
    status = settings.AXES_HTTP_RESPONSE_CODE
    username = get_client_username(request, credentials) or ""
    next_url = request.POST.get("next", request.GET.get("next", ""))
    if request.path.startswith(reverse("admin:index")):
        context = {
            **admin.site.each_context(request),
            "title": "登录",
            "app_path": request.get_full_path(),
            "form": AdminAuthenticationForm(request, initial={"username": username}),
            "next": next_url,
            "lockout_message": message,
        }
        return render(request, "admin/login.html", context, status=status)
    context = {
        "form": LoginForm(request, initial={"username": username}),
        "next": next_url,
        "lockout_message": message,
    }
    return render(request, "accounts/login.html", context, status=status)
