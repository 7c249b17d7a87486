"""Who has submitted: per period, the places one level down and each table they owe upward.

Two queries whatever the number of places: the places, and their submissions for the period.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import Region

from ..models import Submission
from ..tables import tables_submitted_at


@dataclass
class StatusCell:
    table: object
    deadline: object
    latest: Submission | None = None
    first_submitted_on: object = None
    versions: int = 0
    today: object = None

    @property
    def is_late(self):
        """Late: the first version came after the deadline, or nothing came and the deadline passed."""
        if self.first_submitted_on is not None:
            return self.first_submitted_on > self.deadline
        return self.today > self.deadline

    @property
    def label(self):
        if self.latest is None:
            return "逾期未报" if self.is_late else "未报送"
        text = self.latest.get_state_display()
        return f"{text}（逾期）" if self.is_late else text

    @property
    def css(self):
        if self.latest is None:
            return "danger" if self.is_late else "secondary"
        return {
            Submission.State.ACCEPTED: "success",
            Submission.State.SUBMITTED: "primary",
            Submission.State.RETURNED: "warning",
        }[self.latest.state]


@dataclass
class StatusRow:
    region: Region
    cells: list = field(default_factory=list)


@dataclass
class StatusBoard:
    period: object
    level: int
    tables: list
    rows: list

    @property
    def expected(self):
        return sum(len(row.cells) for row in self.rows)

    @property
    def submitted(self):
        return sum(1 for row in self.rows for cell in row.cells if cell.latest is not None)

    @property
    def late(self):
        return sum(1 for row in self.rows for cell in row.cells if cell.is_late)


def lower_level(region):
    return {Region.Level.CITY: Region.Level.COUNTY, Region.Level.COUNTY: Region.Level.TOWNSHIP}.get(
        region.level
    )


def status_board(parent, period, today=None):
    """The board for the places directly under `parent` (a county's townships, a city's counties)."""
    today = today or timezone.localdate()
    level = lower_level(parent)
    if level is None:
        return None
    tables = tables_submitted_at(level)
    places = list(Region.objects.filter(parent=parent, level=level).order_by("code"))
    return board_for(places, tables, period, level, today)


def own_status(region, period, today=None):
    """The tables the place itself owes upward this period."""
    today = today or timezone.localdate()
    tables = tables_submitted_at(region.level)
    return board_for([region], tables, period, region.level, today)


def board_for(places, tables, period, level, today):
    submissions = Submission.objects.filter(
        region__in=places, period=period.start, table_key__in=[table.key for table in tables]
    ).order_by("version")
    found = {}
    for submission in submissions:
        entry = found.setdefault((submission.region_id, submission.table_key), {})
        entry.setdefault("first", timezone.localdate(submission.first_submitted_at))
        entry["latest"] = submission
        entry["versions"] = entry.get("versions", 0) + 1
    rows = []
    for place in places:
        row = StatusRow(place)
        for table in tables:
            entry = found.get((place.id, table.key), {})
            row.cells.append(
                StatusCell(
                    table=table,
                    deadline=table.deadline(period),
                    latest=entry.get("latest"),
                    first_submitted_on=entry.get("first"),
                    versions=entry.get("versions", 0),
                    today=today,
                )
            )
        rows.append(row)
    return StatusBoard(period=period, level=level, tables=tables, rows=rows)
