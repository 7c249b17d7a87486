"""Navigation entries by role. Each app registers its own entries in its AppConfig.ready(),
so the base template shows a user exactly the pages their role works with. Entries of one app
share a menu (a dropdown when there are several), so the bar stays one line on a laptop."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

# URL namespace → menu title; entries outside these namespaces stand on their own.
MENUS = {
    "enterprises": "台账",
    "rectification": "整治",
    "inspections": "检查与举报",
    # Power alerts are checked by a 回头看: they sit with the inspections, not on the bar.
    "metering": "检查与举报",
    "reporting": "报表",
}


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset | None = None  # None: every signed-in user
    order: int = 100

    @property
    def menu(self):
        return MENUS.get(self.url_name.split(":", 1)[0]) if ":" in self.url_name else None


_items: list[NavItem] = []


def register(label, url_name, roles=None, order=100):
    item = NavItem(label, url_name, frozenset(roles) if roles else None, order)
    if item not in _items:
        _items.append(item)


def items_for(user):
    """Entries the user may open, in order: {"label", "url"} or {"label", "children": [...]}."""
    entries = []
    menus = {}
    for item in sorted(_items, key=lambda i: i.order):
        if item.roles is not None and not user.has_role(*item.roles):
            continue
        try:
            link = {"label": item.label, "url": reverse(item.url_name)}
        except NoReverseMatch:
            continue
        if item.menu is None:
            entries.append(link)
            continue
        if item.menu not in menus:
            menus[item.menu] = {"label": item.menu, "children": []}
            entries.append(menus[item.menu])
        menus[item.menu]["children"].append(link)
    # A menu with a single entry is shown as that entry itself.
    return [
        entry["children"][0] if len(entry.get("children", ())) == 1 else entry for entry in entries
    ]
