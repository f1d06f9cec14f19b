"""Benchmark: the first synthesis of a sub-theme in a fresh process, before and after warm-up.

Builds the demo in a temporary data folder, then times ``coding.workspace.synthesis`` (what the
synthesis page and the report call) for sub-theme 1d in a fresh process three times: with an
empty embedding cache, after the warm-up job (``workspace.WARM_JOB``, queued by ``ledelsesrum
demo`` when it serves) has run, and for a second sub-theme in the same process.

    unshare -n -- .venv/bin/python bench/bench_first_synthesis.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import os, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledelsesrum.settings")
django.setup()
from ledelsesrum.coding import workspace
from ledelsesrum.studies.models import Study
study = Study.objects.order_by("pk").first()
t = time.perf_counter(); workspace.synthesis(study, "1d"); first = time.perf_counter() - t
t = time.perf_counter(); workspace.synthesis(study, "2a"); second = time.perf_counter() - t
print(f"{first:.2f} {second:.2f}")
"""

WARM = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledelsesrum.settings")
django.setup()
from ledelsesrum.coding import workspace
from ledelsesrum.jobs.runner import run_inline
from ledelsesrum.studies.models import Study
study = Study.objects.order_by("pk").first()
job = run_inline(workspace.WARM_JOB, {"study_id": study.pk}, study_id=study.pk)
assert job.status == "done", job.error
"""


def run(code: str, env: dict) -> str:
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="lr-bench-synthesis-") as data:
        env = {**os.environ, "LEDELSESRUM_DATA_DIR": data}
        env.pop("LEDELSESRUM_CODING_EMBEDDER", None)
        subprocess.run([sys.executable, "-m", "ledelsesrum.cli", "demo", "--no-serve"], env=env,
                       cwd=ROOT, check=True, capture_output=True)
        cold_first, cold_second = run(CHILD, env).split()
        shutil.rmtree(Path(data) / "embeddings")  # the warm-up job starts from an empty cache too
        t = time.perf_counter()
        run(WARM, env)
        warm_job = time.perf_counter() - t
        warm_first, warm_second = run(CHILD, env).split()
        print(f"empty embedding cache: first synthesis {cold_first} s, next sub-theme {cold_second} s")
        print(f"warm-up job from an empty cache (fresh process, in the background): {warm_job:.1f} s")
        print(f"after warm-up, fresh process: first synthesis {warm_first} s, next sub-theme {warm_second} s")


if __name__ == "__main__":
    main()
