"""Federation-size booking benchmark: build, slot search, concurrent booking.

    python benchmarks/booking.py [--db PATH|URL ...] [--reuse] [--queries 200] [--writers 16] [--search-only]

    python benchmarks/booking.py --reuse --db benchmarks/.cache/federation.db \
        --db postgresql:///telecoop_bench      # both engines, side by side

1. Builds (or, with ``--reuse``, reopens) a database the size of the whole
   federation: 60 co-ops, 2,000 resources, weekly hours, statutory-holiday and
   vacation closures, staff, and 1,000,000 bookings over two years around a
   fixed "now" (non-overlapping per clinician and per room, laid out on each
   resource's free grid). The schema, indexes and overlap trigger are the
   application's own (``make_engine``); the rows go in with sqlite3
   ``executemany`` in big batches inside one write transaction, latest day
   first (``--order chrono`` inserts oldest first; with schema 1's unbounded
   overlap trigger that took ~520 s instead of ~20 s, schema 2 bounds the
   trigger's scan to one day). ``--check`` verifies that no two bookings
   overlap.
2. (a) 200 "next 20 free slots for a specialty over 30 days, with a room"
   searches through ``services.search.search_slots``: latency and SQL
   statements per search; (b) 16 writer processes, each with its own
   ``open_context``, booking 25 distinct free slots through ``book``: latency
   of each call and SlotTaken count, SQL statements per call and, on
   PostgreSQL, round trips to the server per call (statements sent alone, each
   pipeline of ``store/query.py`` and each pool check-out's liveness ping);
   (c) peak RSS of the search process.

With ``--reuse``, a database of an older schema is upgraded first, as
``telecoop upgrade`` would (the SQLite file keeps its modification time, so the
PostgreSQL copy made from it stays valid). ``--search-only`` runs 2(a) and
2(c) alone, for iterating on the search.

Everything is seeded and the clock is fixed (``NOW``), so two runs on fresh
builds see the same data. The writer phase runs on a throw-away copy of the
database, so ``--reuse`` always measures the same file.

PostgreSQL (``--db postgresql://...``; a libpq URL, the password from a
pgpass or service file): the database gets the application's schema, then
the very rows of the SQLite build (built first if the cache file is missing,
so both engines measure the same federation, ids kept) go in with ``COPY``
through psycopg 3, the booking table's constraints and secondary indexes
dropped during the copy and created again after it (one bulk build instead of
a million gist insertions), then ``VACUUM (ANALYZE)``. The database is marked
with a comment naming the SQLite file it came from; with ``--reuse`` a marked,
matching database is measured as it is (the PostgreSQL cache). The benchmark
drops and re-creates only databases it marked itself, and creates a missing
one. The writer phase runs on ``CREATE DATABASE ... TEMPLATE`` of it, dropped
afterwards.

Given several ``--db``, each is measured in turn and the figures are printed
side by side. Every timing is also printed as ratios to the references of
``reference.py`` (importing the stack, one indexed query on that engine, a
Python loop), timed at the start and at the end of the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import math
import multiprocessing as mp
import os
import random
import resource
import shutil
import sqlite3
import statistics
import sys
import time
import zoneinfo
from pathlib import Path

import pendulum

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from reference import References, engine_label  # noqa: E402

DEFAULT_DB = HERE / ".cache" / "federation.db"

SEED = 20260914
# A Monday, 09:00 in Toronto. Bookings span [NOW - 365 d, NOW + 365 d).
NOW = pendulum.datetime(2026, 9, 14, 13, 0, tz="UTC")
N_COOPS = 60
N_CLINICIANS = 1750
N_ROOMS = 250
N_BOOKINGS = 1_000_000
BATCH = 50_000

SEARCH_DAYS = 30
SEARCH_LIMIT = 20
TARGET_SEARCH_P95_MS = 20.0
TARGET_COMMIT_P99_MS = 100.0
TARGET_TOTAL_S = 600.0
BOOKINGS_PER_WRITER = 25

UTC = dt.timezone.utc
DB_FMT = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy's DateTime stores instants in SQLite


def now_clock():
    return NOW


# --------------------------------------------------------------------------- #
# 1. Build
# --------------------------------------------------------------------------- #

REGIONS = [
    ("gaspesie", "Gaspésie"), ("bas-st-laurent", "Bas-Saint-Laurent"), ("saguenay", "Saguenay"),
    ("lac-st-jean", "Lac-Saint-Jean"), ("charlevoix", "Charlevoix"), ("beauce", "Beauce"),
    ("estrie", "Estrie"), ("mauricie", "Mauricie"), ("outaouais", "Outaouais"),
    ("abitibi", "Abitibi-Témiscamingue"), ("laurentides", "Laurentides"), ("lanaudiere", "Lanaudière"),
    ("monteregie", "Montérégie"), ("centre-qc", "Centre-du-Québec"), ("cote-nord", "Côte-Nord"),
    ("nord-du-qc", "Nord-du-Québec"), ("chaudiere", "Chaudière-Appalaches"), ("capitale", "Capitale-Nationale"),
]
FIRST = ["Marie", "Jean", "Sophie", "Luc", "Isabelle", "Marc", "Julie", "Pierre", "Nathalie", "Alexandre",
         "Catherine", "François", "Émilie", "Olivier", "Geneviève", "Mathieu", "Chloé", "Samuel", "Ève", "David"]
LAST = ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné",
        "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc", "Paquette", "Girard", "Simard",
        "Boucher", "Cyr", "Arsenault", "Chiasson", "Poirier", "Boudreau"]
REASONS = ["", "", "", "suivi", "première consultation", "renouvellement", "bilan annuel", "résultats"]
CANCEL_REASONS = ["patient indisponible", "maladie du clinicien", "météo", "rendez-vous déplacé"]
EQUIPMENT = ["", "otoscope numérique", "dermatoscope", "caméra d'examen, stéthoscope connecté", "ECG"]
# Clinician hours (local): two blocks a day, in minutes after midnight.
HOURS = [
    (0.50, [(510, 720), (780, 990)]),   # 08:30-12:00, 13:00-16:30
    (0.25, [(480, 720), (780, 1020)]),  # 08:00-12:00, 13:00-17:00
    (0.15, [(540, 720), (780, 960)]),   # 09:00-12:00, 13:00-16:00
    (0.10, [(720, 1200)]),              # 12:00-20:00 (evening clinic)
]
ROOM_HOURS = [(480, 1020)]  # 08:00-17:00


def _pick_weighted(rng: random.Random, table):
    x = rng.random()
    for w, value in table:
        if x < w:
            return value
        x -= w
    return table[-1][1]


class _Clock:
    """Local wall times of a co-op to stored UTC strings, cached (aware datetimes throughout)."""

    def __init__(self) -> None:
        self._zones: dict[str, zoneinfo.ZoneInfo] = {}
        self._cache: dict[tuple[str, int, int], str] = {}

    def zone(self, tz: str) -> zoneinfo.ZoneInfo:
        z = self._zones.get(tz)
        if z is None:
            z = self._zones[tz] = zoneinfo.ZoneInfo(tz)
        return z

    def instant(self, tz: str, day: dt.date, minute: int) -> dt.datetime:
        local = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=self.zone(tz))
        return local.astimezone(UTC)

    def s(self, tz: str, ordinal: int, minute: int) -> str:
        key = (tz, ordinal, minute)
        v = self._cache.get(key)
        if v is None:
            day = dt.date.fromordinal(ordinal + minute // 1440)
            v = self.instant(tz, day, minute % 1440).strftime(DB_FMT)
            self._cache[key] = v
        return v


def _db_str(instant: dt.datetime) -> str:
    return instant.astimezone(UTC).strftime(DB_FMT)


def build(path: str | Path, order: str = "reverse") -> dict:
    """Create the federation database at ``path``. Returns timings."""
    path = Path(path)
    from telecoop.domain import model as m
    from telecoop.store.engine import make_engine

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    t_start = time.perf_counter()
    rng = random.Random(SEED)
    clock = _Clock()

    engine = make_engine(path)  # the application's schema, indexes and triggers
    engine.dispose()

    # ---- co-ops, staff ------------------------------------------------------
    coops = []  # (slug, name, region, tz, lang)
    for i in range(N_COOPS):
        key, label = REGIONS[i % len(REGIONS)]
        if i < 4:
            tz, key, label = "America/Blanc-Sablon", "basse-cote-nord", "Basse-Côte-Nord"
        elif i < 12:
            tz, key, label = "America/Halifax", "iles", "Îles-de-la-Madeleine"
        else:
            tz = "America/Toronto"
        slug = f"{key}-{i:02d}"
        lang = "en" if i % 10 == 7 else "fr"
        coops.append((slug, f"Coop santé {label} {i:02d}", label, tz, lang))
    slugs = [c[0] for c in coops]
    tz_of = {c[0]: c[3] for c in coops}
    staff = [("fed.admin", "Fédération admin", slugs[0], m.Role.FEDERATION_ADMIN.value, None, 1)]
    receptionists: dict[str, list[str]] = {}
    for slug in slugs:
        logins = [f"recep.{slug}"] + ([f"recep2.{slug}"] if rng.random() < 0.5 else [])
        receptionists[slug] = logins
        for login in logins:
            staff.append((login, f"Réception {slug}", slug, m.Role.RECEPTIONIST.value, None, 1))
        staff.append((f"admin.{slug}", f"Admin {slug}", slug, m.Role.COOP_ADMIN.value, None, 1))

    # ---- resources ----------------------------------------------------------
    # Co-ops differ in size: weights 0.5..1.5.
    weights = [0.5 + rng.random() for _ in slugs]
    kinds = ["clinician"] * N_CLINICIANS + ["room"] * N_ROOMS
    rng.shuffle(kinds)
    resources = []  # dicts
    shares = []
    for rid, kind in enumerate(kinds, start=1):
        coop = rng.choices(slugs, weights)[0] if kind == "clinician" else slugs[(rid * 7) % N_COOPS]
        if kind == "clinician":
            sharing = _pick_weighted(rng, [(0.80, "all"), (0.10, "private"), (0.10, "listed")])
        else:
            sharing = _pick_weighted(rng, [(0.70, "all"), (0.20, "private"), (0.10, "listed")])
        shared_with = sorted(rng.sample([s for s in slugs if s != coop], rng.randint(3, 8))) if sharing == "listed" else []
        shares += [(rid, s) for s in shared_with]
        r = {"id": rid, "kind": kind, "coop": coop, "tz": tz_of[coop], "sharing": sharing, "shared_with": shared_with}
        if kind == "clinician":
            r["specialty"] = _pick_weighted(
                rng, [(0.20, "family_medicine"), (0.10, "nursing")] + [(0.70 / 10, sp) for sp in m.SPECIALTIES[1:] if sp != "nursing"]
            )
            r["languages"] = _pick_weighted(rng, [(0.60, "fr"), (0.30, "fr en"), (0.10, "en")])
            r["name"] = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            r["blocks"] = _pick_weighted(rng, HOURS)
            ndays = _pick_weighted(rng, [(0.70, 5), (0.20, 4), (0.10, 3)])
            r["weekdays"] = frozenset(sorted(rng.sample(range(5), ndays)))
            r["buffer"] = 10 if rng.random() < 0.05 else 0
            r["load"] = 0.4 + 1.2 * rng.random()
            r["equipment"] = ""
        else:
            r["specialty"] = ""
            r["languages"] = ""
            r["name"] = f"Salle {rid} {coop}"
            r["blocks"] = ROOM_HOURS
            r["weekdays"] = frozenset(range(5))
            r["buffer"] = 0
            r["equipment"] = rng.choice(EQUIPMENT)
        resources.append(r)
    clinicians = [r for r in resources if r["kind"] == "clinician"]
    rooms_of: dict[str, list[dict]] = {s: [] for s in slugs}
    for r in resources:
        if r["kind"] == "room":
            rooms_of[r["coop"]].append(r)

    first_day = (NOW - dt.timedelta(days=365)).date()
    last_day = (NOW + dt.timedelta(days=365)).date()  # exclusive
    valid_from = first_day - dt.timedelta(days=30)
    availability = []
    for r in resources:
        for wd in sorted(r["weekdays"]):
            for a, b in r["blocks"]:
                availability.append((r["id"], wd, _time_s(a), _time_s(b), valid_from.isoformat(), None))

    # ---- closures: statutory holidays per co-op, vacations per resource -----
    import holidays as pyholidays

    hol = pyholidays.country_holidays("CA", subdiv="QC", years=range(first_day.year, last_day.year + 1), language="fr")
    holidays_days = {d.toordinal(): str(label)[:120] for d, label in hol.items() if first_day <= d < last_day}
    closures = []
    for slug in slugs:
        tz = tz_of[slug]
        for o, label in sorted(holidays_days.items()):
            closures.append((None, slug, clock.s(tz, o, 0), clock.s(tz, o + 1, 0), label))
    closed_res: dict[int, set[int]] = {}
    for r in rng.sample(resources, 160):
        start_o = rng.randrange(first_day.toordinal(), last_day.toordinal() - 14)
        length = rng.choice([1, 5, 7, 14]) if r["kind"] == "clinician" else 1
        closed_res.setdefault(r["id"], set()).update(range(start_o, start_o + length))
        closures.append((r["id"], None, clock.s(r["tz"], start_o, 0), clock.s(r["tz"], start_o + length, 0),
                         "vacances" if r["kind"] == "clinician" else "entretien"))

    # ---- insert the small tables -------------------------------------------
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("PRAGMA synchronous = OFF")  # build only; the application's connections use FULL
    con.execute("PRAGMA cache_size = -1048576")  # 1 GiB: keep the booking indexes in memory while building
    con.execute("BEGIN IMMEDIATE")
    con.executemany("INSERT INTO coop (slug, name, region, tz, lang) VALUES (?, ?, ?, ?, ?)", coops)
    con.executemany(
        "INSERT INTO resource (id, kind, name, coop, specialty, languages, equipment, video_link, sharing,"
        " buffer_minutes, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        [
            (r["id"], r["kind"], r["name"], r["coop"], r["specialty"], r["languages"], r["equipment"],
             f"https://visio.example.org/{r['id']}" if r["kind"] == "clinician" else "", r["sharing"], r["buffer"])
            for r in resources
        ],
    )
    con.executemany("INSERT INTO resource_share (resource_id, coop) VALUES (?, ?)", shares)
    con.executemany(
        "INSERT INTO availability (resource_id, weekday, start, \"end\", valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?)",
        availability,
    )
    con.executemany("INSERT INTO closure (resource_id, coop, start, \"end\", reason) VALUES (?, ?, ?, ?, ?)", closures)
    con.executemany(
        "INSERT INTO staff (login, name, coop, role, clinician_id, active) VALUES (?, ?, ?, ?, ?, ?)", staff
    )
    con.execute("COMMIT")
    t_small = time.perf_counter()

    # ---- how many bookings on each working day of each clinician -----------
    days = list(range(first_day.toordinal(), last_day.toordinal()))
    workdays = []  # (clinician index, day ordinal)
    for ci, r in enumerate(clinicians):
        wds, closed = r["weekdays"], closed_res.get(r["id"], ())
        for o in days:
            if (o - 1) % 7 in wds and o not in holidays_days and o not in closed:
                workdays.append((ci, o))
    mean = N_BOOKINGS / len(workdays)
    counts: dict[tuple[int, int], int] = {}
    total = 0
    for key in workdays:
        k = min(_poisson(rng, mean * clinicians[key[0]]["load"]), 6)
        if k:
            counts[key] = k
        total += k
    while total != N_BOOKINGS:  # exactly N_BOOKINGS: nudge random days up or down
        key = workdays[rng.randrange(len(workdays))]
        k = counts.get(key, 0)
        if total < N_BOOKINGS and k < 6:
            counts[key] = k + 1
            total += 1
        elif total > N_BOOKINGS and k > 0:
            counts[key] = k - 1
            total -= 1
    by_day: dict[int, list[tuple[int, int]]] = {}
    for (ci, o), k in counts.items():
        if k:
            by_day.setdefault(o, []).append((ci, k))
    t_plan = time.perf_counter()

    # ---- bookings, day by day ----------------------------------------------
    now_s = _db_str(NOW)
    sql = (
        "INSERT INTO booking (clinician_id, room_id, coop, booked_by, start, \"end\", patient, reason, mode,"
        " status, cancel_reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    day_order = sorted(by_day, reverse=(order == "reverse"))
    batch: list[tuple] = []
    inserted = 0
    t_insert = 0.0
    n_room = 0
    con.execute("BEGIN IMMEDIATE")
    for o in day_order:
        room_masks: dict[int, int] = {}
        day_rows: list[tuple] = []
        for ci, k in sorted(by_day[o]):
            c = clinicians[ci]
            tz, own = c["tz"], c["coop"]
            gap = 1 if c["buffer"] else 0  # one free 15-min cell after each booking (buffer <= 15 min)
            placed = _place(rng, c["blocks"], k, gap)
            for start_m, cells in placed:
                end_m = start_m + 15 * cells
                booking_coop = own
                if c["sharing"] == "all" and rng.random() < 0.2:
                    booking_coop = slugs[rng.randrange(N_COOPS)]
                elif c["sharing"] == "listed" and rng.random() < 0.3:
                    booking_coop = rng.choice(c["shared_with"])
                room_id = None
                if rng.random() < 0.25:
                    mask = ((1 << cells) - 1) << (start_m // 15)
                    cands = rooms_of[own]
                    for room in rng.sample(cands, len(cands)):
                        if room["sharing"] != "all" and booking_coop != own and booking_coop not in room["shared_with"]:
                            continue
                        if room["id"] in closed_res and o in closed_res[room["id"]]:
                            continue
                        if not (480 <= start_m and end_m <= 1020):
                            break
                        used = room_masks.get(room["id"], 0)
                        if not used & mask:
                            room_masks[room["id"]] = used | mask
                            room_id = room["id"]
                            break
                start_s = clock.s(tz, o, start_m)
                end_s = clock.s(tz, o, end_m)
                lead = rng.randint(1, 60)
                created_s = clock.s(tz, o - lead, 480 + 15 * rng.randrange(36))
                x = rng.random()
                cancel = ""
                if end_s <= now_s:
                    status = "completed" if x < 0.86 else ("no_show" if x < 0.90 else "cancelled")
                    updated_s = end_s
                elif start_s < now_s:
                    status, updated_s = "checked_in", start_s
                else:
                    status = "booked" if x < 0.90 else "cancelled"
                    updated_s = created_s
                if status == "cancelled":
                    cancel = CANCEL_REASONS[rng.randrange(len(CANCEL_REASONS))]
                    updated_s = clock.s(tz, o - rng.randint(0, lead), 480 + 15 * rng.randrange(36))
                if room_id is not None:
                    mode = "room"
                    n_room += 1
                else:
                    mode = "video" if rng.random() < 0.7 else "phone"
                logins = receptionists[booking_coop]
                day_rows.append((
                    c["id"], room_id, booking_coop, logins[rng.randrange(len(logins))], start_s, end_s,
                    f"P{rng.randrange(10**7):07d}", REASONS[rng.randrange(len(REASONS))], mode, status, cancel,
                    created_s, updated_s,
                ))
        # Latest first when building in reverse: every active insert then finds
        # only same-day rows in the trigger's (clinician|room, start < NEW.end) range.
        day_rows.sort(key=lambda row: row[4], reverse=(order == "reverse"))
        batch += day_rows
        if len(batch) >= BATCH:
            t0 = time.perf_counter()
            con.executemany(sql, batch)
            t_insert += time.perf_counter() - t0
            inserted += len(batch)
            batch = []
    t0 = time.perf_counter()
    if batch:
        con.executemany(sql, batch)
        inserted += len(batch)
    con.execute("COMMIT")
    t_insert += time.perf_counter() - t0
    assert inserted == N_BOOKINGS, inserted
    t0 = time.perf_counter()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    t_ckpt = time.perf_counter() - t0
    con.close()
    total_s = time.perf_counter() - t_start
    return {
        "build_s": total_s,
        "small_s": t_small - t_start,
        "plan_s": t_plan - t_small,
        "insert_s": t_insert,
        "checkpoint_s": t_ckpt,
        "bookings": inserted,
        "with_room": n_room,
        "closures": len(closures),
        "staff": len(staff),
        "availability": len(availability),
        "order": order,
    }


def _time_s(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}:00.000000"


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _place(rng: random.Random, blocks, k: int, gap: int, small: bool = False) -> list[tuple[int, int]]:
    """``k`` non-overlapping bookings (start minute, 15-min cells) inside ``blocks``."""
    sizes = [2 if small or x < 0.65 else (3 if x < 0.80 else 4) for x in (rng.random() for _ in range(k))]
    per_block: list[list[int]] = [[] for _ in blocks]
    room = [(b - a) // 15 for a, b in blocks]
    for size in sizes:
        opts = [i for i, free in enumerate(room) if free >= size + gap]
        if not opts:
            size = 2
            opts = [i for i, free in enumerate(room) if free >= size + gap]
            if not opts:
                continue
        i = rng.choice(opts)
        per_block[i].append(size)
        room[i] -= size + gap
    if sum(len(x) for x in per_block) < k:
        # Greedy packing left one out (large sizes in short blocks): all 30 min.
        return _place(rng, blocks, k, gap, small=True) if not small else []
    out = []
    for (a, _b), sizes_i, free in zip(blocks, per_block, room):
        if not sizes_i:
            continue
        # Stars and bars: spread the free cells over the len+1 gaps.
        cuts = sorted(rng.randint(0, free) for _ in sizes_i)
        t = a // 15
        prev = 0
        for size, cut in zip(sizes_i, cuts):
            t += cut - prev
            prev = cut
            out.append((t * 15, size))
            t += size + gap
    return out


def check_overlaps(path: Path) -> tuple[int, int]:
    """Pairs of consecutive bookings (any status) that overlap, per clinician and per room."""
    con = sqlite3.connect(path)
    out = []
    for col in ("clinician_id", "room_id"):
        out.append(con.execute(
            f"SELECT count(*) FROM (SELECT start, lag(\"end\") OVER (PARTITION BY {col} ORDER BY start) AS prev_end"
            f" FROM booking WHERE {col} IS NOT NULL) WHERE prev_end > start"
        ).fetchone()[0])
    con.close()
    return out[0], out[1]


# --------------------------------------------------------------------------- #
# 1b. PostgreSQL: the SQLite build's rows, through COPY
# --------------------------------------------------------------------------- #

PG_MARK = "telecoop benchmark database"
# In foreign-key order; meta is the application's own (made with the schema).
COPY_TABLES = ("coop", "resource", "resource_share", "staff", "availability", "closure", "booking", "audit")


def _pg_dbname(url: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    name = conninfo_to_dict(url).get("dbname")
    if not name:
        raise SystemExit(f"{url}: name the database in the URL (postgresql:///NAME...): the benchmark creates it")
    return str(name)


def _pg_url_with_dbname(url: str, name: str) -> str:
    """``url`` naming database ``name`` instead (same host, port, socket folder, options)."""
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k != "dbname"]
    tail = "?" + urllib.parse.urlencode(query, safe="/") if query else ""
    return f"{parts.scheme}://{parts.netloc}/{urllib.parse.quote(name)}{tail}"


def _pg_admin_url(url: str) -> str:
    return _pg_url_with_dbname(url, "postgres")


def _pg_mark(source: Path) -> str:
    return (f"{PG_MARK}: the rows of {source.name} (seed {SEED}, {N_BOOKINGS} bookings,"
            f" file {source.stat().st_mtime_ns}; schema by make_engine)")


def pg_build(url: str, source: Path, reuse: bool) -> dict | None:
    """Load the rows of the SQLite build ``source`` into the database of ``url``; None when reused as it is."""
    import psycopg
    from psycopg import sql

    name = _pg_dbname(url)
    mark = _pg_mark(source)
    ident = sql.Identifier(name)
    t_start = time.perf_counter()
    with psycopg.connect(_pg_admin_url(url), autocommit=True) as adm:
        row = adm.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                          (name,)).fetchone()
        if row is not None and reuse and row[0] == mark:
            return None
        if row is not None and not (row[0] or "").startswith(PG_MARK):
            with psycopg.connect(url) as con:
                n = con.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
            if n:
                raise SystemExit(f"{name}: a database this benchmark did not create, with tables in it;"
                                 " give a new or an empty one")
        elif row is not None:
            adm.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(ident))
            row = None
        if row is None:
            adm.execute(sql.SQL("CREATE DATABASE {}").format(ident))
        adm.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(ident, sql.Literal(f"{PG_MARK} (loading)")))
    schema_by = _pg_schema(url)
    t_schema = time.perf_counter()

    from sqlmodel import SQLModel

    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    counts = {}
    with psycopg.connect(url) as con:
        con.execute("SET TIME ZONE 'UTC'")  # the SQLite file's naive instants are UTC
        con.execute("SET maintenance_work_mem = '256MB'")  # index and constraint builds below
        # The booking table's checks, exclusion constraints, foreign keys and
        # secondary indexes go during the copy and come back in one build each.
        saved = con.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'booking'::regclass AND contype IN ('x', 'c', 'f') ORDER BY conname"
        ).fetchall()
        indexes = con.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
            " WHERE x.indrelid = 'booking'::regclass AND NOT EXISTS"
            " (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname"
        ).fetchall()
        for conname, _ in saved:
            con.execute(sql.SQL("ALTER TABLE booking DROP CONSTRAINT {}").format(sql.Identifier(conname)))
        for idx, _ in indexes:
            con.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(idx)))
        for table in COPY_TABLES:
            have = {r[1] for r in src.execute(f"PRAGMA table_info({table})")}
            cols = [c.name for c in SQLModel.metadata.tables[table].columns if c.name in have]
            stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, cols)))
            n = 0
            with con.cursor().copy(stmt) as copy:
                cur = src.execute("SELECT " + ", ".join(f'"{c}"' for c in cols) + f" FROM {table}")
                while rows := cur.fetchmany(20_000):
                    for r in rows:
                        copy.write_row(r)
                    n += len(rows)
            counts[table] = n
            if "id" in cols:
                con.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                            f" coalesce((SELECT max(id) FROM {table}), 0) + 1, false)")
        t_copy = time.perf_counter()
        for _, ddl in indexes:
            con.execute(ddl)
        for conname, definition in saved:
            con.execute(sql.SQL("ALTER TABLE booking ADD CONSTRAINT {} ").format(sql.Identifier(conname))
                        + sql.SQL(definition))
        t_constraints = time.perf_counter()
    src.close()
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("VACUUM (ANALYZE)")
    t_vacuum = time.perf_counter()
    with psycopg.connect(_pg_admin_url(url), autocommit=True) as adm:
        adm.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(ident, sql.Literal(mark)))
    return {
        "build_s": t_vacuum - t_start, "schema_s": t_schema - t_start, "copy_s": t_copy - t_schema,
        "constraints_s": t_constraints - t_copy, "vacuum_s": t_vacuum - t_constraints, "schema_by": schema_by,
        "rows": counts,
    }


def _pg_schema(url: str) -> str:
    """The application's schema in the (empty) database of ``url``, made by the application; how."""
    from telecoop.store.engine import make_engine

    make_engine(_target(url), create=True).dispose()
    return "make_engine"


