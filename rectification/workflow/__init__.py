"""The case workflow (一企一策 → 销号 → 回头看): the transitions table, the shared preamble,
one service function per transition, the steps and their evidence, and the dispatcher the page
and the API share. Callers outside the package use the names exported here.
"""

from .cases import (
    close_case,
    county_code,
    determine_case,
    extend_deadline,
    fail_verification,
    flag_quasi,
    next_case_number,
    propose_case,
    record_shortfall,
    reopen_for_relapse,
    start_remediation,
    submit_for_verification,
)
from .dispatch import run_transition
from .rules import (
    RELAPSE_DEADLINE_WORKING_DAYS,
    available_transitions,
    can_add_photos,
    can_confirm_step,
)
from .steps import (
    RELOCATION_STEPS,
    UPGRADE_MILESTONES,
    add_step_photos,
    build_steps,
    confirm_step,
    confirming_units,
    missing_evidence,
)
from .transitions import (
    CASE_TRANSITIONS,
    DETERMINERS,
    EXTENSION_APPROVERS,
    INSPECTORS,
    PROPOSERS,
    QUASI_FLAGGERS,
    TRANSITIONS,
    VERIFIERS,
    WORKERS,
    Transition,
)

__all__ = [
    "CASE_TRANSITIONS",
    "DETERMINERS",
    "EXTENSION_APPROVERS",
    "INSPECTORS",
    "PROPOSERS",
    "QUASI_FLAGGERS",
    "RELAPSE_DEADLINE_WORKING_DAYS",
    "RELOCATION_STEPS",
    "TRANSITIONS",
    "UPGRADE_MILESTONES",
    "VERIFIERS",
    "WORKERS",
    "Transition",
    "add_step_photos",
    "available_transitions",
    "build_steps",
    "can_add_photos",
    "can_confirm_step",
    "close_case",
    "confirm_step",
    "confirming_units",
    "county_code",
    "determine_case",
    "extend_deadline",
    "fail_verification",
    "flag_quasi",
    "missing_evidence",
    "next_case_number",
    "propose_case",
    "record_shortfall",
    "reopen_for_relapse",
    "run_transition",
    "start_remediation",
    "submit_for_verification",
]
