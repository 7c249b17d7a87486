"""The enterprises app's models by subject: the ledger row (enterprise), uploaded files waiting
for confirmation (batches), the stored 风险画像 (risk) and 用电户号 (electricity)."""

from .batches import ImportBatch, UploadBatch
from .electricity import ElectricityAccount
from .enterprise import (
    FULL_RISK_SCORE,
    REQUIRED_PERMITS,
    RISK_BADGE_CLASSES,
    Enterprise,
    EnterpriseQuerySet,
    EnterpriseType,
    Industry,
    PermitDepartment,
    PermitStatus,
    RiskBand,
    Sector,
    Source,
    derive_permit_status,
)
from .risk import RiskDeduction, RiskSettings, RiskWeight

__all__ = [
    "FULL_RISK_SCORE",
    "REQUIRED_PERMITS",
    "RISK_BADGE_CLASSES",
    "ElectricityAccount",
    "Enterprise",
    "EnterpriseQuerySet",
    "EnterpriseType",
    "ImportBatch",
    "Industry",
    "PermitDepartment",
    "PermitStatus",
    "RiskBand",
    "RiskDeduction",
    "RiskSettings",
    "RiskWeight",
    "Sector",
    "Source",
    "UploadBatch",
    "derive_permit_status",
]
