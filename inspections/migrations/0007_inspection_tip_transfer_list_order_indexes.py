"""The list order indexes of inspections, tips and supervision transfers (附件2): region_path in
the "C" collation on PostgreSQL (as the ledger's, enterprises 0005, and the case list's,
rectification 0011), so one btree (region_path, …, id) both bounds an area's prefix
(LIKE 'path%') and gives the list's order. The varchar_pattern_ops indexes they replace bounded
the prefix but could not give an order in the column's collation, so an area's page 1 sorted
the whole area (or walked the date index across every county)."""

from django.db import migrations, models

TABLES = ("inspections_inspection", "inspections_tip", "inspections_supervisiontransfer")


def to_c_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(
                f'ALTER TABLE {table} ALTER COLUMN region_path TYPE varchar(200) COLLATE "C"'
            )


def to_default_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(
                f'ALTER TABLE {table} ALTER COLUMN region_path TYPE varchar(200) COLLATE "default"'
            )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0006_tip_client_key")]

    operations = [
        migrations.RemoveIndex(model_name="inspection", name="inspection_area_date"),
        migrations.RemoveIndex(model_name="tip", name="tip_area_received"),
        migrations.RemoveIndex(model_name="supervisiontransfer", name="transfer_area_date"),
        migrations.RunPython(to_c_collation, to_default_collation, elidable=False),
        migrations.AddIndex(
            model_name="inspection",
            index=models.Index(
                fields=["region_path", "-inspected_on", "-id"], name="inspection_list_order"
            ),
        ),
        migrations.AddIndex(
            model_name="tip",
            index=models.Index(
                fields=["region_path", "-received_at", "-id"], name="tip_list_order"
            ),
        ),
        migrations.AddIndex(
            model_name="supervisiontransfer",
            index=models.Index(
                fields=["region_path", "transferred_on", "id"], name="transfer_list_order"
            ),
        ),
    ]
