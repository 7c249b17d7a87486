"""The ledger (seed 004 附件1) as rows, and the hooks through which later apps fill it.

The enterprises app cannot import the rectification or inspections apps (they sit to its
right), yet three 附件1 columns (整治要求, 整治期限, 完成情况(完成日期)) belong to the
remediation case, and the detail page links to cases and inspections. Those apps register
here in their AppConfig.ready():

    register_case_columns(provider)   # provider.prepare(queryset), provider.values(enterprise)
    register_detail_links(func)       # func(enterprise, user) -> [(label, url), ...]
    register_long_export(func)        # func(row_count, query) -> URL of a background export
    register_import_campaigns(p)      # the campaigns an import may open its cases in

`ledger_rows(queryset)` yields the 14 附件1 values per enterprise in `LEDGER_COLUMNS` order;
the browser list, the .xlsx export, the API and the reporting app's frozen submissions all
take their rows from here, so the columns read the same everywhere.
"""

from collections.abc import Callable, Iterable, Iterator

# The 14 header strings of 附件1 (惠济区小散乱污企业排查台账), in order.
LEDGER_COLUMNS = [
    "序号",
    "所在村组",
    "企业名称",
    "企业类型",
    "企业规模(人员等)",
    "原辅材料",
    "涉水涉气",
    "有无手续",
    "整治要求",
    "上报时间",
    "整治期限",
    "分包责任人",
    "完成情况(完成日期)",
    "备注",
]

# The notes printed under 附件1 in seed 004.
LEDGER_NOTES = [
    "注：1. 此表各镇、办事处环保部门填报，自2月起每月23日前上报。",
    "2. 类型分为：小散乱污、八小。",
    "3. 整治要求包括补办手续、整改完善、限期拆除。",
    "4. 完成情况为报送时企业情况，根据整治要求包括补办手续、正在整治、正在拆除、拆除到位等，"
    "已完成的应注明完成日期。",
]

EMPTY_CASE_VALUES = {"requirement": "", "deadline": None, "completion": ""}

# Rows fetched per round trip when a whole ledger is streamed (export, snapshot).
ITERATOR_CHUNK_SIZE = 2000


class EmptyCaseColumns:
    """Until the rectification app registers its provider, the three case columns stay empty."""

    def prepare(self, queryset):
        return queryset

    def values(self, enterprise):
        return dict(EMPTY_CASE_VALUES)


_case_columns_provider = None
_detail_link_functions: list[Callable] = []
_import_listeners: list[Callable] = []
_bulk_change_listeners: list[Callable] = []
_long_export_route: Callable | None = None
_import_campaigns = None


def register_case_columns(provider):
    """Register the provider of 整治要求 / 整治期限 / 完成情况 (the rectification app's)."""
    global _case_columns_provider
    _case_columns_provider = provider


def case_columns_provider():
    return _case_columns_provider or EmptyCaseColumns()


def case_values(provider, enterprise, as_of=None):
    """The provider's values with every key present, whatever the provider leaves out; with
    `as_of`, as the case stood at the end of that day (a past period's 附件1)."""
    values = dict(EMPTY_CASE_VALUES)
    given = provider.values(enterprise, as_of=as_of) if as_of else provider.values(enterprise)
    values.update(given or {})
    return values


def read_case_columns(texts):
    """One imported row's 整治要求 / 整治期限 / 完成情况: (values, warnings), where warnings are
    (column key, Chinese message) for a value the provider cannot map. Without a provider
    reading them (provider.read_import), the texts are kept as typed."""
    reader = getattr(case_columns_provider(), "read_import", None)
    if reader is None:
        return dict(texts), []
    return reader(texts)


class NoImportCampaigns:
    """Until rectification registers its campaigns, an import opens no case in any."""

    def choices(self, user, township=None):
        return []

    def default(self, user, township):
        return None

    def check(self, campaign_id, user, township):
        return None


def register_import_campaigns(provider):
    """Register the campaigns an Excel import may open its cases in: provider.choices(user,
    township=None) -> [(pk, label)], provider.default(user, township) -> pk or None, and
    provider.check(pk, user, township), which raises Refused for one outside the area."""
    global _import_campaigns
    _import_campaigns = provider


def import_campaigns():
    return _import_campaigns or NoImportCampaigns()


def register_detail_links(func):
    """Register func(enterprise, user) -> [(label, url)] shown on the enterprise detail page."""
    if func not in _detail_link_functions:
        _detail_link_functions.append(func)


