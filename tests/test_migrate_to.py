"""issue 12: ``telecoop migrate --to URL`` moves a SQLite federation into an empty PostgreSQL database, verified."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from pgtools import pg_engine, pg_scratch  # noqa: F401  (fixture)
from telecoop.cli import main
from telecoop.store import move

LEGACY3 = Path(__file__).parent / "data" / "schema3.db"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    """The demo federation as an SQLite file, whichever engine the suite's own fixtures use."""
    from telecoop.services.dataio import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, fresh=True)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # one file holds it all: a plain copy is complete
    conn.close()
    return path


@pytest.fixture
def demo_copy(tmp_path, demo_file) -> Path:
    path = tmp_path / "fed.db"
    shutil.copy(demo_file, path)
    return path


def _relations(url: str) -> list[str]:
    engine = pg_engine(url)
    try:
        with engine.connect() as conn:
            return move.existing_relations(conn)
    finally:
        engine.dispose()


def _counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in move.tables_in_order()}


def test_migrate_copies_every_table_with_ids_and_audit_and_verifies(demo_copy, pg_scratch, capsys):  # noqa: F811
    # an audit trail of more than the build: a staff member added (audited)
    assert main(["--db", str(demo_copy), "--as", "fed.admin", "staff", "add", "recep.new", "--coop", "gaspesie",
                 "--role", "receptionist", "--name", "Nouvelle"]) == 0
    capsys.readouterr()
    assert main(["--lang", "en", "--db", str(demo_copy), "migrate", "--to", pg_scratch]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"federation {demo_copy} copied into {pg_scratch}: ") and out.endswith("; verified (identical exports)\n")
    assert out.count("\n") == 1
    source = sa.create_engine(f"sqlite:///{demo_copy}")
    target = pg_engine(pg_scratch)
    try:
        counts = _counts(source)
        assert counts == _counts(target) and counts["booking"] > 1000 and counts["audit"] >= 2
        assert f"booking {counts['booking']}" in out
        with source.connect() as a, target.connect() as b:
            assert move.differences(a, b) == []
            top = b.exec_driver_sql("SELECT max(id) FROM booking").scalar_one()
            assert b.exec_driver_sql("SELECT nextval(pg_get_serial_sequence('booking', 'id'))").scalar_one() == top + 1
            assert b.exec_driver_sql("SELECT nextval(pg_get_serial_sequence('audit', 'id'))").scalar_one() == \
                b.exec_driver_sql("SELECT max(id) FROM audit").scalar_one() + 1
            meta = dict(b.exec_driver_sql("SELECT key, value FROM meta").all())
            assert meta == dict(a.exec_driver_sql("SELECT key, value FROM meta").all())  # instance id kept
    finally:
        source.dispose()
        target.dispose()
    # a second run: the target is no longer empty
    assert main(["--lang", "en", "--db", str(demo_copy), "migrate", "--to", pg_scratch]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"telecoop: the database {pg_scratch} is not empty (public.") and err.count("\n") == 1


def test_a_non_empty_target_is_refused_and_left_as_it_was(demo_copy, pg_scratch, capsys):  # noqa: F811
    engine = pg_engine(pg_scratch)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE notes (id int)")
    engine.dispose()
    assert main(["--lang", "fr", "--db", str(demo_copy), "migrate", "--to", pg_scratch]) == 1
    assert capsys.readouterr().err == (
        f"telecoop: la base {pg_scratch} n'est pas vide (public.notes) ; « migrate » ne copie que dans une base "
        "PostgreSQL vide\n")
    assert _relations(pg_scratch) == ["public.notes"]


def test_a_failure_mid_copy_leaves_the_target_empty(demo_copy, pg_scratch, capsys, monkeypatch):  # noqa: F811
    real = move._copy_table

    def server_gone(src, dst, table):
        if table.name == "booking":
            real(src, dst, table)  # half of the work done
            raise sa.exc.OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly"))
        return real(src, dst, table)

    monkeypatch.setattr(move, "_copy_table", server_gone)
    assert main(["--lang", "en", "--db", str(demo_copy), "migrate", "--to", pg_scratch]) == 1
    assert capsys.readouterr().err == (
        f"telecoop: copying into {pg_scratch} failed (server closed the connection unexpectedly); nothing was kept\n")
    assert _relations(pg_scratch) == []
    engine = pg_engine(pg_scratch)
    with engine.connect() as conn:  # the extension too went with the rollback
        assert conn.exec_driver_sql("SELECT count(*) FROM pg_extension WHERE extname = 'btree_gist'").scalar() == 0
    engine.dispose()


