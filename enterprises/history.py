"""An enterprise's change history as people read it: who, when, and each field old → new."""

from accounts.models import Region

from .models import PermitDepartment

TYPE_LABELS = {"+": "录入", "~": "修改", "-": "删除"}
HIDDEN_FIELDS = {"created_at", "created_by"}


def _permits_text(permits):
    if not permits:
        return "未登记"
    parts = []
    for code, held in permits.items():
        try:
            label = PermitDepartment(code).label
        except ValueError:
            label = code
        parts.append(f"{label}{'有' if held else '无'}")
    return "、".join(parts)


def _display(field, value, regions):
    if value is None or value == "":
        return "（空）"
    if field.name == "permits":
        return _permits_text(value)
    if field.is_relation:
        region = regions.get(value)
        return region.name if region else str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def history_entries(enterprise):
    """Newest first: [{"when", "who", "action", "reason", "changes": [(label, old, new)]}].

    Two queries whatever the length: the history rows (with their users) and the regions
    they mention.
    """
    records = list(enterprise.history.select_related("history_user").order_by("history_date"))
    region_ids = {
        value
        for record in records
        for value in (record.township_id, record.village_id)
        if value is not None
    }
    regions = Region.objects.in_bulk(region_ids) if region_ids else {}
    model_fields = {
        field.name: field
        for field in type(enterprise)._meta.fields
        if field.name not in HIDDEN_FIELDS
    }
    tracked_names = {field.name for field in enterprise.history.model.tracked_fields}
    tracked = [name for name in model_fields if name in tracked_names]
    entries = []
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            # Compared by hand: simple_history's diff_against skips non-editable fields,
            # and 有无手续 (derived, not editable) is exactly what a reader wants to see change.
            for name in tracked:
                field = model_fields[name]
                old = getattr(previous, field.attname)
                new = getattr(record, field.attname)
                if old != new:
                    changes.append(
                        (
                            str(field.verbose_name),
                            _display(field, old, regions),
                            _display(field, new, regions),
                        )
                    )
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user.display_name if record.history_user else "系统",
                "action": TYPE_LABELS.get(record.history_type, record.history_type),
                "reason": record.history_change_reason or "",
                "changes": changes,
            }
        )
        previous = record
    entries.reverse()
    return entries
