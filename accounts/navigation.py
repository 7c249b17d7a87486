"""Navigation entries by role. Each app registers its own entries in its AppConfig.ready(),
so the base template shows a user exactly the pages their role works with."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset | None = None  # None: every signed-in user
    order: int = 100


_items: list[NavItem] = []


def register(label, url_name, roles=None, order=100):
    item = NavItem(label, url_name, frozenset(roles) if roles else None, order)
    if item not in _items:
        _items.append(item)


def items_for(user):
    visible = []
    for item in sorted(_items, key=lambda i: i.order):
        if item.roles is not None and not user.has_role(*item.roles):
            continue
        try:
            visible.append({"label": item.label, "url": reverse(item.url_name)})
        except NoReverseMatch:
            continue
    return visible
