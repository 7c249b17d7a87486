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


def _formatter(field):
    """The function turning one value of `field` into COPY's text format, chosen once per field
    (a million rows would otherwise repeat the type tests for every value)."""
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda value: _escape(json.dumps(value, ensure_ascii=False, cls=encoder))
    if isinstance(field, models.ForeignKey):
        return _formatter(field.target_field)
    if isinstance(field, models.IntegerField):
        return lambda value: r"\N" if value is None else str(value)
    if isinstance(field, (models.CharField, models.TextField)):
        return lambda value: r"\N" if value is None else _escape(str(value))
    if isinstance(field, models.DateTimeField):
        # The same timestamp (a batch's "now") usually repeats on every row: format it once.
        last = [None, None]

        def timestamp(value):
            if value is None:
                return r"\N"
            if value is not last[0]:
                aware = timezone.make_aware(value) if timezone.is_naive(value) else value
                last[0], last[1] = value, aware.isoformat()
            return last[1]

        return timestamp
    return _text


def _text(value):
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return _escape(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.isoformat()
    if isinstance(value, FieldFile):
        return _escape(value.name or "")
    if isinstance(value, (datetime.date, datetime.time, decimal.Decimal, int, float, uuid.UUID)):
        return str(value)
    return _escape(str(value))


def _escape(text):
    # Most values have nothing to escape, and four replace() calls on CJK text are not free.
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


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
    pk = model._meta.pk.attname
    # pre_save fills auto_now/auto_now_add the way an INSERT through the ORM would.
    rows = [
        {
            field.attname: field.pre_save(obj, True)
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            else getattr(obj, field.attname)
            for field in model._meta.concrete_fields
        }
        for obj in objects
    ]
    insert_rows(model, rows, batch_size=batch_size, using=database)
    for obj, row in zip(objects, rows, strict=True):
        setattr(obj, pk, row[pk])
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


def insert_rows(model, rows, *, batch_size=COPY_BATCH, using=None, with_ids=True):
    """Insert plain dicts of attname → value as rows of `model`, without building model
    instances (for a province's millions of generated rows); a missing field takes its default,
    auto_now/auto_now_add fields the current time. Sets each dict's primary key (unless
    `with_ids` is False: the table's sequence then numbers the rows and nobody waits for the
    numbers) and returns the dicts. Elsewhere than PostgreSQL it goes through bulk_create."""
    rows = list(rows)
    if not rows:
        return rows
    database = using or router.db_for_write(model)
    connection = connections[database]
    pk = model._meta.pk.attname
    if connection.vendor != "postgresql":
        objects = model._base_manager.using(database).bulk_create(
            [model(**row) for row in rows], batch_size=1000
        )
        for row, obj in zip(rows, objects, strict=True):
            for field in model._meta.concrete_fields:
                row[field.attname] = getattr(obj, field.attname)
        return rows
    now = timezone.now()
    fields = list(model._meta.concrete_fields)
    if not with_ids:
        fields = [field for field in fields if field.attname != pk]
    columns = [connection.ops.quote_name(field.column) for field in fields]
    defaults = []  # (attname, fixed value, field whose default is called per row)
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            is_date = not isinstance(field, models.DateTimeField)
            defaults.append((field.attname, now.date() if is_date else now, None))
        elif field.has_default() and callable(field.default):
            defaults.append((field.attname, None, field))
        else:
            defaults.append((field.attname, field.get_default(), None))
    writers = [(field.attname, _formatter(field)) for field in fields]
    for row in rows:
        # Filled in place, so a history copy of the row sees the values that were written.
        for attname, fixed, per_row in defaults:
            if attname not in row:
                row[attname] = per_row.get_default() if per_row is not None else fixed
    missing = [row for row in rows if row.get(pk) is None] if with_ids else []
    with connection.cursor() as cursor:
        if missing:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, len(missing)],
            )
            for row, (number,) in zip(missing, cursor.fetchall(), strict=True):
                row[pk] = number
        table = connection.ops.quote_name(model._meta.db_table)
        for start in range(0, len(rows), batch_size):
            lines = [
                "\t".join([write(row[attname]) for attname, write in writers])
                for row in rows[start : start + batch_size]
            ]
            _copy(connection, cursor, table, columns, "\n".join(lines) + "\n")
    return rows


def insert_rows_with_history(model, rows, *, user_id=None, change_reason="", using=None):
    """insert_rows, then one "+" history row per row (django-simple-history's model)."""
    rows = insert_rows(model, rows, using=using)
    history = model.history.model
    tracked = [field.attname for field in history.tracked_fields]
    when = timezone.now()
    insert_rows(
        history,
        [
            {
                **{attname: row[attname] for attname in tracked},
                "history_date": when,
                "history_user_id": user_id,
                "history_change_reason": change_reason,
                "history_type": "+",
            }
            for row in rows
        ],
        using=using,
    )
    return rows
