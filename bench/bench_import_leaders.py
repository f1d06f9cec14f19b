"""Benchmark: import 10,000 leaders from CSV and from XLSX.

Times ``ledelsesrum.organisation.importer.import_leaders`` — the function the command line
(``ledelsesrum import-leaders``) and the background job call — on a fresh database, then a
re-import of the same file (every row matched by e-mail) and a re-import where every row changes.

    LEDELSESRUM_DATA_DIR=/tmp/bench .venv/bin/python bench/bench_import_leaders.py [--rows 10000]

Uses its own database (``LEDELSESRUM_DATA_DIR``, or PostgreSQL via ``LEDELSESRUM_DATABASE_URL``)
and empties the leader and unit tables first: never point it at real data.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledelsesrum.settings")

AREAS = {
    "Børn og Unge": ["Dagtilbud Nord", "Dagtilbud Syd", "Skoler Øst", "Skoler Vest", "Familie"],
    "Sundhed og Omsorg": ["Hjemmeplejen", "Plejecentre", "Sygepleje", "Træning"],
    "Teknik og Miljø": ["Vej og Park", "Byggeri", "Forsyning"],
    "Social og Beskæftigelse": ["Jobcenter", "Handicap", "Psykiatri"],
}
LEVELS = ["Topleder", "Mellemleder", "Førstelinjeleder"]
EDUCATION = ["ingen", "kurser", "Diplom i ledelse", "master", "anden", ""]
HEADER = ["Navn", "E-mail", "Enhed", "Område", "Ledelsesniveau", "Stillingsbetegnelse",
          "Ledelsesspænd", "År som leder", "Lederuddannelse"]


def generate_rows(n: int, seed: int = 4, variant: int = 0) -> list[list]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        forvaltning = rng.choice(list(AREAS))
        area = rng.choice(AREAS[forvaltning])
        unit = f"{forvaltning} > {area} > Enhed {i % 120 + 1:03d}"
        rows.append([
            f"Leder Ærø Nr. {i}", f"leder{i}@kommune.dk", unit, area, rng.choice(LEVELS),
            "Leder", rng.randint(1, 80) + variant, rng.randint(0, 35), rng.choice(EDUCATION),
        ])
    return rows


def csv_file(rows: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buf.getvalue().encode("cp1252")  # what Danish Excel writes


def xlsx_file(rows: list[list]) -> bytes:
    import openpyxl

    # A normal workbook stores text as shared strings, as Excel does.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from ledelsesrum.organisation.importer import import_leaders
    from ledelsesrum.organisation.models import Leader, Unit

    call_command("migrate", interactive=False, verbosity=0)
    tmp = Path(os.environ.get("LEDELSESRUM_DATA_DIR", "data")) / "bench"
    tmp.mkdir(parents=True, exist_ok=True)

    def reset() -> None:
        Leader.objects.all().delete()
        # Children before parents (PROTECT).
        while Unit.objects.exists():
            Unit.objects.filter(children=None).delete()

    rows = generate_rows(args.rows)
    files = {"csv": csv_file(rows), "xlsx": xlsx_file(rows)}
    changed = csv_file(generate_rows(args.rows, variant=1))
    print(f"database: {connection.vendor}; rows: {args.rows:,}")
    print(f"file sizes: CSV {len(files['csv']) / 1024:.0f} KiB, XLSX {len(files['xlsx']) / 1024:.0f} KiB")
    def timed(path: Path, **kwargs):
        """Wall-clock and this process's CPU time (the database server's time is in wall only)."""
        wall, cpu = time.perf_counter(), time.process_time()
        plan = import_leaders(path, path.name, **kwargs)
        return plan, f"{time.perf_counter() - wall:.2f}s ({time.process_time() - cpu:.2f}s)"

    figures = []
    for fmt, data in files.items():
        reset()
        path = tmp / f"leaders.{fmt}"
        path.write_bytes(data)
        plan, dry = timed(path, dry_run=True)
        plan, fresh = timed(path)
        assert plan.counts["create"] == args.rows and Leader.objects.count() == args.rows
        units = Unit.objects.count()
        plan, again = timed(path)
        assert plan.counts["unchanged"] == args.rows and Leader.objects.count() == args.rows
        figures.append((fmt, dry, fresh, again, units))
    path = tmp / "leaders-changed.csv"
    path.write_bytes(changed)
    plan, update = timed(path)
    assert plan.counts["update"] == args.rows and Leader.objects.count() == args.rows

    print("wall-clock seconds (CPU seconds of this process in brackets)")
    print(f"{'format':<6} {'validate only':>15} {'fresh import':>15} {'re-import, no change':>21} {'units':>6}")
    for fmt, dry, fresh, again, units in figures:
        print(f"{fmt:<6} {dry:>15} {fresh:>15} {again:>21} {units:>6}")
    print(f"csv    re-import with every row changed: {update}")
    reset()


if __name__ == "__main__":
    main()
