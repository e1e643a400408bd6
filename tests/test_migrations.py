"""issue 12: the schema is made and changed only by Alembic revisions, on SQLite and PostgreSQL.

tests/data/schema3.db is a real file written by TeleCoop before Alembic
(schema 3: a few co-ops, resources, closures, bookings and an audit row).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from pgtools import pg_engine, pg_scratch  # noqa: F401  (fixture)
from telecoop.cli import main
from telecoop.domain.errors import StoreError
from telecoop.store import schema
from telecoop.store.engine import make_engine, schema_version

LEGACY3 = Path(__file__).parent / "data" / "schema3.db"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sqlite(path: Path, *sql: str) -> None:
    conn = sqlite3.connect(path)
    for stmt in sql:
        conn.execute(stmt)
    conn.commit()
    conn.close()


def _sqlite_schema(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    finally:
        conn.close()


def _drift(engine: sa.Engine) -> list:
    """What autogenerate would change to make the database match store/tables.py (nothing, always)."""
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, SQLModel.metadata)


def _legacy(tmp_path: Path, version: int = 3) -> Path:
    """A copy of the pre-Alembic file, as schema ``version`` (2: without what 3 added)."""
    path = tmp_path / "old.db"
    shutil.copy(LEGACY3, path)
    if version == 2:
        _sqlite(path, "ALTER TABLE booking DROP COLUMN conflict", "DELETE FROM meta WHERE key = 'instance_id'",
                "UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    return path


def test_revision_files_form_one_line_named_by_their_ids():
    """NNNN_what.py holds revision NNNN, each revises the one before, and there is one head."""
    script = ScriptDirectory(str(schema.MIGRATIONS_DIR))
    assert script.get_heads() == [schema.head()]
    previous = None
    for rev in schema.revisions():
        (path,) = schema.VERSIONS_DIR.glob(f"{rev}_*.py")
        module = script.get_revision(rev)
        assert module.revision == rev and module.down_revision == previous, path.name
        previous = rev
    assert schema.revisions()[0] == schema.BASELINE and schema.version() == schema.SCHEMA_VERSION


def test_a_new_sqlite_file_is_made_by_the_migrations_and_matches_the_tables(tmp_path):
    engine = make_engine(tmp_path / "new.db")
    try:
        assert _drift(engine) == []
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one() == schema.head()
            meta = dict(conn.exec_driver_sql("SELECT key, value FROM meta").all())
            triggers = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())
        assert meta["schema_version"] == str(schema.version()) and meta["directory_version"] == "0"
        assert len(meta["instance_id"]) == 32
        # the baseline's guarantees are all still there at the head (a batch copy of a table drops its triggers)
        baseline = ScriptDirectory(str(schema.MIGRATIONS_DIR)).get_revision(schema.BASELINE).module
        names = {re.search(r"IF NOT EXISTS (\w+)", ddl).group(1) for ddl in baseline.SQLITE_TRIGGERS}
        assert len(names) == 16 and names <= triggers
        assert schema_version(engine) == schema.version()
    finally:
        engine.dispose()


def test_a_schema3_file_opens_unchanged_and_upgrade_stamps_it_in_place(tmp_path, capsys):
    """Today's files work as they are; ``upgrade`` gives them their revision and the same schema as a new file."""
    path = _legacy(tmp_path)
    before = _digest(path)
    if schema.head() == schema.BASELINE:
        assert main(["--lang", "en", "--db", str(path), "check"]) == 0
        assert f"schema {schema.BASELINE.lstrip('0')}, integrity: ok" in capsys.readouterr().out
    else:  # a revision after the baseline (issue 14's 0004...): the file must be upgraded first
        assert main(["--lang", "en", "--db", str(path), "check"]) == 1
        assert f"telecoop --db {path} upgrade" in capsys.readouterr().err
    assert _digest(path) == before  # a read never stamps
    assert main(["--lang", "en", "--db", str(path), "upgrade"]) == 0
    said = capsys.readouterr().out
    assert ("migrations now keep track of it" in said if schema.head() == schema.BASELINE
            else f"to schema {schema.version()}" in said), said
    assert main(["--lang", "en", "--db", str(path), "upgrade"]) == 0
    assert "already at schema" in capsys.readouterr().out
    make_engine(tmp_path / "new.db").dispose()
    if schema.head() == schema.BASELINE:
        assert _sqlite_schema(path) == _sqlite_schema(tmp_path / "new.db")
    else:  # a later revision copied tables in batch mode: the same shape, SQLite's text may differ
        shape = lambda rows: [r[:3] for r in rows]  # noqa: E731
        assert shape(_sqlite_schema(path)) == shape(_sqlite_schema(tmp_path / "new.db"))
        engine = make_engine(path, create=False)
        assert _drift(engine) == []
        engine.dispose()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM booking").fetchone()[0] == 6
    assert conn.execute("SELECT count(*) FROM audit").fetchone()[0] == 1
    conn.close()


