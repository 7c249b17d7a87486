"""The notice list (/notices/, 只看未读 with ?unread=1) and marking notices read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Notification
from .notifications import mark_read

PAGE_SIZE = 50


@login_required
def notification_list(request):
    notices = Notification.objects.for_user(request.user)
    if request.GET.get("unread") == "1":
        notices = notices.unread()
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_mark_read(request):
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("notices:notification_list")
    try:
        ids = [int(value) for value in request.POST.getlist("id")] or None
    except ValueError:
        messages.error(request, "通知编号无效，未做任何更改。")
        return redirect(next_url)
    count = mark_read(request.user, ids)
    messages.success(request, f"已将 {count} 条通知标为已读。")
    return redirect(next_url)


def moved_permanently(pattern_name):
    """A 308 to the page's new address: bookmarks follow it, and a form posted to the old
    address is posted again to the new one (a 301 would turn it into a GET)."""

    def view(request):
        url = reverse(pattern_name)
        if request.META.get("QUERY_STRING"):
            url = f"{url}?{request.META['QUERY_STRING']}"
        response = redirect(url, permanent=True)
        response.status_code = 308
        return response

    return view
