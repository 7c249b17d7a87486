"""The case's vocabulary: disposal (分类处置), 整治要求 of seed 004 and how they map, states."""

from django.db import models


class Disposal(models.TextChoices):
    # 分类处置 (seed 001)
    SHUTDOWN = "shutdown", "关停取缔"
    RELOCATION = "relocation", "集聚搬迁"
    UPGRADE = "upgrade", "升级改造"


class Requirement(models.TextChoices):
    # 整治要求 (seed 004 附件1)
    OBTAIN_PERMITS = "obtain_permits", "补办手续"
    IMPROVE = "improve", "整改完善"
    DEMOLISH = "demolish", "限期拆除"


# Seed 004's 整治要求 mapped onto seed 001's disposals (DESIGN §4).
REQUIREMENT_DISPOSAL = {
    Requirement.OBTAIN_PERMITS: Disposal.UPGRADE,
    Requirement.IMPROVE: Disposal.UPGRADE,
    Requirement.DEMOLISH: Disposal.SHUTDOWN,
}


class CaseState(models.TextChoices):
    FOUND = "found", "排查发现"
    DETERMINED = "determined", "已认定"
    IN_PROGRESS = "in_progress", "整治中"
    AWAITING_VERIFICATION = "awaiting_verification", "待验收"
    CLOSED = "closed", "已销号"


OPEN_STATES = (
    CaseState.FOUND,
    CaseState.DETERMINED,
    CaseState.IN_PROGRESS,
    CaseState.AWAITING_VERIFICATION,
)