def test_a_schema2_file_is_refused_with_the_exact_command_then_upgrades_in_place(tmp_path, capsys):
    path = _legacy(tmp_path, version=2)
    before = _digest(path)
    assert main(["--lang", "fr", "--db", str(path), "--as", "fed.admin", "coops"]) == 1
    assert f"puis lancez : telecoop --db {path} upgrade\n" in capsys.readouterr().err
    assert main(["--lang", "en", "--db", str(path), "--as", "fed.admin", "bookings"]) == 1
    assert f"then run: telecoop --db {path} upgrade\n" in capsys.readouterr().err
    assert _digest(path) == before
    assert main(["--lang", "en", "--db", str(path), "upgrade"]) == 0
    assert f"upgraded from schema 2 to schema {schema.version()}" in capsys.readouterr().out
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*), min(conflict), max(conflict) FROM booking").fetchone() == (6, "", "")
    assert len(conn.execute("SELECT value FROM meta WHERE key = 'instance_id'").fetchone()[0]) == 32
    conn.close()
    make_engine(tmp_path / "new.db").dispose()
    # same tables, indexes and triggers as a new file (SQLite keeps an added column's text as written)
    shape = lambda rows: [r[:3] for r in rows]  # noqa: E731
    assert shape(_sqlite_schema(path)) == shape(_sqlite_schema(tmp_path / "new.db"))
    engine = make_engine(path, create=False)
    assert _drift(engine) == []
    engine.dispose()


# ------------------------------------------------ a revision added later -- #

# One revision after this TeleCoop's head (written against the head, whatever it is now).
HEAD = int(schema.head())
NEXT = HEAD + 1
REVISION_0004 = '''"""Test revision: co-ops get a note."""
import sqlalchemy as sa
from alembic import op

revision = "{rev}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coop") as batch:
        batch.add_column(sa.Column("note", sa.String(), nullable=False, server_default=""))
    {fail}


def downgrade() -> None:
    pass
'''


@pytest.fixture
def with_revision_0004(tmp_path, monkeypatch):
    """This TeleCoop with one more revision (as a branch adding a column ships it)."""

    def install(fail: bool = False) -> None:
        folder = tmp_path / "migrations"
        shutil.copytree(schema.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
        body = REVISION_0004.replace("{fail}", 'raise RuntimeError("boom")' if fail else "pass")
        body = body.replace("{rev}", f"{NEXT:04d}").replace("{down}", f"{HEAD:04d}")
        (folder / "versions" / f"{NEXT:04d}_coop_note.py").write_text(body)
        monkeypatch.setattr(schema, "MIGRATIONS_DIR", folder)
        monkeypatch.setattr(schema, "VERSIONS_DIR", folder / "versions")
        schema.revisions.cache_clear()

    yield install
    monkeypatch.undo()
    schema.revisions.cache_clear()


def test_a_database_behind_is_refused_with_the_command_and_upgrade_runs_the_new_revision(
    tmp_path, capsys, with_revision_0004, monkeypatch
):
    path = tmp_path / "fed.db"
    assert main(["--db", str(path), "init", "--coop", "gaspesie", "--coop-name", "G", "--tz", "America/Toronto",
                 "--admin", "fed.admin"]) == 0
    with_revision_0004()
    capsys.readouterr()
    before = _digest(path)
    for command in (["coops"], ["check"], ["export", str(tmp_path / "out")]):
        assert main(["--lang", "en", "--db", str(path), "--as", "fed.admin", *command]) == 1
        err = capsys.readouterr().err
        assert f"older schema ({HEAD}, current: {NEXT})" in err and f"then run: telecoop --db {path} upgrade\n" in err
    assert _digest(path) == before
    assert main(["--lang", "en", "--db", str(path), "upgrade"]) == 0
    assert f"upgraded from schema {HEAD} to schema {NEXT}" in capsys.readouterr().out
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT slug, note FROM coop").fetchall() == [("gaspesie", "")]
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(NEXT),)
    conn.close()
    assert main(["--db", str(path), "--as", "fed.admin", "coops"]) == 0

    # the same file seen by the TeleCoop of before (its head): newer, refused, untouched
    monkeypatch.undo()
    schema.revisions.cache_clear()
    capsys.readouterr()
    before = _digest(path)
    for command in (["coops"], ["upgrade"]):
        assert main(["--lang", "en", "--db", str(path), "--as", "fed.admin", *command]) == 1
        assert f"written by a newer TeleCoop (schema {NEXT}, supported: {HEAD})" in capsys.readouterr().err
    assert _digest(path) == before


