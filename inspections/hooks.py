"""What this app contributes to pages of apps to its left, through their registries."""

from django.urls import reverse

from .models import Inspection
from .services.common import INSPECTOR_ROLES, SUPERVISOR_ROLES, can


def enterprise_detail_links(enterprise, user):
    """(label, url) pairs for the enterprise detail page (enterprises.ledger.detail_links)."""
    count = Inspection.objects.visible_to(user).filter(enterprise=enterprise).count()
    links = [
        (
            f"检查记录（{count}）",
            f"{reverse('inspections:inspection_list')}?enterprise={enterprise.pk}",
        )
    ]
    if can(user, INSPECTOR_ROLES) and not user.is_read_only:
        links.append(
            ("录入检查", f"{reverse('inspections:inspection_create')}?enterprise={enterprise.pk}")
        )
    if can(user, SUPERVISOR_ROLES):
        links.append(
            (
                "移交乡镇（督查跟踪）",
                f"{reverse('inspections:transfer_create')}?enterprise={enterprise.pk}",
            )
        )
    return links
