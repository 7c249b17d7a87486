"""Models of field work, split by subject: inspections and teams, spot-check rounds,
the supervision tracking ledger (附件2) and public tips (举报)."""

from .inspection import (
    INSPECTION_LIST_ORDER,
    MAX_INSPECTION_PHOTOS,
    Inspection,
    InspectionPhoto,
    InspectionResult,
    InspectionType,
    Team,
    TeamMember,
)
from .spot_check import SpotCheckDraw, SpotCheckRound, SpotCheckTarget
from .supervision import Requirement, SupervisionTransfer, TransferStatus
from .tip import MAX_TIP_PHOTOS, TIP_LIST_ORDER, Tip, TipChannel, TipEvent, TipPhoto, TipState

__all__ = [
    "INSPECTION_LIST_ORDER",
    "MAX_INSPECTION_PHOTOS",
    "MAX_TIP_PHOTOS",
    "TIP_LIST_ORDER",
    "Inspection",
    "InspectionPhoto",
    "InspectionResult",
    "InspectionType",
    "Requirement",
    "SpotCheckDraw",
    "SpotCheckRound",
    "SpotCheckTarget",
    "SupervisionTransfer",
    "Team",
    "TeamMember",
    "Tip",
    "TipChannel",
    "TipEvent",
    "TipPhoto",
    "TipState",
    "TransferStatus",
]