def test_a_revision_that_fails_leaves_the_file_as_it_was(tmp_path, with_revision_0004):
    path = tmp_path / "fed.db"
    make_engine(path).dispose()
    with_revision_0004(fail=True)
    with pytest.raises(RuntimeError, match="boom"):
        make_engine(path, create=False, migrate=True)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (f"{HEAD:04d}",)
    assert "note" not in {r[1] for r in conn.execute("PRAGMA table_info(coop)")}
    conn.close()


# ------------------------------------------------------------ PostgreSQL -- #


def test_a_new_postgres_database_is_made_by_the_migrations(pg_scratch):  # noqa: F811
    engine = pg_engine(pg_scratch)
    try:
        with pytest.raises(StoreError) as err:
            schema.prepare(engine, create=False, migrate=False, shown=pg_scratch)
        assert err.value.key == "store.pg_empty"
        assert schema.prepare(engine, create=True, migrate=False, shown=pg_scratch) is None
        assert _drift(engine) == []
        with engine.connect() as conn:
            q = lambda sql: set(conn.exec_driver_sql(sql).scalars())  # noqa: E731
            assert q("SELECT extname FROM pg_extension") >= {"btree_gist"}
            assert q("SELECT conname FROM pg_constraint WHERE conrelid = 'booking'::regclass") >= {
                "booking_clinician_no_overlap", "booking_room_no_overlap", "booking_span_ok"}
            assert q("SELECT proname FROM pg_proc WHERE starts_with(proname, 'telecoop')") >= {
                "telecoop_append_only", "telecoop_bump_directory", "telecoop_notify"}  # issue 13 adds two
            assert q("SELECT data_type FROM information_schema.columns WHERE table_name = 'booking' "
                     "AND column_name IN ('start', 'end', 'created_at')") == {"timestamp with time zone"}
            assert q("SELECT version_num FROM alembic_version") == {schema.head()}
        assert schema_version(engine) == schema.version()
        # a second open finds it current and writes nothing
        assert schema.prepare(engine, create=False, migrate=False, shown=pg_scratch).current
    finally:
        engine.dispose()


