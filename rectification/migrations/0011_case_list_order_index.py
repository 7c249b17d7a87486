"""The case list's order index: region_path in the "C" collation on PostgreSQL (as the ledger's,
enterprises 0005), so one btree (region_path, id DESC) both bounds an area's prefix
(LIKE 'path%') and gives the list's order. Under "-id" alone PostgreSQL walked the whole
table's primary key backwards and threw away 903,911 other counties' cases for page 1."""

from django.db import migrations, models


def to_c_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE rectification_case ALTER COLUMN region_path TYPE varchar(200) COLLATE "C"'
        )


def to_default_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE rectification_case ALTER COLUMN region_path TYPE varchar(200) "
            'COLLATE "default"'
        )


class Migration(migrations.Migration):
    dependencies = [("rectification", "0010_step_redo_after_failed_verification")]

    operations = [
        migrations.RunPython(to_c_collation, to_default_collation, elidable=False),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["region_path", "-id"], name="case_list_order"),
        ),
    ]
