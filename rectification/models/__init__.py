"""Remediation cases (一企一策): campaigns with their closure-checklist variants, one case per
enterprise per campaign, its steps and evidence, deadline extensions, the timeline and 催办 records.

One module a subject; Django finds every model of the app through this package. Notices
and reminders are the notices app's models.
"""

from .campaigns import Campaign, CampaignPhase, CampaignQuerySet, ChecklistStep, ClosureChecklist
from .case import Case, CaseQuerySet, CaseSequence, case_as_of, completion_text
from .choices import OPEN_STATES, REQUIREMENT_DISPOSAL, CaseState, Disposal, Requirement
from .steps import CaseStep, EvidencePhoto
from .timeline import CaseEvent, DeadlineExtension
from .urging import Urging

__all__ = [
    "OPEN_STATES",
    "REQUIREMENT_DISPOSAL",
    "Campaign",
    "CampaignPhase",
    "CampaignQuerySet",
    "Case",
    "CaseEvent",
    "CaseQuerySet",
    "CaseSequence",
    "CaseState",
    "CaseStep",
    "ChecklistStep",
    "ClosureChecklist",
    "DeadlineExtension",
    "Disposal",
    "EvidencePhoto",
    "Requirement",
    "Urging",
    "case_as_of",
    "completion_text",
]