def test_postgres_objects_keep_the_guarantees(pg_scratch):  # noqa: F811
    engine = pg_engine(pg_scratch)
    schema.prepare(engine, create=True, migrate=False, shown=pg_scratch)
    booking = ("INSERT INTO booking (clinician_id, coop, booked_by, start, \"end\", patient, reason, mode, status, "
               "cancel_reason, created_at, updated_at) VALUES (1, 'c', 'x', '{0}', '{1}', 'P', '', 'video', "
               "'{2}', '', now(), now())")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO coop VALUES ('c', 'C', 'R', 'America/Toronto', 'fr')")
            conn.exec_driver_sql("INSERT INTO resource (kind, name, coop, specialty, languages, equipment, video_link,"
                                 " sharing, buffer_minutes, active) VALUES ('clinician', 'D', 'c', '', '', '', '',"
                                 " 'all', 0, true)")
            conn.exec_driver_sql(booking.format("2026-12-08 14:00Z", "2026-12-08 14:30Z", "booked"))
            conn.exec_driver_sql(booking.format("2026-12-08 14:15Z", "2026-12-08 14:45Z", "cancelled"))
            conn.exec_driver_sql("INSERT INTO audit (at, actor, action, entity, entity_id) "
                                 "VALUES (now(), 'x', 'a', 'e', '1')")
            assert conn.exec_driver_sql(
                "SELECT value FROM meta WHERE key = 'directory_version'").scalar_one() == "2"
        for sql, code, marker in [
            (booking.format("2026-12-08 14:15Z", "2026-12-08 14:45Z", "booked"), "23P01", "booking_clinician_no_overlap"),
            (booking.format("2026-12-08 16:00Z", "2026-12-09 17:00Z", "booked"), "23514", "booking_span_ok"),
            ("UPDATE audit SET actor = 'y'", "P0001", "append-only"),
            ("DELETE FROM audit", "P0001", "append-only"),
        ]:
            with pytest.raises(sa.exc.DBAPIError) as err:
                with engine.begin() as conn:
                    conn.exec_driver_sql(sql)
            assert err.value.orig.sqlstate == code and marker in str(err.value.orig)
    finally:
        engine.dispose()


def test_postgres_newer_and_behind_are_refused(pg_scratch, with_revision_0004, capsys):  # noqa: F811
    engine = pg_engine(pg_scratch)
    try:
        schema.prepare(engine, create=True, migrate=False, shown=pg_scratch)
        with_revision_0004()
        with pytest.raises(StoreError) as err:
            schema.prepare(engine, create=False, migrate=False, shown=pg_scratch)
        assert err.value.key == "store.older"
        assert err.value.params["command"] == f"telecoop --db {pg_scratch} upgrade"
        assert main(["--lang", "en", "--db", pg_scratch, "--as", "fed.admin", "coops"]) == 1
        assert f"then run: telecoop --db {pg_scratch} upgrade\n" in capsys.readouterr().err
        assert main(["--lang", "en", "--db", pg_scratch, "upgrade"]) == 0
        assert f"upgraded from schema {HEAD} to schema {NEXT}" in capsys.readouterr().out
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one() == f"{NEXT:04d}"
            assert "note" in {c["name"] for c in sa.inspect(conn).get_columns("coop")}
        with engine.begin() as conn:
            conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{NEXT + 1:04d}'")
        with pytest.raises(StoreError) as err:
            schema.prepare(engine, create=False, migrate=True, shown=pg_scratch)
        assert err.value.key == "store.newer" and err.value.params["found"] == NEXT + 1
    finally:
        engine.dispose()


def test_the_revision_helper_writes_the_next_revision_from_the_tables(tmp_path, monkeypatch):
    """``python -m telecoop.store.revision "..."`` after a change to the tables: the next NNNN, batch ops, our types."""
    from telecoop.store.revision import main as revision_main

    folder = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(schema, "MIGRATIONS_DIR", folder)
    monkeypatch.setattr(schema, "VERSIONS_DIR", folder / "versions")
    schema.revisions.cache_clear()
    extra = sa.Table("extra_note", SQLModel.metadata, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("text", sa.String, nullable=False, server_default=""))
    try:
        assert revision_main(["extra note"]) == 0
        (written,) = (folder / "versions").glob(f"{schema.version():04d}_extra_note.py")
        body = written.read_text()
        assert f"down_revision = '{HEAD:04d}'" in body and "op.create_table('extra_note'" in body
        assert "sqlmodel" not in body and "sa.String()" in body
        engine = make_engine(tmp_path / "new.db")
        assert _drift(engine) == []
        engine.dispose()
    finally:
        SQLModel.metadata.remove(extra)
        monkeypatch.undo()
        schema.revisions.cache_clear()


