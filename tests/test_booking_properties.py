"""Property: whatever gets booked, no later search offers an overlapping slot."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telecoop.domain.errors import SlotTaken
from telecoop.services import booking as bk
from telecoop.services.context import open_context

import engines
import pendulum

SPECIALTIES = ["family_medicine", "psychology", "nursing", "physiotherapy"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    picks=st.lists(st.tuples(st.sampled_from(SPECIALTIES), st.integers(0, 30), st.sampled_from([15, 30, 45, 60]),
                             st.booleans()), min_size=1, max_size=8),
    login=st.sampled_from(["recep.gaspesie", "recep.iles", "recep.basse-cote-nord"]),
)
def test_a_booked_slot_never_appears_in_a_later_search(sample_template, picks, login):
    with tempfile.TemporaryDirectory() as tmp:
        path = engines.copy_db(sample_template, Path(tmp) / "t.db")
        ctx = open_context(path, login, clock=lambda: pendulum.datetime(2026, 12, 7, 12, tz="UTC"))
        try:
            made = []
            for specialty, offset, duration, with_room in picks:
                slots = bk.search_slots(ctx, specialty=specialty, with_room=with_room, duration=duration,
                                        from_date=dt.date(2026, 12, 8), days=3, limit=40)
                if not slots:
                    continue
                s = slots[offset % len(slots)]
                try:
                    made.append(bk.book(ctx, clinician_id=s.clinician_id, room_id=s.room_id, start=s.start,
                                        duration=duration, consent=True, patient="P"))
                except SlotTaken:  # pragma: no cover - a search result is free by construction
                    raise AssertionError(f"search offered a taken slot: {s}") from None
            for specialty in SPECIALTIES:
                for with_room in (False, True):
                    for s in bk.search_slots(ctx, specialty=specialty, with_room=with_room,
                                             from_date=dt.date(2026, 12, 8), days=3, limit=500):
                        for b in made:
                            overlap = s.start < b.end and b.start < s.end
                            assert not (overlap and s.clinician_id == b.clinician_id), (s, b)
                            assert not (overlap and b.room_id is not None and s.room_id == b.room_id), (s, b)
        finally:
            ctx.engine.dispose()
