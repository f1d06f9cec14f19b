"""Benchmark: repeated loads of the leader import's preview page for a staged 2,000-row workbook.

Issue 10, finding 3: the preview used to read and parse the staged upload again on every load. It
now parses it once and keeps the table next to the staged file. This script drives the real views
through Django's test client (upload → ``--loads`` GETs of the preview → confirm, the job running
inline) and prints the wall-clock and CPU time of each step. The register is the one of
``bench_import_leaders.py`` (shared strings, as Excel writes it); half of its leaders exist already,
so the plan has new and unchanged rows.

    LEDELSESRUM_DATA_DIR=/tmp/bench-preview .venv/bin/python bench/bench_import_preview.py [--rows 2000] [--loads 10]

It only uses URLs, so a copy of it runs unchanged against an older checkout (for before/after
figures). Uses its own database in ``LEDELSESRUM_DATA_DIR`` and empties the leader and unit
tables: never point it at real data.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledelsesrum.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--loads", type=int, default=10)
    args = parser.parse_args()

    import django

    django.setup()
    from bench_import_leaders import csv_file, generate_rows, xlsx_file
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from huey.contrib.djhuey import HUEY

    from ledelsesrum.accounts.roles import grant
    from ledelsesrum.organisation.importer import import_leaders
    from ledelsesrum.organisation.models import Leader, Unit

    setup_test_environment()
    HUEY.immediate = True  # the confirmation's job runs inline, as in the tests
    call_command("migrate", interactive=False, verbosity=0)
    Leader.objects.all().delete()
    while Unit.objects.exists():
        Unit.objects.filter(children=None).delete()

    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="bench-analyst")
    grant(user, "analyst")
    client = Client()
    client.force_login(user)

    rows = generate_rows(args.rows)
    import_leaders(csv_file(rows[: args.rows // 2]), "first-half.csv")
    data = xlsx_file(rows)

    def timed(fn):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        return result, time.perf_counter() - wall, time.process_time() - cpu

    response, up_wall, up_cpu = timed(lambda: client.post(
        "/organisation/import/", {"file": SimpleUploadedFile("ledere.xlsx", data)}))
    assert response.status_code == 302, response.status_code
    url = response.url

    loads = []
    for _ in range(args.loads):
        page, wall, cpu = timed(lambda: client.get(url))
        assert page.status_code == 200 and b'data-count="create">' in page.content
        loads.append((wall, cpu))
    html = page.content.decode()
    found = re.search(r'name="plan" value="([0-9a-f]{64})"', html)
    form = {"plan": found.group(1)} if found else {}
    response, confirm_wall, confirm_cpu = timed(lambda: client.post(url, form))
    assert response.status_code == 302 and "/job" in response.url, response.url
    assert Leader.objects.count() == args.rows

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.0f} ms"

    later = loads[1:] or loads
    print(f"database: {django.db.connection.vendor}; rows: {args.rows:,}; XLSX {len(data) / 1024:.0f} KiB; "
          f"{args.loads} preview loads")
    print("wall-clock (CPU of this process in brackets)")
    print(f"upload (stage)              {ms(up_wall):>8} ({ms(up_cpu)})")
    print(f"preview, first load         {ms(loads[0][0]):>8} ({ms(loads[0][1])})")
    print(f"preview, later loads median {ms(statistics.median(w for w, _ in later)):>8} "
          f"({ms(statistics.median(c for _, c in later))}); max {ms(max(w for w, _ in later))}")
    print(f"preview, all {args.loads} loads        {ms(sum(w for w, _ in loads)):>8} ({ms(sum(c for _, c in loads))})")
    print(f"confirm + import job        {ms(confirm_wall):>8} ({ms(confirm_cpu)})")
    Leader.objects.all().delete()
    while Unit.objects.exists():
        Unit.objects.filter(children=None).delete()


if __name__ == "__main__":
    main()