def test_check_names_a_missing_guarantee(tmp_path, pg_scratch, capsys):  # noqa: F811
    """What the baseline made is looked for by ``check``: a dropped trigger or constraint is named."""
    path = tmp_path / "a.db"
    engine = make_engine(path)
    with engine.connect() as conn:
        assert schema.missing_objects(conn) == []
    engine.dispose()
    _sqlite(path, "DROP TRIGGER audit_no_delete")
    engine = make_engine(path, create=False)
    with engine.connect() as conn:
        assert schema.missing_objects(conn) == ["trigger audit_no_delete"]
    engine.dispose()
    assert main(["--lang", "en", "--db", str(path), "check"]) == 1
    assert "integrity: missing trigger audit_no_delete" in capsys.readouterr().out
    pg = pg_engine(pg_scratch)
    try:
        schema.prepare(pg, create=True, migrate=False, shown=pg_scratch)
        with pg.begin() as conn:
            assert schema.missing_objects(conn) == []
            conn.exec_driver_sql("ALTER TABLE booking DROP CONSTRAINT booking_room_no_overlap")
            conn.exec_driver_sql("DROP TRIGGER audit_append_only ON audit")
            assert schema.missing_objects(conn) == ["constraint booking_room_no_overlap", "trigger audit_append_only"]
    finally:
        pg.dispose()


def test_check_names_a_missing_guarantee_of_the_later_revisions(tmp_path, pg_scratch, capsys):  # noqa: F811
    """issue 14: check looks for what 0004 (holds) and 0005 (interpreter) made too, on both engines;
    a booking trigger remade without the interpreter (the baseline's) is named as outdated."""
    baseline = schema.baseline_module()
    path = tmp_path / "a.db"
    make_engine(path).dispose()
    old_insert = next(ddl for ddl in baseline.SQLITE_TRIGGERS if "booking_no_overlap_insert" in ddl)
    _sqlite(path, "DROP TRIGGER hold_no_overlap_insert", "DROP TRIGGER booking_no_hold_update",
            "DROP TRIGGER booking_no_overlap_insert", old_insert)
    engine = make_engine(path, create=False)
    with engine.connect() as conn:
        assert schema.missing_objects(conn) == [
            "trigger booking_no_overlap_insert (outdated: without interpreter_id)",
            "trigger hold_no_overlap_insert", "trigger booking_no_hold_update"]
    engine.dispose()
    assert main(["--lang", "en", "--db", str(path), "check"]) == 1
    assert "integrity: missing trigger booking_no_overlap_insert (outdated" in capsys.readouterr().out
    pg = pg_engine(pg_scratch)
    try:
        schema.prepare(pg, create=True, migrate=False, shown=pg_scratch)
        with pg.begin() as conn:
            assert schema.missing_objects(conn) == []
            conn.exec_driver_sql("ALTER TABLE booking DROP CONSTRAINT booking_interpreter_no_overlap")
            conn.exec_driver_sql("ALTER TABLE hold DROP CONSTRAINT hold_room_no_overlap")
            conn.exec_driver_sql("DROP TRIGGER waitlist_entry_notifies ON waitlist_entry")
            conn.exec_driver_sql("DROP FUNCTION telecoop_hold_not_booked() CASCADE")  # and its trigger
            assert schema.missing_objects(conn) == [
                "constraint hold_room_no_overlap", "constraint booking_interpreter_no_overlap",
                "function telecoop_hold_not_booked", "trigger hold_not_booked", "trigger waitlist_entry_notifies"]
    finally:
        pg.dispose()
    assert main(["--lang", "fr", "--db", pg_scratch, "check"]) == 1
    assert "missing: constraint hold_room_no_overlap" in capsys.readouterr().out


def _open(path: str, barrier) -> None:
    barrier.wait()
    make_engine(path).dispose()


@pytest.mark.slow
def test_processes_that_create_one_new_file_at_once_make_it_once(tmp_path):
    import multiprocessing as mp

    path = tmp_path / "new.db"
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(4)
    procs = [ctx.Process(target=_open, args=(str(path), barrier)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
    # schema_version, directory_version, instance_id; closure_version (schema 6): each once
    assert conn.execute("SELECT count(*) FROM meta").fetchone() == (4,)
    conn.close()
