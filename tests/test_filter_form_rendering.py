"""List filter forms render their fixed-choice selects once per choice list and value
(accounts.filters.render_once): the HTML is what Django renders, the chosen value follows each
request, and selects of a model's rows (townships, units, campaigns) stay per user."""

import pytest
from django import forms
from django.test import RequestFactory

from accounts import filters as filter_pieces
from enterprises.filters import EnterpriseFilter
from enterprises.models import Enterprise
from rectification.filters import CaseFilter
from rectification.models import Case, CaseState

pytestmark = pytest.mark.django_db


def case_form(user, data=None):
    request = RequestFactory().get("/cases/", data or {})
    request.user = user
    return CaseFilter(data or {}, queryset=Case.objects.all(), request=request).form


def plain_render(bound_field):
    """The field as Django renders it without the reuse."""
    widget = bound_field.field.widget
    render = type(widget).render.__get__(widget)
    return render(
        bound_field.html_name,
        bound_field.value(),
        bound_field.build_widget_attrs({"id": bound_field.auto_id} if bound_field.auto_id else {}),
        bound_field.form.renderer,
    )


def test_a_fixed_choice_select_renders_the_html_django_renders_with_the_chosen_value(users):
    filter_pieces._RENDERED_SELECTS.clear()
    for data in ({}, {"state": CaseState.CLOSED}, {}, {"state": CaseState.CLOSED}):
        form = case_form(users["county"], data)
        for name in ("state", "overdue", "holder"):
            assert str(form[name]) == plain_render(form[name])
    closed = str(case_form(users["county"], {"state": CaseState.CLOSED})["state"])
    assert f'value="{CaseState.CLOSED}" selected' in closed
    assert "selected" not in str(case_form(users["county"])["state"]).replace(
        'value="" selected', ""
    )


def test_a_fixed_choice_select_is_rendered_once_for_every_request_asking_the_same(users):
    filter_pieces._RENDERED_SELECTS.clear()
    str(case_form(users["county"])["disposal"])
    stored = len(filter_pieces._RENDERED_SELECTS)
    str(case_form(users["city"])["disposal"])
    str(case_form(users["clerk"])["disposal"])
    assert len(filter_pieces._RENDERED_SELECTS) == stored == 1


def test_a_value_outside_the_choices_is_rendered_afresh_and_never_stored(users):
    filter_pieces._RENDERED_SELECTS.clear()
    form = case_form(users["county"], {"state": "<script>"})
    html = str(form["state"])
    assert "<script>" not in html
    assert filter_pieces._RENDERED_SELECTS == {}


def test_selects_of_a_models_rows_follow_the_users_area(area, users):
    county_a = str(case_form(users["county"])["township"])
    county_b = str(case_form(users["county_b"])["township"])
    assert area["township_a1"].name in county_a and area["township_b1"].name not in county_a
    assert area["township_b1"].name in county_b and area["township_a1"].name not in county_b


def test_the_ledger_ordering_select_is_reused_though_django_filter_makes_its_widget_class(
    users,
):
    filter_pieces._RENDERED_SELECTS.clear()
    for _ in range(3):
        request = RequestFactory().get("/enterprises/")
        request.user = users["county"]
        form = EnterpriseFilter({}, queryset=Enterprise.objects.all(), request=request).form
        assert isinstance(form.fields["ordering"].widget, forms.Select)
        str(form["ordering"])
    assert len(filter_pieces._RENDERED_SELECTS) == 1
