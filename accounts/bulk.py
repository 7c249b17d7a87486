"""Fast inserts of generated rows (demo and benchmark data): PostgreSQL's COPY instead of
INSERT statements, with primary keys drawn from the table's sequence first so the caller's
objects carry their ids (later rows point at them). Elsewhere it is plain bulk_create.

No signals, no save(), no validation — exactly like bulk_create: for data loaders and for
rows already validated (the Excel import's commit).
A million ledger rows with their history go in minutes this way instead of most of an hour.
"""

import datetime
import decimal
import io
import json
import uuid

from django.db import connections, models, router
from django.db.models.fields.files import FieldFile
from django.utils import timezone

COPY_BATCH = 20_000


def _copy_text(value, field):
    """One value in COPY's text format."""
    if isinstance(field, models.JSONField):
        return _escape(json.dumps(value, ensure_ascii=False, cls=field.encoder))
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.isoformat()
    if isinstance(value, (datetime.date, datetime.time, decimal.Decimal, int, float, uuid.UUID)):
        return str(value)
    if isinstance(value, FieldFile):
        return _escape(value.name or "")
    return _escape(str(value))


def _escape(text):
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _assign_ids(cursor, model, objects):
    pk = model._meta.pk
    missing = [obj for obj in objects if getattr(obj, pk.attname) is None]
    if not missing:
        return
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [model._meta.db_table, pk.column, len(missing)],
    )
    for obj, (number,) in zip(missing, cursor.fetchall(), strict=True):
        setattr(obj, pk.attname, number)


def _copy(connection, cursor, table, columns, text):
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    raw = cursor.cursor
    # The driver's cursor is used directly, so its errors are wrapped here: a duplicate key
    # must surface as django.db.IntegrityError, as it would from bulk_create.
    with connection.wrap_database_errors:
        if hasattr(raw, "copy_expert"):  # psycopg2
            raw.copy_expert(sql, io.StringIO(text))
        else:  # psycopg 3
            with raw.copy(sql) as copy:
                copy.write(text)


def bulk_insert(model, objects, *, batch_size=COPY_BATCH, using=None):
    """Insert unsaved `objects` of `model` and set their primary keys; returns them."""
    objects = list(objects)
    if not objects:
        return objects
    database = using or router.db_for_write(model)
    connection = connections[database]
    if connection.vendor != "postgresql":
        return model._base_manager.using(database).bulk_create(objects, batch_size=1000)
    fields = list(model._meta.concrete_fields)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [connection.ops.quote_name(field.column) for field in fields]
    with connection.cursor() as cursor:
        _assign_ids(cursor, model, objects)
        for start in range(0, len(objects), batch_size):
            lines = []
            for obj in objects[start : start + batch_size]:
                # pre_save fills auto_now/auto_now_add the way an INSERT through the ORM would.
                lines.append(
                    "\t".join(_copy_text(field.pre_save(obj, True), field) for field in fields)
                )
            _copy(connection, cursor, table, columns, "\n".join(lines) + "\n")
    for obj in objects:
        obj._state.adding = False
        obj._state.db = database
    return objects


def bulk_insert_with_history(model, objects, *, default_user=None, change_reason="", using=None):
    """bulk_insert, then one "+" history row per object (django-simple-history's model),
    as simple_history's bulk_create_with_history writes them."""
    objects = bulk_insert(model, objects, using=using)
    history = model.history.model
    when = timezone.now()
    user_id = default_user.pk if default_user is not None else None
    rows = []
    for obj in objects:
        row = history(
            history_date=when,
            history_user_id=user_id,
            history_change_reason=change_reason,
            history_type="+",
            **{field.attname: getattr(obj, field.attname) for field in history.tracked_fields},
        )
        rows.append(row)
    bulk_insert(history, rows, using=using)
    return objects
