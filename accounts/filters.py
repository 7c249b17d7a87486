"""Filter pieces shared by every app's FilterSets: the one label of a filter's empty choice,
the styled filter form, the yes/no filter and the townships a user may filter by."""

import django_filters
from django import forms

from .models import Region

# What a filter's empty choice reads on every list page: the filter does not narrow the list.
EMPTY_CHOICE = "不限"


class AnyYesNoSelect(forms.NullBooleanSelect):
    """A yes/no filter whose empty choice reads 不限, not Django's 未知 (unknown)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("unknown", EMPTY_CHOICE), ("true", "是"), ("false", "否"))


class YesNoFilter(django_filters.BooleanFilter):
    """BooleanFilter for list pages and the API alike: ?x=true / ?x=false, blank means all."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", AnyYesNoSelect)
        super().__init__(*args, **kwargs)


class OrderingFilter(django_filters.OrderingFilter):
    """django-filter's ordering, its descending choices in Chinese ("企业名称（降序）"): the
    package ships zh_CN only, which Django's zh-hans does not load, so it would read
    "(descending)"."""

    descending_fmt = "%s（降序）"


class StyledFilterSet(django_filters.FilterSet):
    """A FilterSet whose form the list pages render as it is: Bootstrap classes on every
    widget and a date picker for every date."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "styled", False):
            for field in form.fields.values():
                widget = field.widget
                if isinstance(field, forms.DateField):
                    widget.input_type = "date"
                if isinstance(widget, forms.CheckboxInput):
                    css = "form-check-input"
                elif isinstance(widget, forms.Select):
                    css = "form-select form-select-sm"
                else:
                    css = "form-control form-control-sm"
                widget.attrs.setdefault("class", css)
            form.styled = True
        return form


def township_choices(request):
    """The townships of the user's area, by code: the choices of every list's township filter."""
    user = getattr(request, "user", None)
    if user is None:
        return Region.objects.none()
    return Region.objects.visible_to(user).townships().order_by("code")


class TownshipFilter(django_filters.ModelChoiceFilter):
    """A list's 乡镇 filter: one of the townships of the user's area, named by its code."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", township_choices)
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("label", "乡镇")
        kwargs.setdefault("empty_label", EMPTY_CHOICE)
        super().__init__(*args, **kwargs)
