"""Benchmark: compose the demo study's report and render it as PDF (and DOCX).

Builds the demo (``ledelsesrum.demo.build.build_demo``: 120 leaders with answers, a closed round,
about 80 interviews with coded meaning units) in a temporary data folder, adds a recommendation
per sub-theme, then times ``compose``, ``render_pdf`` and ``render_docx`` and counts PDF pages.
The target (issue 5) is a 40-page PDF of a study with 100 interviews and 120 respondents in
under 15 s.

    .venv/bin/python bench/bench_report.py [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="write the last PDF here")
    args = parser.parse_args()

    tmp = None
    if "LEDELSESRUM_DATA_DIR" not in os.environ:
        tmp = tempfile.TemporaryDirectory(prefix="lr-bench-report-")
        os.environ["LEDELSESRUM_DATA_DIR"] = tmp.name
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledelsesrum.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from ledelsesrum.coding.workspace import codebook_for
    from ledelsesrum.demo.build import build_demo
    from ledelsesrum.interviews.models import Interview
    from ledelsesrum.reports.compose import compose
    from ledelsesrum.reports.models import Recommendation
    from ledelsesrum.reports.render import render_docx, render_pdf

    t0 = time.perf_counter()
    demo = build_demo()
    from ledelsesrum.studies.models import Study

    study = Study.objects.get(pk=demo.study_id)
    print(f"demo built in {time.perf_counter() - t0:.1f} s (database: {django.db.connection.vendor}); "
          f"interviews done: {Interview.objects.filter(study=study, status='done').count()}")
    for pos, sub in enumerate(codebook_for(study).subthemes):
        Recommendation.objects.get_or_create(study=study, subtheme=sub.id, position=pos,
                                             defaults={"text": f"Anbefaling til {sub.label}."})

    pdf = b""
    for run in range(1, args.repeat + 1):
        t1 = time.perf_counter()
        report = compose(study)
        t2 = time.perf_counter()
        pdf = render_pdf(report)
        t3 = time.perf_counter()
        docx = render_docx(report)
        t4 = time.perf_counter()
        print(f"run {run}: compose {t2 - t1:.2f} s + PDF {t3 - t2:.2f} s = {t3 - t1:.2f} s "
              f"({len(pdf) / 1024:.0f} KiB); DOCX {t4 - t3:.2f} s ({len(docx) / 1024:.0f} KiB)")
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as fh:
        fh.write(pdf)
        path = fh.name
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    pages = re.search(r"Pages:\s+(\d+)", info)
    print(f"PDF pages: {pages.group(1) if pages else '?'}")
    if args.keep:
        args.keep.write_bytes(pdf)
    os.unlink(path)
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
