"""Identity (DESIGN section 6): OS login, SUDO_USER, --as for the file owner only."""

from __future__ import annotations

import os
import pwd

import pytest

from telecoop.domain.errors import NotPermitted
from telecoop.services.context import load_actor, may_act_as, open_context, os_login, resolve_login
from telecoop.store.engine import make_engine


def _some_other_uid(owner: int) -> int:
    for entry in pwd.getpwall():
        if entry.pw_uid not in (0, owner):
            return entry.pw_uid
    return 65534


def test_os_login_is_the_account_running_the_program():
    me = pwd.getpwuid(os.getuid()).pw_name
    assert os_login(environ={}) == me


def test_sudo_user_is_the_person_behind_the_service_account():
    assert os_login(environ={"SUDO_USER": "recep.gaspesie"}) == "recep.gaspesie"
    # sudo from root itself names no person: fall back to the account.
    assert os_login(environ={"SUDO_USER": "root"}, uid=0) == "root"


@pytest.mark.sqlite_only("the database file's owner; PostgreSQL's rule is in tests/test_postgres.py")
def test_as_is_honoured_for_root_and_for_the_file_owner(db_path):
    owner = db_path.stat().st_uid
    assert may_act_as(db_path, uid=0, environ={})
    assert may_act_as(db_path, uid=owner, environ={})
    assert resolve_login(db_path, "admin.iles", environ={}, uid=owner) == "admin.iles"


@pytest.mark.sqlite_only("the database file's owner; PostgreSQL's rule is in tests/test_postgres.py")
def test_as_is_refused_for_anyone_else(db_path):
    other = _some_other_uid(db_path.stat().st_uid)
    assert not may_act_as(db_path, uid=other, environ={})
    with pytest.raises(NotPermitted) as err:
        resolve_login(db_path, "fed.admin", environ={}, uid=other)
    assert err.value.key == "identity.as_refused"


def test_unknown_login_is_refused_naming_the_command_that_adds_it(db_path):
    engine = make_engine(db_path, create=False)
    try:
        with pytest.raises(NotPermitted) as err:
            load_actor(engine, "nobody")
    finally:
        engine.dispose()
    assert "telecoop staff add nobody" in err.value.message("en")
    assert "telecoop staff add nobody" in err.value.message("fr")


def test_open_context_identifies_the_staff_member(db_path):
    ctx = open_context(db_path, environ={"SUDO_USER": "recep.iles"})
    try:
        assert ctx.actor.login == "recep.iles" and ctx.coop == "iles" and ctx.actor_tz == "America/Halifax"
    finally:
        ctx.engine.dispose()


def test_inactive_staff_is_refused(db_path):
    import engines

    conn = engines.Direct(db_path)
    conn.execute("UPDATE staff SET active = false WHERE login = 'recep.iles'")
    conn.commit()
    conn.close()
    with pytest.raises(NotPermitted):
        open_context(db_path, environ={"SUDO_USER": "recep.iles"})


@pytest.mark.sqlite_only("the database file's owner; PostgreSQL's rule is in tests/test_postgres.py")
def test_as_is_refused_to_a_staff_member_running_through_sudo(db_path):
    """Under ``sudo -u telecoop`` the process owns the file, but the person does not."""
    owner = db_path.stat().st_uid
    env = {"SUDO_USER": "recep.iles", "SUDO_UID": "1234"}
    assert not may_act_as(db_path, uid=owner, environ=env)
    with pytest.raises(NotPermitted):
        resolve_login(db_path, "fed.admin", environ=env, uid=owner)
    assert may_act_as(db_path, uid=owner, environ={"SUDO_USER": "root", "SUDO_UID": "0"})


@pytest.mark.sqlite_only("the database file's owner; PostgreSQL's rule is in tests/test_postgres.py")
def test_sudo_user_is_not_believed_from_someone_who_is_not_the_service_account(db_path):
    """SUDO_USER is just a variable: a non-owner setting it stays who the OS says."""
    other = _some_other_uid(db_path.stat().st_uid)
    name = pwd.getpwuid(other).pw_name
    assert os_login(environ={"SUDO_USER": "fed.admin"}, uid=other, db_path=db_path) == name
    owner = db_path.stat().st_uid
    assert os_login(environ={"SUDO_USER": "recep.iles"}, uid=owner, db_path=db_path) == "recep.iles"
