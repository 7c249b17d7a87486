"""The ledger search's GIN index of 2-character tokens on PostgreSQL (enterprises.search);
nothing on SQLite, which searches by LIKE."""

from django.db import migrations

from enterprises.search import BIGRAMS_FUNCTION, CREATE_FUNCTION

CREATE_INDEX = (
    "CREATE INDEX IF NOT EXISTS enterprise_search_bigrams ON enterprises_enterprise "
    f"USING gin ({BIGRAMS_FUNCTION}(region_path, name, credit_code, address, village_group))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_FUNCTION)
        schema_editor.execute(CREATE_INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS enterprise_search_bigrams")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {BIGRAMS_FUNCTION}(text, text, text, text, text)")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0008_enterprise_area_points_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
