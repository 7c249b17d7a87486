"""A finer histogram of region_path on PostgreSQL, so the planner sees how many rows one county
holds. With the default 100 buckets a county (~0.6 % of a province's rows) falls inside one
bucket, its rows were guessed 60 times too few, and a ledger page filtered by 有无手续 sorted
the county instead of reading 50 rows along the ordered index (20 ms → 0.8 ms)."""

from django.db import migrations

from accounts.migration_operations import set_statistics


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0005_region_path_c_collation")]

    operations = [set_statistics("enterprises_enterprise", "region_path", 1000)]