def detail_links(enterprise, user):
    links = []
    for func in _detail_link_functions:
        links.extend(func(enterprise, user) or [])
    return links


def register_import_listener(func):
    """Register func(enterprise, case_columns: dict, by) called, inside the import transaction,
    for each enterprise created from an Excel ledger whose row also carried 整治要求 / 整治期限 /
    完成情况 — so the rectification app can open the case the old ledger describes.

    case_columns holds the row's texts and what read_case_columns made of them, the row's
    上报时间 (found_on) and 分包责任人, and the import's "file_name", "row", "campaign" (pk or
    None) and "establish" (按台账建档, chosen by a county office)."""
    if func not in _import_listeners:
        _import_listeners.append(func)


def register_bulk_change_listener(func):
    """Register func(place) called when rows of a place's ledger changed in bulk, which sends
    no post_save: the Excel import (a township) and a 风险画像 recompute (each county whose
    scores changed, enterprises.risk). The dashboards' cache listens (place.path)."""
    if func not in _bulk_change_listeners:
        _bulk_change_listeners.append(func)


def register_long_export(func):
    """Register func(row_count, query) -> the URL where a filtered ledger of that many rows is
    exported in the background (reporting's export jobs), or None when it is short enough to
    write inside the request. Without one, every export is written at once."""
    global _long_export_route
    _long_export_route = func


def long_export_route(row_count, query):
    return _long_export_route(row_count, query) if _long_export_route else None


def notify_bulk_change(township):
    for func in _bulk_change_listeners:
        func(township)


def notify_imported(enterprise, columns, by):
    for func in _import_listeners:
        func(enterprise, columns, by)


def prepare_ledger_queryset(queryset, provider=None):
    """Everything one ledger page needs, in a fixed number of queries whatever its length."""
    provider = provider or case_columns_provider()
    return provider.prepare(queryset.select_related("township", "village"))


def village_group_display(enterprise):
    """所在村组: the free-text 村组 as written, prefixed by the village when it does not name it."""
    group = enterprise.village_group.strip()
    village = enterprise.village.name if enterprise.village_id else ""
    if not village:
        return group
    if not group:
        return village
    return group if group.startswith(village) else f"{village}{group}"


def scale_display(enterprise):
    if enterprise.scale:
        return enterprise.scale
    return f"{enterprise.employee_count}人" if enterprise.employee_count is not None else ""


def permit_display(enterprise):
    """有无手续, naming the missing departments when only some are held: "不全（缺环保、规划）"."""
    label = enterprise.get_permit_status_display()
    if enterprise.permit_status == "partial" and enterprise.missing_permits:
        return f"{label}（缺{'、'.join(enterprise.missing_permits)}）"
    return label


def ledger_values(enterprise, number, provider, as_of=None):
    """The 14 附件1 values of one enterprise (number is its 序号)."""
    case = case_values(provider, enterprise, as_of)
    return [
        number,
        village_group_display(enterprise),
        enterprise.name,
        enterprise.get_enterprise_type_display(),
        scale_display(enterprise),
        enterprise.raw_materials,
        enterprise.water_air_display,
        permit_display(enterprise),
        case["requirement"] or "",
        enterprise.reported_on,
        case["deadline"],
        enterprise.responsible_person,
        case["completion"] or "",
        enterprise.remarks,
    ]


def ledger_rows(queryset, *, start=1, chunk_size=ITERATOR_CHUNK_SIZE, as_of=None) -> Iterator[list]:
    """Yield the 14 附件1 values per enterprise, in LEDGER_COLUMNS order.

    Dates (上报时间, 整治期限) are datetime.date or None; everything else is int or str.
    The queryset is streamed in chunks, so a county's whole ledger never sits in memory.
    With `as_of` (a past period's end) the case columns read as they stood on that day.
    """
    provider = case_columns_provider()
    rows = prepare_ledger_queryset(queryset, provider).iterator(chunk_size=chunk_size)
    for number, enterprise in enumerate(rows, start=start):
        yield ledger_values(enterprise, number, provider, as_of)


def ledger_page_rows(enterprises: Iterable, *, start=1, provider=None):
    """(enterprise, values) pairs for an already prepared page of enterprises (the list page)."""
    provider = provider or case_columns_provider()
    return [
        (enterprise, ledger_values(enterprise, number, provider))
        for number, enterprise in enumerate(enterprises, start=start)
    ]