def pg_counts(url: str) -> tuple[float, int, int, int]:
    """(size MB, bookings, active bookings, resources) of the database of ``url``."""
    import psycopg

    with psycopg.connect(url) as con:
        size = con.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 1e6
        n_book, n_active = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE status IN ('booked', 'checked_in')) FROM booking").fetchone()
        n_res = con.execute("SELECT count(*) FROM resource").fetchone()[0]
    return size, n_book, n_active, n_res


# --------------------------------------------------------------------------- #
# 2a/2c. Search (runs in a fresh process, so its peak RSS is its own)
# --------------------------------------------------------------------------- #


def _receptionists(engine) -> dict[str, list[str]]:
    from sqlmodel import select

    from telecoop.store import tables as tb
    from telecoop.store.engine import read_session

    out: dict[str, list[str]] = {}
    with read_session(engine) as s:
        for login, coop in s.exec(
            select(tb.StaffRow.login, tb.StaffRow.coop).where(tb.StaffRow.role == "receptionist").order_by(tb.StaffRow.login)
        ).all():
            out.setdefault(coop, []).append(login)
    return out


def _max_chunks(days: int) -> int:
    """Chunks search_slots reads for ``days`` days: 1, 2, 4, then 7 days each."""
    n, covered, chunk = 0, 0, 1
    while covered < days + 1:  # +1: the window may run past the last local day by a DST hour
        covered += chunk
        chunk = min(chunk * 2, 7)
        n += 1
    return n


