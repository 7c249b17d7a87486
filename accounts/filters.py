"""Filter pieces shared by every app's FilterSets."""

import django_filters
from django.forms import NullBooleanSelect


class AnyYesNoSelect(NullBooleanSelect):
    """A yes/no filter whose empty choice reads 全部 (all), not Django's 未知 (unknown)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("unknown", "全部"), ("true", "是"), ("false", "否"))


class YesNoFilter(django_filters.BooleanFilter):
    """BooleanFilter for list pages and the API alike: ?x=true / ?x=false, blank means all."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", AnyYesNoSelect)
        super().__init__(*args, **kwargs)
