"""What the filter forms cost: the ledger's and the case list's filter widgets rendered alone
(the FilterSet built for the user and every field rendered, as the page does), beside the whole
page, p50 ms, for the county and the city office. Issue 16 asks for forms that cost nothing:
fixed-choice selects are rendered once per choice list (accounts.filters.render_once), place
selects become a typed field above a county; what remains is the selects of a model's rows."""

from django.test import RequestFactory

from enterprises.filters import EnterpriseFilter
from enterprises.models import Enterprise
from rectification.filters import CaseFilter
from rectification.views import case_list_queryset

from .common import data_size, for_each_office, time_page
from .report import time_calls

LISTS = (
    ("ledger", "/enterprises/", EnterpriseFilter, Enterprise.objects.visible_to),
    ("case list", "/cases/", CaseFilter, case_list_queryset),
)


def run(report):
    for_each_office(report, measure)


def measure(report, username, client, user):
    size = data_size()
    for label, url, filter_class, queryset_for in LISTS:

        def render_widgets(filter_class=filter_class, queryset_for=queryset_for, url=url):
            request = RequestFactory().get(url)
            request.user = user
            filterset = filter_class({}, queryset=queryset_for(user), request=request)
            return "".join(str(field) for field in filterset.form)

        widgets = time_calls(render_widgets, repeat=20)
        page = time_page(client, url)
        share = widgets["p50_ms"] / page["p50_ms"] if page["p50_ms"] else 0
        report.add(
            f"{username}: {label} filter widgets, p50 ms ({share:.0%} of the page's "
            f"{page['p50_ms']:.1f} ms)",
            size,
            round(widgets["p50_ms"], 2),
        )
