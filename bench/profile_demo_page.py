"""Profile one or more pages of an already built demo, in-process (companion of bench_demo_pages.py).

    LEDELSESRUM_DATA_DIR=/tmp/benchpages-x .venv/bin/python bench/profile_demo_page.py \
        /undersoegelser/1/resultater/eksport.xlsx [more paths] [--user analytiker] [--top 25] [--twice]

Build the demo first (``ledelsesrum demo --no-serve`` with the same data folder, or
``bench_demo_pages.py --keep``). For each path: a GET through Django's test client as the demo
user (``force_login``), timed, with the SQL queries counted (``connection.force_debug_cursor``:
the queries Django would log with DEBUG on) and the request run under cProfile. Printed: seconds,
status, bytes, number and total time of the queries, the most repeated query shapes, and the
functions with the largest cumulative time. ``--twice`` profiles a second (warm) request too.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledelsesrum.settings")


def shape(sql: str) -> str:
    """The query with its literals replaced, so repeats of one query group together."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    sql = re.sub(r"\((?:\?, )+\?\)", "(?…)", sql)
    return sql[:160]


def profile(client, path: str, top: int, label: str) -> None:
    from django.db import connection, reset_queries

    connection.force_debug_cursor = True
    reset_queries()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    response = client.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    profiler.disable()
    seconds = time.perf_counter() - started
    queries = list(connection.queries)
    connection.force_debug_cursor = False
    sql_seconds = sum(float(q["time"]) for q in queries)
    print(f"\n=== {path} ({label}): {seconds:.3f} s, status {response.status_code}, {len(body):,} bytes; "
          f"{len(queries)} SQL queries, {sql_seconds:.3f} s in SQL")
    for sql, n in Counter(shape(q["sql"]) for q in queries).most_common(5):
        print(f"  {n:5d} × {sql}")
    for title, order, restrict in (("project code by cumulative time", "cumulative", r"ledelsesrum/(?!.*tests)"),
                                   ("all code by own time", "tottime", "")):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(order).print_stats(*([restrict] if restrict else []), top)
        lines = [line for line in out.getvalue().splitlines() if line.strip()]
        start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
        print(f"  -- {title}:")
        print("\n".join(lines[start:start + top + 1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--user", default="analytiker")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--twice", action="store_true", help="profile a second (warm) request too")
    args = parser.parse_args()
    if "LEDELSESRUM_DATA_DIR" not in os.environ:
        raise SystemExit("Set LEDELSESRUM_DATA_DIR to the data folder of a built demo (never real data).")

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=args.user))
    for path in args.paths:
        profile(client, path, args.top, "first request in this process")
        if args.twice:
            profile(client, path, args.top, "second request")


if __name__ == "__main__":
    main()