def _run_into(queue, fn, args):
    queue.put(fn(*args))


def _in_process(fn, *args):
    """``fn(*args)`` in a fresh (spawned) process; its return value."""
    spawn = mp.get_context("spawn")
    q = spawn.Queue()
    p = spawn.Process(target=_run_into, args=(q, fn, args))
    p.start()
    result = q.get()
    p.join()
    if p.exitcode:
        raise SystemExit(f"{fn.__name__} failed (exit {p.exitcode})")
    return result


def _vm_hwm_kb() -> int:
    """Peak RSS of this process image (/proc VmHWM), for a cross-check of ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return -1


def _target(text: str):
    """What ``--db`` gives the application for ``text``: a Path, or (PostgreSQL) the URL object."""
    from telecoop import locations

    return locations.db_file(str(text))


def search_phase(path: str, queries: int) -> dict:
    from sqlalchemy import event

    from telecoop.domain import model as m
    from telecoop.services.search import search_slots
    from telecoop.services.context import Context, load_actor
    from telecoop.store.engine import make_engine

    from telecoop.runtime import tune_gc

    engine = make_engine(_target(path), create=False)
    tune_gc()  # what the CLI does at start-up
    counter = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args):
        counter[0] += 1

    rng = random.Random(SEED + 1)
    recep = _receptionists(engine)
    coops = sorted(recep)
    contexts: dict[str, Context] = {}

    def ctx_for(login: str) -> Context:
        if login not in contexts:
            actor, tz = load_actor(engine, login)
            contexts[login] = Context(engine=engine, actor=actor, actor_tz=tz, clock=now_clock)
        return contexts[login]

    today = NOW.date()

    def one(limit=SEARCH_LIMIT, day_offset=None):
        coop = rng.choice(coops)
        ctx = ctx_for(rng.choice(recep[coop]))
        specialty = rng.choice(m.SPECIALTIES)
        offset = rng.randint(0, 365 - SEARCH_DAYS) if day_offset is None else day_offset
        first = today + dt.timedelta(days=offset)
        counter[0] = 0
        c0 = time.thread_time()
        t0 = time.perf_counter()
        slots = search_slots(ctx, specialty=specialty, with_room=True, from_date=first, days=SEARCH_DAYS, limit=limit)
        ms = (time.perf_counter() - t0) * 1000
        cpu.append((time.thread_time() - c0) * 1000)
        assert all(sl.room_id is not None for sl in slots)
        return ms, counter[0], len(slots)

    cpu: list[float] = []
    cold_ms, _, _ = one()
    for _ in range(4):  # warm-up, not counted
        one()
    cpu.clear()
    times, stmts, found = [], [], []
    for _ in range(queries):
        ms, n, k = one()
        times.append(ms)
        stmts.append(n)
        found.append(k)
    # Worst case for the statement count: every chunk of the 30 days is read
    # (one clinician cannot fill 1,000 slots in 30 days), and the broadest
    # search (the largest specialty, 1,000 slots) to show the count does not
    # follow the number of resources.
    ctx = ctx_for(recep[coops[0]][0])
    first = today + dt.timedelta(days=40)
    some = search_slots(ctx, specialty="family_medicine", from_date=first, days=SEARCH_DAYS, limit=1)
    counter[0] = 0
    t0 = time.perf_counter()
    slots = search_slots(ctx, clinician_id=some[0].clinician_id, with_room=True, from_date=first,
                         days=SEARCH_DAYS, limit=1000)
    worst_ms, worst_stmts, worst_found = (time.perf_counter() - t0) * 1000, counter[0], len(slots)
    counter[0] = 0
    t0 = time.perf_counter()
    slots = search_slots(ctx, specialty="family_medicine", with_room=True, from_date=first, days=SEARCH_DAYS, limit=1000)
    broad_ms, broad_stmts, broad_found = (time.perf_counter() - t0) * 1000, counter[0], len(slots)
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    hwm_kb = _vm_hwm_kb()
    engine.dispose()
    return {
        "cold_ms": cold_ms, "times": times, "stmts": stmts, "found": found, "cpu": cpu,
        "worst_ms": worst_ms, "worst_stmts": worst_stmts, "worst_found": worst_found, "rss_kb": rss_kb,
        "broad_ms": broad_ms, "broad_stmts": broad_stmts, "broad_found": broad_found,
        "hwm_kb": hwm_kb,
    }


# --------------------------------------------------------------------------- #
# 2b. Concurrent writers
# --------------------------------------------------------------------------- #


def plan_writes(path: str, writers: int) -> list[tuple[str, list[tuple[int, dt.datetime, int | None]]]]:
    """Per writer: a receptionist login and BOOKINGS_PER_WRITER distinct, mutually non-overlapping free slots."""
    from telecoop.domain import model as m
    from telecoop.services.search import search_slots
    from telecoop.services.context import Context, load_actor
    from telecoop.store.engine import make_engine

    engine = make_engine(_target(path), create=False)
    rng = random.Random(SEED + 2)
    recep = _receptionists(engine)
    coops = rng.sample(sorted(recep), writers)
    taken: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}

    pad = dt.timedelta(minutes=15)  # some clinicians keep a 10-minute buffer between bookings

    def clash(rid, s, e):
        return any(a < e + pad and s - pad < b for a, b in taken.get(rid, ()))

    plans = []
    for i, coop in enumerate(coops):
        login = recep[coop][0]
        actor, tz = load_actor(engine, login)
        ctx = Context(engine=engine, actor=actor, actor_tz=tz, clock=now_clock)
        chosen = []
        while len(chosen) < BOOKINGS_PER_WRITER + 1:  # the first one warms the writer up
            first = NOW.date() + dt.timedelta(days=rng.randint(1, 300))
            slots = search_slots(ctx, specialty=rng.choice(m.SPECIALTIES), with_room=True, from_date=first,
                                 days=SEARCH_DAYS, limit=20)
            for sl in rng.sample(slots, min(len(slots), 4)):
                use_room = rng.random() < 0.6
                if clash(sl.clinician_id, sl.start, sl.end) or (use_room and clash(sl.room_id, sl.start, sl.end)):
                    continue
                taken.setdefault(sl.clinician_id, []).append((sl.start, sl.end))
                if use_room:
                    taken.setdefault(sl.room_id, []).append((sl.start, sl.end))
                chosen.append((sl.clinician_id, sl.start, sl.room_id if use_room else None))
                if len(chosen) == BOOKINGS_PER_WRITER + 1:
                    break
        plans.append((login, chosen))
    engine.dispose()
    return plans


def writer(path: str, login: str, plan, barrier, out: mp.Queue) -> None:
    from telecoop.domain.errors import SlotTaken
    from telecoop.services.booking import book
    from telecoop.services.directory import get_resource
    from telecoop.services.context import open_context

    from sqlalchemy import event

    from telecoop.runtime import tune_gc

    ctx = open_context(_target(path), login, clock=now_clock)
    tune_gc()  # what the CLI does at start-up
    counter = [0]

    @event.listens_for(ctx.engine, "before_cursor_execute")
    def _count(*_args):
        counter[0] += 1
        if not in_pipeline[0]:
            trips[0] += 1  # (SQLite: calls into the library, not trips to a server)

    # Round trips to the server: each statement sent alone, each pipeline (store/query.py: several
    # statements, one trip) and, on PostgreSQL, each pool check-out's liveness ping.
    trips, in_pipeline = [0], [False]
    from telecoop.store import query as store_query

    pipeline = store_query.pg_pipeline

    def _counted_pipeline(*args, **kwargs):
        trips[0] += 1
        in_pipeline[0] = True
        try:
            return pipeline(*args, **kwargs)
        finally:
            in_pipeline[0] = False

    store_query.pg_pipeline = _counted_pipeline
    from telecoop.store import engine as engine_module

    engine_module.pg_pipeline = _counted_pipeline  # (engine.py imported the name)

    @event.listens_for(ctx.engine, "checkout")
    def _pinged(*_args):
        if ctx.engine.dialect.name == "postgresql":
            trips[0] += 1

    # The writers' turn: how long each call waited for it, and when it got it
    # (PostgreSQL: the advisory lock statement; SQLite: the flock beside the file).
    turn = {"wait": 0.0, "got": None}
    from telecoop.store import engine as store_engine

    if store_engine.is_postgres(ctx.engine):
        # (A booking's turn is several lock statements sent in one pipeline with its first reads
        # (store/query.py): the wait runs from the first lock sent to the pipeline's answer, counted once.)
        @event.listens_for(ctx.engine, "before_cursor_execute")
        def _lock_asked(_conn, _cur, statement, *_args):
            if "pg_advisory_xact_lock" in statement and turn.get("asked") is None:
                turn["asked"] = time.perf_counter()

        @event.listens_for(ctx.engine, "after_cursor_execute")
        def _lock_got(_conn, _cur, statement, *_args):
            if "pg_advisory_xact_lock" in statement and turn["got"] is None:
                turn["got"] = time.perf_counter()
                turn["wait"] += turn["got"] - turn["asked"]
    else:
        flock_within = store_engine._flock_within

        def _timed_flock(fd, seconds):
            t = time.perf_counter()
            try:
                return flock_within(fd, seconds)
            finally:
                turn["got"] = time.perf_counter()
                turn["wait"] += turn["got"] - t

        store_engine._flock_within = _timed_flock

    # Warm up like an application already running: one untimed booking
    # (connection opened, statements compiled), before the common start.
    get_resource(ctx, plan[0][0])
    cid, start, room_id = plan[0]
    t0 = time.perf_counter()
    book(ctx, clinician_id=cid, start=start, duration=30, consent=True, patient=f"WARM{os.getpid()}", room_id=room_id)
    cold_ms = (time.perf_counter() - t0) * 1000
    lat, cpu, waits, held, taken, errors = [], [], [], [], 0, []
    barrier.wait()
    counter[0] = trips[0] = 0
    for i, (cid, start, room_id) in enumerate(plan[1:]):
        turn["wait"], turn["got"], turn["asked"] = 0.0, None, None
        c0 = time.process_time()
        t0 = time.perf_counter()
        try:
            book(ctx, clinician_id=cid, start=start, duration=30, consent=True, patient=f"BENCH{os.getpid()}-{i}",
                 reason="benchmark", mode="room" if room_id else "video", room_id=room_id)
        except SlotTaken:
            taken += 1
        except Exception as exc:  # noqa: BLE001 - reported, not hidden
            errors.append(f"{type(exc).__name__}: {exc}")
        t1 = time.perf_counter()
        lat.append((t1 - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        waits.append(turn["wait"] * 1000)
        if turn["got"] is not None:
            held.append((t1 - turn["got"]) * 1000)  # from the turn taken to book() returned
    ctx.engine.dispose()
    out.put({"lat": lat, "cpu": cpu, "waits": waits, "held": held, "taken": taken, "errors": errors, "cold_ms": cold_ms, "stmts": counter[0] / len(lat),
             "trips": trips[0] / len(lat)})


def write_phase(path: str, writers: int) -> dict:
    t0 = time.perf_counter()
    plans = plan_writes(path, writers)
    plan_s = time.perf_counter() - t0
    # A throw-away copy: the cached database stays as built.
    with _scratch_copy(path) as scratch:
        spawn = mp.get_context("spawn")
        barrier = spawn.Barrier(writers)
        out = spawn.Queue()
        procs = [spawn.Process(target=writer, args=(str(scratch), login, plan, barrier, out)) for login, plan in plans]
        for p in procs:
            p.start()
        results = [out.get() for _ in procs]
        for p in procs:
            p.join()
    lat = sorted(x for r in results for x in r["lat"])
    errors = [e for r in results for e in r["errors"]]
    return {
        "lat": lat, "cpu": sorted(x for r in results for x in r["cpu"]),
        "waits": sorted(x for r in results for x in r["waits"]), "held": sorted(x for r in results for x in r["held"]), "taken": sum(r["taken"] for r in results), "errors": errors, "plan_s": plan_s,
        "cold_ms": sorted(r["cold_ms"] for r in results), "stmts": statistics.mean(r["stmts"] for r in results),
        "trips": statistics.mean(r["trips"] for r in results),
    }


@contextlib.contextmanager
def _scratch_copy(target: str):
    """A copy of the database to write on, removed afterwards: a file copy, or CREATE DATABASE ... TEMPLATE."""
    if engine_label(target) == "postgresql":
        import psycopg
        from psycopg import sql

        name = _pg_dbname(target)
        scratch = f"{name}-writers"
        with psycopg.connect(_pg_admin_url(target), autocommit=True) as adm:
            adm.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch)))
            adm.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(scratch), sql.Identifier(name)))
        try:
            yield _pg_url_with_dbname(target, scratch)
        finally:
            with psycopg.connect(_pg_admin_url(target), autocommit=True) as adm:
                adm.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch)))
        return
    path = Path(target)
    scratch = path.with_name(path.stem + "-writers.db")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(path, scratch)
    try:
        yield scratch
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)


# --------------------------------------------------------------------------- #
# Main
# --------------------------------------------------------------------------- #


def pct(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    k = max(0, math.ceil(p / 100 * len(sorted_values)) - 1)
    return sorted_values[k]


CLI_CALLS = 5


def cli_phase(target: str) -> dict:
    """What one CLI call costs on this engine: opening the database (connection set-up: for
    PostgreSQL, libpq's connection and authentication) and a whole ``telecoop slots`` process."""
    import subprocess

    from telecoop.store.engine import make_engine

    recep = None
    engine = make_engine(_target(target), create=False)
    try:
        recep = _receptionists(engine)
    finally:
        engine.dispose()
    login = recep[sorted(recep)[0]][0]
    connect = []
    for _ in range(10):
        t0 = time.perf_counter()
        if engine_label(target) == "postgresql":
            import psycopg

            with psycopg.connect(target) as con:
                con.execute("SELECT 1").fetchone()
        else:
            con = sqlite3.connect(target)
            con.execute("SELECT 1").fetchone()
            con.close()
        connect.append((time.perf_counter() - t0) * 1000)
    first = (NOW.date() + dt.timedelta(days=60)).isoformat()
    argv = [sys.executable, "-m", "telecoop.cli", "--db", str(target), "--as", login, "slots",
            "--specialty", "family_medicine", "--with-room", "--from", first, "--limit", "5", "--json"]
    calls = []
    for _ in range(CLI_CALLS + 1):  # the first one warms the disk cache, not counted
        t0 = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, text=True)
        calls.append((time.perf_counter() - t0) * 1000)
        if done.returncode != 0:
            raise SystemExit(f"telecoop slots failed on {target}: {done.stderr.strip()}")
    return {"connect_ms": sorted(connect), "cli_ms": sorted(calls[1:])}


