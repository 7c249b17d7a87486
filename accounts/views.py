"""Sign-in, password change, the home page (待办) and 已办, the region pages and the health check."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import (
    LoginView,
    LogoutView,
    PasswordChangeDoneView,
    PasswordChangeView,
)
from django.core.files.storage import storages
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.html import format_html_join
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .files import serve_stored_file
from .filters import place_label
from .forms import LoginForm, OwnPasswordChangeForm
from .models import Organisation, Region
from .scoping import get_visible_or_404
from .storage import ObjectStorage
from .worklists import DONE_DAYS, done_for, todo_for


class QinglingLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class QinglingLogoutView(LogoutView):
    template_name = "accounts/logged_out.html"


class OwnPasswordChangeView(PasswordChangeView):
    # Django's view keeps the session valid after the change (update_session_auth_hash).
    template_name = "accounts/password_change.html"
    form_class = OwnPasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")


class OwnPasswordChangeDoneView(PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@login_required
def home(request):
    """待办: the work waiting for this user, list by list, the most urgent first. An
    administrator (no work of their own) sees the top of the region tree instead."""
    user = request.user
    region = user.region
    todo = todo_for(user, timezone.localdate())
    children = []
    if user.organisation_id is None:
        children = (
            Region.objects.filter(parent=region).order_by("code")
            if region
            else Region.objects.filter(parent__isnull=True)
        )
    return render(
        request,
        "accounts/home.html",
        {
            "region": region,
            "children": children,
            "figures": [entry for entry in todo if entry.worklist.figures],
            "lists": [entry for entry in todo if not entry.worklist.figures],
            "waiting": sum(entry.count for entry in todo if not entry.worklist.figures),
        },
    )


@login_required
def done(request):
    """已办: what this user did in the last 30 days, newest first."""
    items = done_for(request.user, timezone.now())
    return render(request, "accounts/done.html", {"items": items, "days": DONE_DAYS})


@login_required
def region_list(request):
    user = request.user
    regions = Region.objects.visible_to(user).exclude(level=Region.Level.VILLAGE)
    return render(request, "accounts/region_list.html", {"regions": regions})


PLACE_OPTIONS = 20


@login_required
@require_GET
def place_options(request):
    """<option>s of the townships of the user's area whose name contains what was typed into
    a place filter (accounts.filters.PlaceAutocomplete); value by code or by id as asked."""
    field = request.GET.get("field", "township")
    # A shown choice reads "县 乡镇": editing it searches by the township's part.
    text = ((request.GET.get(field) or "").split() or [""])[-1]
    value_field = "pk" if request.GET.get("value") == "pk" else "code"
    townships = Region.objects.none()
    if text:
        townships = (
            Region.objects.visible_to(request.user)
            .townships()
            .filter(name__contains=text)
            .select_related("parent")
            .order_by("code")[:PLACE_OPTIONS]
        )
    # The option's value is what the field shows once chosen (the name); data-value is what the
    # filter sends (static/js/place_autocomplete.js copies it into the hidden input).
    options = format_html_join(
        "",
        '<option value="{}" data-value="{}"></option>',
        ((place_label(t), getattr(t, value_field)) for t in townships),
    )
    return HttpResponse(options)


@login_required
def region_detail(request, code):
    region = get_visible_or_404(Region.objects.all(), request.user, code=code)
    children = region.children.order_by("code")
    organisations = region.organisations.order_by("kind", "name")
    return render(
        request,
        "accounts/region_detail.html",
        {"region": region, "children": children, "organisations": organisations},
    )


@never_cache
@require_GET
def healthz(request):
    """503 when the database does not answer (the node can serve nothing). Where an object
    store is configured, whether it answers (HEAD bucket, ≤ 2 s): when it does not, 200 with
    status "degraded" — pages still work, only files do not, and every node shares the one
    store, so a load balancer taking nodes out for it would take the whole service down."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    answer = {"status": "ok", "database": "ok"}
    store = storages["default"]
    if isinstance(store, ObjectStorage):
        if store.answers():
            answer["object_store"] = "ok"
        else:
            answer.update(status="degraded", object_store="unavailable")
    return JsonResponse(answer)


@login_required
def organisation_seal(request, pk):
    """An organisation's seal, to its own users and to users above it — never to a peer at the
    same place (another county department), who could stamp with it."""
    user = request.user
    organisation = get_visible_or_404(Organisation.objects.select_related("region"), user, pk=pk)
    peer = (
        user.organisation_id
        and user.organisation_id != organisation.pk
        and user.organisation.region_id == organisation.region_id
    )
    if peer or not organisation.seal:
        raise Http404("没有可查看的公章。")
    return serve_stored_file(organisation.seal, title="公章")
