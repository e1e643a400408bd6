"""Statements built once, run with new values, and sent together when the engine allows.

A ``Query`` is a statement built once (building and cache-keying a SQLAlchemy
statement costs more than running it), the values it runs with this time, and
what its rows become. ``run`` runs one through a session, on either engine.

``pg_pipeline`` sends several to PostgreSQL at once, in psycopg's pipeline
mode: one round trip for all of them instead of one each. The server still
runs them one after another, in order; under READ COMMITTED each statement
sees every write committed before *it* starts. So a read queued right after
the statement that takes the writers' turn sees everything the previous
holder of the turn committed, exactly as if it had been sent after the lock
came back. On a loaded host every round trip costs a trip to the back of the
run queue for the client and for its server process, which is what made a
booking slow with 16 writers on 2 cores (issue 12), not the work itself.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Query(Generic[T]):
    """``statement`` (built once, with named bind parameters) run with ``params``; ``decode`` makes its rows a result."""

    statement: Any
    params: Mapping[str, Any]
    decode: Callable[[Sequence[Sequence[Any]]], T]


def among_few(column: Any, names: Sequence[str]) -> Any:
    """``column IN (:name, ...)``: a statement built once for up to ``len(names)`` ids (a booking's
    clinician, room, interpreter); ``few_values`` fills the names."""
    return column.in_([sa.bindparam(name, type_=sa.Integer) for name in names])


def few_values(ids: Sequence[int], names: Sequence[str]) -> dict[str, int]:
    """One to ``len(names)`` ids for ``among_few``'s names (a missing one repeats the last given)."""
    if not 1 <= len(ids) <= len(names):
        raise ValueError(f"one to {len(names)} ids")
    return {name: ids[min(i, len(ids) - 1)] for i, name in enumerate(names)}


def run(session: Session, query: Query[T]) -> T:
    """One query through the session (its transaction, its events), decoded."""
    return query.decode(session.execute(query.statement, dict(query.params)).all())


def run_together(session: Session, queries: Sequence[Query[Any]]) -> list[Any]:
    """Several queries in the session's transaction, decoded, in order: on PostgreSQL in one round trip
    (``pg_pipeline``, after the session's own BEGIN if its transaction sends one), on SQLite one by one."""
    conn = session.connection()  # (begins the session's transaction first, as its own statements would)
    if conn.dialect.name != "postgresql":
        return [run(session, q) for q in queries]
    return pg_pipeline(conn, [], queries)


@dataclasses.dataclass(frozen=True)
class _Compiled:
    statement: Any  # kept alive, so that its id() in the cache stays its own
    sql: str
    compiled: Any
    binders: tuple[tuple[str, Callable[[Any], Any]], ...]
    loaders: tuple[Callable[[Any], Any] | None, ...]
    row: Any  # rows by position and by column name, as ``run``'s (SQLAlchemy's) are


_COMPILED: dict[tuple[int, str], _Compiled] = {}


def _compiled(dialect: sa.Dialect, statement: Any) -> _Compiled:
    key = (id(statement), dialect.name)
    found = _COMPILED.get(key)
    if found is None:
        compiled = statement.compile(dialect=dialect)
        binders = tuple(
            (name, proc) for bind, name in compiled.bind_names.items()
            if (proc := bind.type.bind_processor(dialect)) is not None
        )
        columns = list(getattr(statement, "selected_columns", ()))
        loaders = tuple(c.type.result_processor(dialect, None) for c in columns)
        row = collections.namedtuple("Row", [c.key for c in columns], rename=True) if columns else tuple
        found = _COMPILED[key] = _Compiled(statement, compiled.string, compiled, binders, loaders, row)
    return found


def _bound(c: _Compiled, params: Mapping[str, Any]) -> dict[str, Any]:
    values = c.compiled.construct_params(dict(params))
    for name, proc in c.binders:
        values[name] = proc(values[name])
    return dict(values)


def pg_pipeline(conn: sa.Connection, head: Sequence[str], queries: Sequence[Query[Any]],
                tail: Sequence[str] = ()) -> list[Any]:
    """``head`` (plain statements), then ``queries``, then ``tail``, in one round trip; the queries' results.

    The statements go through psycopg's pipeline mode on ``conn``'s own
    driver connection: they run in this order, in whatever transaction they
    open or find; the first error stops the rest (the transaction is then
    aborted and the caller's rollback ends it). Errors come back as
    SQLAlchemy's, like any other statement's; the connection's
    ``before_cursor_execute`` and ``after_cursor_execute`` listeners see each
    statement (counters, timings).
    """
    import psycopg

    dialect = conn.dialect
    driver = conn.connection.driver_connection
    assert driver is not None  # an open connection
    compiled = [_compiled(dialect, q.statement) for q in queries]
    sent: list[tuple[str, dict[str, Any] | None]] = [(sql, None) for sql in head]
    sent += [(c.sql, _bound(c, q.params)) for c, q in zip(compiled, queries)]
    sent += [(sql, None) for sql in tail]
    for sql, params in sent:
        conn.dispatch.before_cursor_execute(conn, None, sql, params, None, False)
    cursors = []
    statement, values = "", None
    # (A libpq older than 14 has no pipeline mode: the same statements then go one by one.)
    together = driver.pipeline() if psycopg.Pipeline.is_supported() else contextlib.nullcontext()
    try:
        with together:  # (its end sends the one Sync and reads every result)
            for statement, values in sent:
                cursors.append(driver.execute(statement, values))
        rows = [cursors[len(head) + i].fetchall() for i in range(len(queries))]
    except psycopg.Error as exc:
        gone = dialect.is_disconnect(exc, driver, None)  # type: ignore[arg-type]  # (the DB-API's error, psycopg's)
        raise sa.exc.DBAPIError.instance(statement, values, exc, psycopg.Error, connection_invalidated=gone,
                                         dialect=dialect) from exc
    for cursor, (sql, params) in zip(cursors, sent):
        conn.dispatch.after_cursor_execute(conn, cursor, sql, params, None, False)
        cursor.close()
    out = []
    for c, q, got in zip(compiled, queries, rows):
        if any(c.loaders):
            got = [c.row._make(load(v) if load else v for load, v in zip(c.loaders, row)) for row in got]
        elif c.row is not tuple:
            got = [c.row._make(row) for row in got]
        out.append(q.decode(got))
    return out