def measure(target: str, args, sqlite_source: Path) -> dict:
    """Build (or reuse) and measure one database; its figures."""
    t_all = time.perf_counter()
    label = engine_label(target)
    info = None
    if label == "postgresql":
        if not sqlite_source.exists():
            print(f"building the SQLite source {sqlite_source} first ...", flush=True)
            _in_process(build, str(sqlite_source), args.order)
        print(f"[{label}] loading {target} from {sqlite_source.name} (COPY) ...", flush=True)
        info = _in_process(pg_build, target, sqlite_source, args.reuse)
        if info is None:
            print("  reusing it (marked as loaded from this very file)")
        else:
            print(f"  loaded in {info['build_s']:.1f} s (schema {info['schema_s']:.1f} s by {info['schema_by']},"
                  f" COPY {info['copy_s']:.1f} s, constraints and indexes {info['constraints_s']:.1f} s,"
                  f" VACUUM ANALYZE {info['vacuum_s']:.1f} s)", flush=True)
        _upgrade_if_behind(label, target)
        size_mb, n_book, n_active, n_res = pg_counts(target)
    else:
        path = Path(target).resolve()
        target = str(path)
        if args.reuse and path.exists():
            print(f"[{label}] reusing {path}")
            _upgrade_if_behind(label, target)
        else:
            print(f"[{label}] building {path} ({N_BOOKINGS:,} bookings) ...", flush=True)
            # In its own process: the build's 1 GiB page cache must not count in the
            # search process's peak RSS (a forked child inherits ru_maxrss).
            info = _in_process(build, str(path), args.order)
            print(
                f"  built in {info['build_s']:.1f} s (small tables {info['small_s']:.1f} s, plan {info['plan_s']:.1f} s,"
                f" booking executemany+commit {info['insert_s']:.1f} s, checkpoint {info['checkpoint_s']:.1f} s;"
                f" order {info['order']}); {info['with_room']:,} bookings with a room, {info['closures']} closures",
                flush=True,
            )
        size_mb = path.stat().st_size / 1e6
        con = sqlite3.connect(path)
        n_book, n_active = con.execute(
            "SELECT count(*), sum(status IN ('booked', 'checked_in')) FROM booking"
        ).fetchone()
        n_res = con.execute("SELECT count(*) FROM resource").fetchone()[0]
        con.close()
        if args.check:
            t0 = time.perf_counter()
            oc, orr = check_overlaps(path)
            print(f"  overlap check: {oc} clinician, {orr} room overlaps ({time.perf_counter() - t0:.1f} s)", flush=True)
    print(f"  {size_mb:.0f} MB, {n_res:,} resources, {n_book:,} bookings ({n_active:,} active)", flush=True)

    print(f"[{label}] search: {args.queries} queries ...", flush=True)
    sr = _in_process(search_phase, target, args.queries)
    stmts = sr["stmts"]
    print(
        f"  cold first query {sr['cold_ms']:.1f} ms; slots found per query min {min(sr['found'])}"
        f" mean {statistics.mean(sr['found']):.1f}; statements min {min(stmts)} median"
        f" {statistics.median(stmts):g} max {max(stmts)}\n  every chunk read (1 clinician, limit 1000):"
        f" {sr['worst_stmts']} statements, {sr['worst_ms']:.0f} ms, {sr['worst_found']} slots;"
        f" broadest (family_medicine, limit 1000): {sr['broad_stmts']} statements, {sr['broad_ms']:.0f} ms,"
        f" {sr['broad_found']} slots",
        flush=True,
    )
    if args.search_only:
        return {"label": label, "info": info, "size_mb": size_mb, "sr": sr, "wr": None, "cr": None,
                "total_s": time.perf_counter() - t_all}
    print(f"[{label}] writers: {args.writers} processes x {BOOKINGS_PER_WRITER} bookings ...", flush=True)
    wr = write_phase(target, args.writers)
    lat = wr["lat"]
    print(
        f"  slots planned in {wr['plan_s']:.1f} s; {len(lat)} timed book() calls, {wr['stmts']:.1f} SQL statements"
        f" each" + (f" in {wr['trips']:.1f} round trips" if label == "postgresql" else "") + ";"
        f" untimed first call per process (cold, concurrent) median {statistics.median(wr['cold_ms']):.0f} ms;"
        f" errors: {len(wr['errors'])}",
        flush=True,
    )
    for e in wr["errors"][:5]:
        print(f"    {e}")
    print(f"[{label}] one CLI call: connection set-up and `telecoop slots` x {CLI_CALLS} ...", flush=True)
    cr = cli_phase(target)
    return {"label": label, "info": info, "size_mb": size_mb, "sr": sr, "wr": wr, "cr": cr,
            "total_s": time.perf_counter() - t_all}


