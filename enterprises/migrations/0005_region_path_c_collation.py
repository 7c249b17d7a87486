"""The ledger's region_path in the "C" collation on PostgreSQL.

Paths hold only digits and "/", so C (byte) order is their natural order, and under it one
plain btree (region_path, id) both bounds an area's prefix (LIKE 'path%') and gives the
ledger's order, whatever the server's locale. Under another collation (en_US, even C.UTF-8)
PostgreSQL cannot bound LIKE with that index and walked the ledger from its first row: a
county's page 1 read 41,000 index entries at 1,000,000 enterprises.
"""

from django.db import migrations


def to_c_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE enterprises_enterprise ALTER COLUMN region_path TYPE varchar(200) COLLATE "C"'
        )


def to_default_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE enterprises_enterprise ALTER COLUMN region_path TYPE varchar(200) "
            'COLLATE "default"'
        )


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0004_area_figure_indexes")]

    operations = [migrations.RunPython(to_c_collation, to_default_collation, elidable=False)]
