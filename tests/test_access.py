"""The access rules (domain/access.py), and the store's SQL versions agreeing with them."""

from __future__ import annotations

import pytest
from sqlmodel import select

from telecoop.domain import access
from telecoop.domain import model as m
from telecoop.domain.errors import NotFound, NotPermitted
from telecoop.store import directory as store_directory
from telecoop.store import tables as tb
from telecoop.store.engine import read_session


def staff(role: m.Role, coop: str = "gaspesie", clinician_id: int | None = None, login: str = "x") -> m.Staff:
    return m.Staff(login=login, name=login, coop=coop, role=role, clinician_id=clinician_id)


def res(sharing: m.Sharing, shared_with: tuple[str, ...] = (), coop: str = "iles") -> m.Resource:
    return m.Resource(id=1, kind=m.ResourceKind.CLINICIAN, name="Dr", coop=coop, tz="UTC",
                      sharing=sharing, shared_with=shared_with)


RECEP = staff(m.Role.RECEPTIONIST)
CADMIN = staff(m.Role.COOP_ADMIN)
FED = staff(m.Role.FEDERATION_ADMIN, coop="sagamie")
DOCTOR = staff(m.Role.CLINICIAN, clinician_id=7)


def test_sharing_decides_who_sees_and_books_a_resource():
    assert access.shared_to(res(m.Sharing.ALL), "gaspesie")
    assert access.shared_to(res(m.Sharing.LISTED, ("gaspesie",)), "gaspesie")
    assert not access.shared_to(res(m.Sharing.LISTED, ("sagamie",)), "gaspesie")
    assert not access.shared_to(res(m.Sharing.PRIVATE), "gaspesie")
    assert access.shared_to(res(m.Sharing.PRIVATE), "iles")
    # The federation admin sees every resource but books only what is shared with its co-op.
    assert access.sees_resource(FED, res(m.Sharing.PRIVATE)) and not access.may_book_on(FED, res(m.Sharing.PRIVATE))
    assert access.audience("iles", m.Sharing.LISTED, ["gaspesie"], ["iles", "gaspesie", "sagamie"]) == {"iles", "gaspesie"}
    assert access.audience("iles", "all", [], ["gaspesie"]) == {"iles", "gaspesie"}


def test_bookings_patients_and_changes():
    hidden = res(m.Sharing.PRIVATE)
    assert access.sees_booking(RECEP, "gaspesie", 3, [None])
    assert not access.sees_booking(RECEP, "iles", 3, [hidden, None])
    assert access.sees_booking(RECEP, "iles", 3, [hidden, res(m.Sharing.ALL)])
    assert access.sees_booking(FED, "iles", 3, [hidden])
    assert access.sees_booking(DOCTOR, "iles", 7, []) and not access.sees_booking(DOCTOR, "gaspesie", 3, [])
    # Patient data: the booking co-op and the clinician of the visit, never the federation admin elsewhere.
    assert access.sees_patient(RECEP, "gaspesie", 3) and not access.sees_patient(FED, "iles", 3)
    assert access.sees_patient(DOCTOR, "iles", 7) and not access.sees_patient(DOCTOR, "gaspesie", 3)
    assert access.may_change_booking(RECEP, "gaspesie", 3) and not access.may_change_booking(FED, "iles", 3)
    assert access.masked({"patient": "AB", "reason": "r", "start": "t"}) == {"start": "t"}


def test_management_is_for_admins_within_their_reach():
    assert access.may_manage(CADMIN, "gaspesie") and not access.may_manage(CADMIN, "iles")
    assert access.may_manage(FED, "iles") and not access.may_manage(RECEP, "gaspesie")
    assert access.sees_coop_figures(CADMIN, "iles", "gaspesie") and not access.sees_coop_figures(CADMIN, "iles")


def test_staff_changes():
    other = staff(m.Role.RECEPTIONIST, coop="iles", login="y")
    with pytest.raises(NotFound):
        access.check_staff_change(CADMIN, other, coop="gaspesie", role="receptionist", active=True, active_federation_admins=1)
    with pytest.raises(NotPermitted):
        access.check_staff_change(CADMIN, None, coop="gaspesie", role="federation_admin", active=True, active_federation_admins=1)
    with pytest.raises(NotPermitted):
        access.check_staff_change(RECEP, None, coop="gaspesie", role="receptionist", active=True, active_federation_admins=1)
    with pytest.raises(NotPermitted):
        access.check_staff_change(FED, FED, coop="sagamie", role="coop_admin", active=True, active_federation_admins=1)
    access.check_staff_change(FED, FED, coop="sagamie", role="coop_admin", active=True, active_federation_admins=2)


def test_the_stores_visibility_clause_is_the_domains_rule(as_user):
    """``store.directory.visible_clause`` answers as ``access.shared_to`` for every co-op and resource."""
    ctx = as_user("fed.admin")
    with read_session(ctx.engine) as s:
        every = store_directory.resources_from_rows(s, list(s.exec(select(tb.ResourceRow)).all()))
        coops = list(s.exec(select(tb.CoopRow.slug)).all())
        assert {r.sharing for r in every} >= {m.Sharing.ALL, m.Sharing.LISTED}
        for coop in coops:
            in_sql = set(s.exec(select(tb.ResourceRow.id).where(store_directory.visible_clause(coop))).all())
            assert in_sql == {r.id for r in every if access.shared_to(r, coop)}, coop