def _upgrade_if_behind(label: str, target: str) -> None:
    """A reused database of an older schema is upgraded as ``telecoop upgrade`` would (its rows unchanged).

    The SQLite file keeps its modification time: it names the build that the
    PostgreSQL copy's mark refers to, and an upgrade is not a new build.
    """
    from telecoop.domain.errors import StoreError
    from telecoop.store.engine import SCHEMA_VERSION, make_engine

    try:
        make_engine(_target(target), create=False).dispose()
        return
    except StoreError as exc:
        if exc.key != "store.older":
            raise
        found = exc.params.get("found")
    stat = None if label == "postgresql" else os.stat(target)
    t0 = time.perf_counter()
    make_engine(_target(target), create=False, migrate=True).dispose()
    if stat is not None:
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    print(f"  upgraded from schema {found} to schema {SCHEMA_VERSION} in {time.perf_counter() - t0:.1f} s", flush=True)


def figures(res: dict, writers: int) -> list[tuple[str, str, float | None, str, bool | None]]:
    """(metric, value, seconds or None, target, ok or None) of one engine's run."""
    sr, wr, info = res["sr"], res["wr"], res["info"]
    times, stmts = sorted(sr["times"]), sr["stmts"]
    bound = 10 + 2 * _max_chunks(SEARCH_DAYS)
    worst = max(max(stmts), sr["worst_stmts"], sr["broad_stmts"])
    out = []

    def ms(metric, value_ms, target="-", ok=None):
        out.append((metric, f"{value_ms:.1f} ms", value_ms / 1000, target, ok))

    out.append(("build (1M bookings)", f"{info['build_s']:.1f} s" if info else "(reused)",
                info["build_s"] if info else None, "-", None))
    out.append(("database size", f"{res['size_mb']:.0f} MB", None, "-", None))
    ms("search p50", pct(times, 50))
    ms("search p95", pct(times, 95), f"<= {TARGET_SEARCH_P95_MS:.0f} ms", pct(times, 95) <= TARGET_SEARCH_P95_MS)
    ms("search max", times[-1])
    # The search's own CPU (this thread's): the part of the latency a loaded machine inflates least.
    cpu = sorted(sr["cpu"])
    ms("search CPU p50 (own thread)", pct(cpu, 50))
    ms("search CPU p95 (own thread)", pct(cpu, 95))
    out.append(("SQL statements / search", f"{min(stmts)}-{max(stmts)} (worst {worst})", None,
                f"<= {bound}, bounded", worst <= bound))
    if wr is None:  # --search-only
        out.append(("search process peak RSS", f"{sr['rss_kb'] / 1024:.0f} MB (VmHWM {sr['hwm_kb'] / 1024:.0f})",
                    None, "-", None))
        return out
    lat = wr["lat"]
    ms("book() p50", pct(lat, 50))
    ms(f"book() p99 ({writers} writers)", pct(lat, 99), f"<= {TARGET_COMMIT_P99_MS:.0f} ms",
       pct(lat, 99) <= TARGET_COMMIT_P99_MS)
    ms("book() max", lat[-1])
    # The writer's own CPU per call: with 16 writers on few cores, latency beyond
    # 16 x this (divided by the cores) is waiting for the database, not for a CPU.
    ms("book() CPU p50 (own process)", pct(wr["cpu"], 50))
    ms("book() wait for the turn p50", pct(wr["waits"], 50))
    ms("book() wait for the turn p99", pct(wr["waits"], 99))
    ms("book() turn held p50 (to return)", pct(wr["held"], 50))
    ms("book() turn held p99 (to return)", pct(wr["held"], 99))
    ms("connection set-up p50 (raw driver)", pct(res["cr"]["connect_ms"], 50))
    ms("one `telecoop slots` process p50", pct(res["cr"]["cli_ms"], 50))
    out.append(("SlotTaken / errors", f"{wr['taken']} / {len(wr['errors'])}", None, "0 / 0",
                wr["taken"] == 0 and not wr["errors"]))
    out.append(("search process peak RSS", f"{sr['rss_kb'] / 1024:.0f} MB (VmHWM {sr['hwm_kb'] / 1024:.0f})",
                None, "-", None))
    out.append(("whole run", f"{res['total_s']:.0f} s", res["total_s"], f"<= {TARGET_TOTAL_S:.0f} s",
                res["total_s"] <= TARGET_TOTAL_S))
    return out


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> None:
    w = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    for r in [header] + rows:
        print("  ".join(f"{c:>{w[i]}}" if i in right else f"{c:<{w[i]}}" for i, c in enumerate(r)).rstrip())


