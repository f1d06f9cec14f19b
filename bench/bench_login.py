"""Login cost: hashing a password and a full login POST through Django (warm, in-process).

    LEDELSESRUM_DATA_DIR=/tmp/bench-login .venv/bin/python bench/bench_login.py [--repeat 5]

Uses a throw-away test database; prints the hasher, its iterations and the times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledelsesrum.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import identify_hasher, make_password
    from django.test import Client
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    from ledelsesrum.accounts.roles import ensure_groups, grant

    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        ensure_groups()
        user = get_user_model().objects.create_user("alice", password="korrekt-hest-batteri-42")
        grant(user, "analyst")
        hashes, logins = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            encoded = make_password("korrekt-hest-batteri-42")
            hashes.append(time.perf_counter() - started)
            client = Client()
            started = time.perf_counter()
            response = client.post("/konto/log-ind/", {"username": "alice", "password": "korrekt-hest-batteri-42"})
            logins.append(time.perf_counter() - started)
            assert response.status_code == 302, response.status_code
        hasher = identify_hasher(encoded)
        print(f"hasher {hasher.algorithm}, {hasher.iterations:,} iterations")
        print(f"hash a password: median {1000 * statistics.median(hashes):.0f} ms")
        print(f"login POST (first one includes warm-up): first {1000 * logins[0]:.0f} ms, "
              f"median of the rest {1000 * statistics.median(logins[1:] or logins):.0f} ms")
    finally:
        teardown_databases(databases, verbosity=0)


if __name__ == "__main__":
    main()
