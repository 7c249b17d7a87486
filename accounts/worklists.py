"""待办 and 已办: the registries of work lists and of things done, which each app fills from its
AppConfig.ready() (rectification: cases and steps; inspections: tips and spot checks;
reporting: submissions, the dashboard's figures, accountability), so the home page and
/api/todo/, /api/done/ show a user their work without this app importing any of them.

A work list is `provider(user, today, limit)` returning a `Listing`: how many items wait in
all, the first `limit` of them most urgent first (overdue, then due soonest) and the link to
the full filtered list. A provider runs a fixed number of queries whatever the data size
(a count and a slice, usually); tests/test_todo.py asserts the page's and the API's totals.

A done source is `source(user, since, limit)` returning `DoneItem`s the user did since then.
"""

import datetime
from dataclasses import dataclass, field

ITEMS_SHOWN = 5  # items per list on the home page; the link opens the whole list
DONE_DAYS = 30
DONE_SHOWN = 100


@dataclass
class WorkItem:
    """One thing waiting: what, why, until when, and the page where it is done (one tap)."""

    title: str
    url: str
    detail: str = ""
    due: datetime.date | None = None
    value: str = ""  # a headline figure (the leader's home) instead of a due date
    badge: str = ""
    badge_css: str = "secondary"
    # A POST the item offers on the home page itself (催办): (url, button label, {field: value}).
    action: tuple | None = None
    today: datetime.date | None = None

    @property
    def overdue(self):
        return self.due is not None and self.today is not None and self.due < self.today

    @property
    def days_left(self):
        if self.due is None or self.today is None:
            return None
        return (self.due - self.today).days

    @property
    def due_label(self):
        days = self.days_left
        if days is None:
            return ""
        if days < 0:
            return f"逾期 {-days} 天"
        if days == 0:
            return "今天到期"
        return f"{days} 天后到期"

    def as_data(self):
        data = {
            "title": self.title,
            "detail": self.detail,
            "url": self.url,
            "due": self.due.isoformat() if self.due else None,
            "overdue": self.overdue,
            "due_label": self.due_label,
            "value": self.value,
            "badge": self.badge,
        }
        if self.action:
            url, label, fields = self.action
            data["action"] = {"url": url, "label": label, "fields": fields}
        return data


@dataclass
class Listing:
    count: int
    items: list = field(default_factory=list)
    url: str = ""  # the full filtered list page
    api_url: str = ""  # the same list in the API, where there is one


@dataclass(frozen=True)
class WorkList:
    key: str
    label: str
    roles: frozenset
    provider: object
    order: int = 100
    # Figures (the leader's headline numbers) are shown as a panel, not as a to-do count.
    figures: bool = False
    # Shown even when nothing waits ("暂无"): the lists a role checks every day.
    always: bool = True


@dataclass
class Shown:
    """A work list as one user sees it today."""

    worklist: WorkList
    listing: Listing

    @property
    def key(self):
        return self.worklist.key

    @property
    def label(self):
        return self.worklist.label

    @property
    def count(self):
        return self.listing.count

    @property
    def items(self):
        return self.listing.items

    @property
    def url(self):
        return self.listing.url

    @property
    def overdue(self):
        return any(item.overdue for item in self.listing.items)

    @property
    def urgency(self):
        """Lists with overdue items first, then by the soonest due item, then by order."""
        dues = [item.due for item in self.listing.items if item.due is not None]
        soonest = min(dues) if dues else datetime.date.max
        return (not self.overdue, self.count == 0, soonest, self.worklist.order)

    def as_data(self):
        return {
            "key": self.key,
            "label": self.label,
            "count": self.count,
            "overdue": self.overdue,
            "figures": self.worklist.figures,
            "url": self.url,
            "api_url": self.listing.api_url,
            "items": [item.as_data() for item in self.items],
        }


@dataclass
class DoneItem:
    at: datetime.datetime
    kind: str  # 案件办理, 举报办理, 检查, 报表报送 …
    title: str
    detail: str = ""
    url: str = ""

    def as_data(self):
        return {
            "at": self.at.isoformat(),
            "kind": self.kind,
            "title": self.title,
            "detail": self.detail,
            "url": self.url,
        }


_worklists = {}
_done_sources = {}


def register(key, label, roles, provider, order=100, figures=False):
    """Add (or replace) the work list `key` for users of these roles."""
    _worklists[key] = WorkList(key, label, frozenset(roles), provider, order, figures)


def unregister(key):
    _worklists.pop(key, None)


def register_done(key, source):
    _done_sources[key] = source


def worklists_for(user):
    """The lists of this user's role, in registration order. Administrators keep the system
    running and have no work of their own in the campaign: none."""
    if not user.is_authenticated or user.organisation_id is None:
        return []
    return sorted((w for w in _worklists.values() if user.role in w.roles), key=lambda w: w.order)


def todo_for(user, today, limit=ITEMS_SHOWN):
    """[Shown] for the user: the figures first, then the lists most urgent first."""
    shown = [
        Shown(worklist, worklist.provider(user, today, limit)) for worklist in worklists_for(user)
    ]
    for entry in shown:
        for item in entry.items:
            item.today = today
    figures = [entry for entry in shown if entry.worklist.figures]
    lists = sorted(
        (entry for entry in shown if not entry.worklist.figures), key=lambda e: e.urgency
    )
    return figures + lists


def one_list_for(user, key, today, limit):
    """One of the user's lists with up to `limit` items, or None if it is not one of theirs."""
    for worklist in worklists_for(user):
        if worklist.key == key:
            entry = Shown(worklist, worklist.provider(user, today, limit))
            for item in entry.items:
                item.today = today
            return entry
    return None


def done_for(user, now, days=DONE_DAYS, limit=DONE_SHOWN):
    """What the user did in the last `days` days, newest first (at most `limit`)."""
    if not user.is_authenticated:
        return []
    since = now - datetime.timedelta(days=days)
    items = [item for source in _done_sources.values() for item in source(user, since, limit)]
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]