def test_a_copy_that_does_not_verify_is_rolled_back(demo_copy, pg_scratch, capsys, monkeypatch):  # noqa: F811
    real = move._copy_table

    def loses_a_booking(src, dst, table):
        n = real(src, dst, table)
        if table.name == "booking":
            dst.exec_driver_sql("UPDATE booking SET patient = 'XX' WHERE id = (SELECT max(id) FROM booking)")
        return n

    monkeypatch.setattr(move, "_copy_table", loses_a_booking)
    assert main(["--lang", "en", "--db", str(demo_copy), "migrate", "--to", pg_scratch]) == 1
    assert capsys.readouterr().err == (
        f"telecoop: the copy in {pg_scratch} differs from {demo_copy} (bookings.csv); nothing was kept\n")
    assert _relations(pg_scratch) == []


def test_bad_targets_and_sources_are_refused_in_one_line(demo_copy, tmp_path, capsys):
    for to, code, said in [
        (str(tmp_path / "other.db"), 2, "--to takes the address of a PostgreSQL database"),
        ("sqlite:///x.db", 2, "--to takes the address of a PostgreSQL database"),
        ("postgresql://app:s3cret@localhost/fed", 2, "no password in the database address"),
        ("postgresql:///issue12_migrations_no_such_db", 1,
         'cannot reach the PostgreSQL database postgresql:///issue12_migrations_no_such_db'),
    ]:
        assert main(["--lang", "en", "--db", str(demo_copy), "migrate", "--to", to]) == code, to
        err = capsys.readouterr().err
        assert err.startswith(f"telecoop: {said}") and err.count("\n") == 1 and "s3cret" not in err, err
    # only the file's owner (or root) as themselves
    assert main(["--lang", "en", "--db", str(demo_copy), "--as", "fed.admin", "migrate", "--to",
                 "postgresql:///issue12_migrations_no_such_db"]) == 1
    assert "only the owner of" in capsys.readouterr().err
    # a file behind: upgrade first, with the exact command
    old = tmp_path / "old.db"
    shutil.copy(LEGACY3, old)
    conn = sqlite3.connect(old)
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    assert main(["--lang", "en", "--db", str(old), "migrate", "--to", "postgresql:///x"]) == 1
    assert f"then run: telecoop --db {old} upgrade\n" in capsys.readouterr().err


def test_a_schema3_file_from_before_alembic_moves_as_it_is(tmp_path, pg_scratch, capsys):  # noqa: F811
    old = tmp_path / "old.db"
    shutil.copy(LEGACY3, old)
    from telecoop.store import schema

    if schema.head() != schema.BASELINE:  # later revisions (issue 14's 0004): upgrade it first, as said
        assert main(["--lang", "en", "--db", str(old), "migrate", "--to", pg_scratch]) == 1
        assert f"telecoop --db {old} upgrade" in capsys.readouterr().err
        assert main(["--lang", "en", "--db", str(old), "upgrade"]) == 0
    assert main(["--lang", "en", "--db", str(old), "migrate", "--to", pg_scratch]) == 0
    assert "booking 6, " in capsys.readouterr().out


def test_a_role_without_the_rights_is_refused_in_one_line_and_nothing_is_made(demo_copy, pg_scratch, capsys, monkeypatch):  # noqa: F811
    """Not the database's owner: no extension, no table; one line, the target as it was."""
    import uuid

    role = f"issue12_migrations_r_{uuid.uuid4().hex[:8]}"
    admin = pg_engine(pg_scratch)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN PASSWORD 'pw-{role}'")
    admin.dispose()
    monkeypatch.setenv("PGPASSWORD", f"pw-{role}")  # as a pgpass file would give it: never in the address
    url = sa.make_url(pg_scratch).set(username=role, host="127.0.0.1").render_as_string(hide_password=False)
    try:
        assert main(["--lang", "en", "--db", str(demo_copy), "migrate", "--to", url]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"telecoop: copying into {url} failed (permission denied") and err.count("\n") == 1
        assert err.endswith("; nothing was kept\n")
        assert _relations(pg_scratch) == []
    finally:
        admin = pg_engine(pg_scratch)
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        admin.dispose()