def report(results: list[dict], refs: References, writers: int) -> bool:
    """The figures of every engine side by side, raw then as ratios; whether all passed."""
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    per = [figures(r, writers) for r in results]
    print()
    for line in refs.lines():
        print(line)
    print()
    header = ["metric", "target"]
    for r in results:
        header += [names[r["label"]], "result"]
    rows = []
    for k, fig in enumerate(per[0]):
        row = [fig[0], fig[3]]
        for figs in per:
            ok = figs[k][4]
            row += [figs[k][1], "" if ok is None else ("PASS" if ok else "MISS")]
        rows.append(row)
    _table(header, rows, {2 + 2 * i for i in range(len(results))})
    print()
    print("The same timings as ratios to this run's references (figure / reference median):")
    header = ["metric"] + [f"{names[r['label']]} (x import, x query on {names[r['label']]}, x loop)" for r in results]
    rows = []
    for k, fig in enumerate(per[0]):
        if all(figs[k][2] is None for figs in per):
            continue
        row = [fig[0]]
        for r, figs in zip(results, per):
            sec = figs[k][2]
            row.append("-" if sec is None else refs.ratio_text(sec, r["label"]))
        rows.append(row)
    _table(header, rows, set())
    return all(f[4] is not False for figs in per for f in figs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", action="append", metavar="PATH|URL",
                    help=f"an SQLite file (default {DEFAULT_DB}) or a postgresql:// URL; give several to compare")
    ap.add_argument("--reuse", action="store_true", help="skip the build when the file (or marked database) exists")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--writers", type=int, default=16)
    ap.add_argument("--order", choices=["reverse", "chrono"], default="reverse",
                    help="booking insert order for the build (chrono shows the trigger's cost)")
    ap.add_argument("--check", action="store_true", help="verify no two bookings overlap (any status; SQLite)")
    ap.add_argument("--search-only", action="store_true",
                    help="measure the slot search alone (no writers, no CLI calls): for iterating on the search")
    args = ap.parse_args(argv)
    targets = args.db or [str(DEFAULT_DB)]
    files = [Path(t) for t in targets if engine_label(t) == "sqlite"]
    # PostgreSQL gets the rows of the SQLite build: the one given, else the cache file.
    sqlite_source = files[0].resolve() if files else DEFAULT_DB
    # The query reference runs in the server's maintenance database: the measured one may
    # not exist yet (the benchmark creates it), and a TEMPORARY table is the same anywhere.
    pg_targets = [str(t) for t in targets if engine_label(t) == "postgresql"]
    refs = References(pg_url=_pg_admin_url(pg_targets[0]) if pg_targets else None)
    print("references (start of run) ...", flush=True)
    refs.take()
    results = [measure(str(t), args, sqlite_source) for t in targets]
    print("references (end of run) ...", flush=True)
    refs.take()
    return 0 if report(results, refs, args.writers) else 1


if __name__ == "__main__":
    sys.exit(main())
