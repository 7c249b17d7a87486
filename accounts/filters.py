"""Filter pieces shared by every app's FilterSets: the one label of a filter's empty choice,
the styled filter form (its fixed-choice selects rendered once per choice list), the yes/no
filter and the townships a user may filter by."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html

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


def place_label(region):
    """How a place reads in a place filter and its options: with its county, as two townships
    of a city may share a name."""
    return f"{region.parent.name} {region.name}" if region.parent_id else region.name


class PlaceAutocomplete(forms.TextInput):
    """A place filter typed rather than picked: a province's 1,931 townships as <option>s were
    149 KB of HTML and ~200 ms of template time on every list page. The field shows the place's
    name; typing asks accounts:place_options for the matching places of the user's area, offered
    in a <datalist>, and choosing one puts its code (or id) into a hidden input of the filter's
    name (static/js/place_autocomplete.js), so the one FilterSet serves page and API alike. A
    page opened with the filter in its address shows the chosen place's name again."""

    def __init__(self, value_field="code", places=None, attrs=None):
        super().__init__(attrs)
        self.value_field = value_field
        self.places = places

    def label_of(self, value):
        """The name shown for a sent value: the place's, when it is one of the user's places,
        else the value itself (so a bad value is shown back beside its error)."""
        if value in (None, "") or self.places is None:
            return value or ""
        try:
            region = (
                self.places.filter(**{self.value_field: value}).select_related("parent").first()
            )
        except (ValueError, TypeError, ValidationError):
            region = None
        return place_label(region) if region is not None else value

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        input_id = attrs.get("id") or f"id_{name}"
        list_id = f"{input_id}_options"
        attrs.update(
            {
                "id": input_id,
                "list": list_id,
                "autocomplete": "off",
                "placeholder": "输入名称",
                "data-place-options": reverse("accounts:place_options"),
                "data-place-field": name,
                "data-place-value": self.value_field,
                "data-place-target": f"{input_id}_value",
            }
        )
        value = self.format_value(value)
        # The shown field has no name: only the hidden code (or id) is sent. htmx attributes
        # (the ledger reloads its villages on a township's change) go on the hidden input,
        # whose value they send; the script fires its change.
        htmx = {key: item for key, item in attrs.items() if key.startswith("hx-")}
        shown = {key: item for key, item in attrs.items() if key not in htmx}
        return format_html(
            '<input{}><input type="hidden" name="{}" id="{}_value" value="{}"{}>'
            '<datalist id="{}"></datalist>',
            flatatt({**shown, "type": "text", "value": self.label_of(value)}),
            name,
            input_id,
            value or "",
            flatatt(htmx),
            list_id,
        )


# Rendered HTML of fixed-choice selects, keyed by everything the HTML depends on (widget class,
# name, the chosen value, attributes and the choices themselves). Bounded: a key is made only for
# a value among the choices, so the entries are at most fields × choices.
_RENDERED_SELECTS = {}
RENDERED_SELECTS_LIMIT = 4096


def render_once(widget):
    """Make a select of fixed choices (labels from the code, never from the user's data or area)
    reuse its HTML: rendering the options of the ledger's and the case list's selects through the
    template engine cost ~3 ms per page, the same HTML every time."""
    choices = tuple((str(value), str(label)) for value, label in widget.choices)
    known = {value for value, _label in choices}
    render = widget.render

    def render_cached(name, value, attrs=None, renderer=None):
        formatted = widget.format_value(value)
        # A Select formats to a list of strings, NullBooleanSelect to one string.
        formatted = [formatted] if isinstance(formatted, str) else formatted or []
        values = tuple(str(item) for item in formatted)
        if not known.issuperset(values):
            return render(name, value, attrs, renderer)
        key = (
            # By name: django-filter makes a new CSV widget class for every OrderingFilter.
            type(widget).__module__,
            type(widget).__qualname__,
            type(renderer),
            name,
            values,
            tuple(sorted((key, str(item)) for key, item in (attrs or {}).items())),
            tuple(sorted((key, str(item)) for key, item in widget.attrs.items())),
            choices,
        )
        html = _RENDERED_SELECTS.get(key)
        if html is None:
            html = render(name, value, attrs, renderer)
            if len(_RENDERED_SELECTS) >= RENDERED_SELECTS_LIMIT:
                _RENDERED_SELECTS.clear()
            _RENDERED_SELECTS[key] = html
        return html

    widget.render = render_cached


def has_fixed_choices(field):
    """A select whose choices are written in the code (ChoiceFilter, yes/no, ordering), not a
    model's rows (which depend on the user's area)."""
    widget = field.widget
    return (
        isinstance(widget, forms.Select)
        and not isinstance(widget, forms.SelectMultiple)
        and not isinstance(field, forms.ModelChoiceField)
        and not isinstance(widget.choices, ModelChoiceIterator)
    )


def offers_many_places(request):
    """Whether the user's area holds too many townships for a select (a city or above)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    region = user.region
    return region is None or region.level < Region.Level.COUNTY


class StyledFilterSet(django_filters.FilterSet):
    """A FilterSet whose form the list pages render as it is: Bootstrap classes on every
    widget, a date picker for every date, and place filters typed (PlaceAutocomplete) for a
    user whose area holds too many places for a select."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "styled", False):
            many_places = offers_many_places(self.request)
            for field in form.fields.values():
                if (
                    many_places
                    and isinstance(field, forms.ModelChoiceField)
                    and field.queryset.model is Region
                ):
                    field.widget = PlaceAutocomplete(field.to_field_name or "pk", field.queryset)
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
                if has_fixed_choices(field):
                    render_once(widget)
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
