"""Migration operations for PostgreSQL-only tuning, no-ops on SQLite (the embedded default)."""

from django.db import migrations


def set_statistics(table, column, target):
    """Set the planner's statistics target of one column (back to the default when reversed)."""

    def apply(target_value):
        def run(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(
                    f"ALTER TABLE {table} ALTER COLUMN {column} SET STATISTICS {target_value}"
                )

        return run

    return migrations.RunPython(apply(target), apply(-1), elidable=False)
