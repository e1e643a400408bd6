"""Moving a federation: copying an SQLite database into an empty PostgreSQL one (``telecoop migrate --to``).

The copy is one PostgreSQL transaction: the schema made by the migrations,
every table copied in foreign-key order with its ids (the audit trail as it
is: the append-only trigger refuses only UPDATE and DELETE), the sequences
moved past the largest ids, then the caller's verification; anything that
fails rolls it all back, so the target is left empty. The source is read in
one SQLite read transaction (one snapshot).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import text as sql  # (not "text": the catalogue test reads text() as a message look-up)
from sqlmodel import SQLModel

from telecoop.domain.errors import BadInput, StoreError
from telecoop.store import schema
from telecoop.store import tables  # noqa: F401  (registers the tables)

BATCH = 5000


def target_url(value: str) -> str:
    """The PostgreSQL URL ``--to`` names (libpq's forms: a host, a socket folder ``?host=/path``,
    ``service=``); BadInput for anything else, and for a password in it (it would sit in the
    shell history and the process list: a pgpass or service file holds it)."""
    from telecoop import locations

    try:
        target = locations.db_file(value) if value.strip() else None
    except BadInput as exc:
        if exc.key == "store.url":  # another scheme
            raise BadInput("migrate.not_postgres", value=value) from None
        raise
    if not locations.is_db_url(target):
        raise BadInput("migrate.not_postgres", value=value)
    return str(target)


def open_target(url: str) -> sa.Engine:
    """An engine on the target (the app's PostgreSQL settings); StoreError (one line) when the
    server does not answer or refuses us."""
    from telecoop.store.engine import pg_engine

    engine = pg_engine(url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sa.exc.DBAPIError as exc:
        engine.dispose()
        raise StoreError("migrate.unreachable", url=url, detail=first_line(exc)) from None
    return engine


def first_line(exc: sa.exc.DBAPIError) -> str:
    lines = [ln.strip() for ln in str(exc.orig).splitlines() if ln.strip()]
    # libpq puts the reason last ("connection to server ... failed: FATAL:  database "x" does not exist")
    text = lines[0] if lines else type(exc.orig).__name__
    return text.split("failed: ", 1)[-1]


def tables_in_order() -> list[sa.Table]:
    """Every table, parents before children; ``meta`` last (the directory triggers bump it while copying)."""
    ordered = [t for t in SQLModel.metadata.sorted_tables if t.name != "meta"]
    return ordered + [SQLModel.metadata.tables["meta"]]


@dataclass
class Copy:
    """An open copy: both connections, inside their transactions, and the rows copied per table."""

    source: sa.Connection
    target: sa.Connection
    counts: dict[str, int] = field(default_factory=dict)


def existing_relations(conn: sa.Connection) -> list[str]:
    """Tables, views and sequences outside PostgreSQL's own schemas (an extension's functions do not count)."""
    rows = conn.execute(sql(
        "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg\\_%' ORDER BY c.relkind <> 'r', 1"
    ))
    return [r[0] for r in rows]


@contextlib.contextmanager
def copying(source: sa.Engine, target: sa.Engine, *, shown: str) -> Iterator[Copy]:
    """Copy ``source`` (SQLite, at the head revision) into the empty ``target``; commit when the block ends well.

    The caller verifies inside the block (both connections still see the
    same data); an exception there or here rolls the target back to empty.
    """
    try:
        with _copying(source, target, shown=shown) as copy:
            yield copy
    except sa.exc.DBAPIError as exc:  # a refused extension, a server gone mid-copy: all rolled back
        raise StoreError("migrate.failed", url=shown, detail=first_line(exc)) from exc


@contextlib.contextmanager
def _copying(source: sa.Engine, target: sa.Engine, *, shown: str) -> Iterator[Copy]:
    with source.connect() as src, target.connect() as dst:
        src.begin()  # one snapshot of the file for the copy and its verification
        try:
            with dst.begin():
                dst.execute(sql("SELECT pg_advisory_xact_lock(:k)"), {"k": schema.PG_WRITERS_LOCK})
                present = existing_relations(dst)
                if present:
                    raise StoreError("migrate.not_empty", url=shown, tables=", ".join(present[:5]))
                schema.migrate_to_head(dst, None)
                copy = Copy(src, dst)
                for table in tables_in_order():
                    copy.counts[table.name] = _copy_table(src, dst, table)
                _reset_sequences(dst)
                yield copy
        finally:
            src.rollback()


def _copy_table(src: sa.Connection, dst: sa.Connection, table: sa.Table) -> int:
    """One table's rows, read through the tables' types and written with PostgreSQL's COPY.

    COPY is one statement: the per-statement triggers (directory counter,
    notify) fire once per table instead of once per row, and rows go in
    about 10x faster than INSERTs.
    """
    if table.name == "meta":
        dst.execute(table.delete())  # the baseline's own rows (a new instance id): the source's instead
    columns = list(table.columns)
    binders = [c.type.bind_processor(dst.dialect) for c in columns]
    quote = dst.dialect.identifier_preparer.quote
    copy_sql = f"COPY {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) FROM STDIN"
    result = src.execution_options(yield_per=BATCH).execute(sa.select(table).order_by(*table.primary_key.columns))
    count = 0
    driver = dst.connection.driver_connection
    assert driver is not None
    cursor = driver.cursor()  # psycopg's, inside the same transaction
    try:
        with cursor.copy(copy_sql) as copy:
            for row in result:
                copy.write_row([b(v) if b else v for b, v in zip(binders, row)])
                count += 1
    finally:
        cursor.close()
    return count


def _reset_sequences(dst: sa.Connection) -> None:
    """Each id sequence past the largest id copied, so the next booking gets a new number."""
    for table in tables_in_order():
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer) or pk[0].autoincrement is False:
            continue
        seq = dst.execute(sql("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": pk[0].name}).scalar()
        if seq is None:
            continue
        top = dst.execute(sa.select(sa.func.max(pk[0]))).scalar()
        dst.execute(sql("SELECT setval(:s, :v, :called)"), {"s": seq, "v": top or 1, "called": top is not None})


def differences(src: sa.Connection, dst: sa.Connection) -> list[str]:
    """Tables whose rows differ between the two databases (every column, in key order); empty when none."""
    differ = []
    for table in tables_in_order():
        query = sa.select(table).order_by(*table.primary_key.columns)
        a = src.execute(query).all()
        b = dst.execute(query).all()
        if [tuple(r) for r in a] != [tuple(r) for r in b]:
            differ.append(table.name)
    return differ
