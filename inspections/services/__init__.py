"""State changes of field work, one function per transition; views and the API call these.

Split by subject: inspections and teams, spot-check rounds, supervision transfers, tips.
Every refusal raises `Refused` (or Django's PermissionDenied/Http404) with a Chinese
message and changes nothing.
"""

from accounts.refusals import Refused

from .inspections import create_team, record_inspection
from .spot_checks import plan_spot_check_round, redraw_spot_check_sample
from .supervision import complete_transfer, transfer_problem
from .tips import assign_tip, file_tip, mark_tip_verified, publish_tip_outcome

__all__ = [
    "Refused",
    "assign_tip",
    "complete_transfer",
    "create_team",
    "file_tip",
    "mark_tip_verified",
    "plan_spot_check_round",
    "publish_tip_outcome",
    "record_inspection",
    "redraw_spot_check_sample",
    "transfer_problem",
]
