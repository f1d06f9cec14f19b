"""Benchmark: compose the demo study's report and render it as PDF (and DOCX).

Builds the demo (``ledelsesrum.demo.build.build_demo``: 120 leaders with answers, a closed round,
about 80 done interviews with coded meaning units) in a temporary data folder, tops it up to
``--interviews`` done interviews (default 100: leaders without an interview get one whose notes
and coded units copy those of an existing interview) and ``--respondents`` respondents (default
120: invited leaders who did not answer submit a copy of an existing respondent's answers, and
the release is recomputed), adds a recommendation per sub-theme
(``followup.Recommendation``), then times ``compose``, ``render_pdf`` and ``render_docx`` and counts
PDF pages. Run 1 is cold (first composition in the process and an empty embedding cache: every coded
unit is embedded), later runs are warm; last, ``ledelsesrum report`` runs in a fresh process with
the units' embeddings on disk, as they are for a study coded in the app. The target (issue 5) is a 40-page PDF of a study with 100 interviews and 120
respondents in under 15 s.

    .venv/bin/python bench/bench_report.py [--repeat 2] [--interviews 100]
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


def top_up_interviews(study, target: int) -> int:
    """Give leaders without an interview a done one until ``target`` are done.

    Each new interview copies the (pseudonymised) notes and coded meaning units of an existing
    done interview, so the report has the demo's distribution of sub-themes at a larger size.
    """
    from django.db import transaction

    from ledelsesrum.coding.models import MeaningUnit
    from ledelsesrum.interviews.models import Interview, InterviewNote
    from ledelsesrum.organisation.models import Leader

    done = list(Interview.objects.filter(study=study, status="done").order_by("pk"))
    missing = target - len(done)
    if missing <= 0:
        return 0
    taken = set(Interview.objects.filter(study=study).values_list("leader_id", flat=True))
    free = list(Leader.objects.exclude(pk__in=taken).order_by("pk")[:missing])
    with transaction.atomic():
        for i, leader in enumerate(free):
            source = done[i % len(done)]
            interview = Interview.objects.create(
                study=study, leader=leader, interviewer=source.interviewer, status="done",
                planned_at=source.planned_at, held_at=source.held_at, format=source.format,
                duration_minutes=source.duration_minutes,
            )
            for note in source.notes.all():
                copy = InterviewNote.objects.create(interview=interview, kind=note.kind,
                                                    theme_id=note.theme_id, text=note.text)
                MeaningUnit.objects.bulk_create([
                    MeaningUnit(study=study, interview_note=copy, leader=leader,
                                source_key=f"note:{copy.pk}", source_digest=u.source_digest,
                                position=u.position, text=u.text, condensed=u.condensed, code=u.code,
                                coded_by=u.coded_by, coded_at=u.coded_at)
                    for u in MeaningUnit.objects.filter(interview_note=note)
                ])
    return len(free)


def top_up_respondents(study, target: int) -> int:
    """Let invited leaders without a submitted response answer (copying an existing respondent's
    answers) until ``target`` have, then recompute the stored release."""
    from django.db import transaction
    from django.utils import timezone

    from ledelsesrum.analysis.release import release
    from ledelsesrum.analysis.results import latest_closed_round
    from ledelsesrum.surveys.models import Invitation, Response

    round_ = latest_closed_round(study)
    submitted = list(Response.objects.filter(round=round_, submitted_at__isnull=False).order_by("pk"))
    missing = target - len(submitted)
    if missing <= 0 or not submitted:
        return 0
    open_invitations = list(Invitation.objects.filter(round=round_).exclude(
        response__submitted_at__isnull=False).order_by("pk")[:missing])
    now = timezone.now()
    segments = ("unit_id", "area", "level", "seniority_band", "span_band", "education")
    with transaction.atomic():
        for i, invitation in enumerate(open_invitations):
            source = submitted[i % len(submitted)]
            response = Response.objects.filter(invitation=invitation).first() or Response(
                round=round_, invitation=invitation)
            for name in segments:
                setattr(response, name, getattr(invitation, name))
            response.answers, response.submitted_at = dict(source.answers), now
            response.save()
            invitation.submitted_at = now
            invitation.save(update_fields=["submitted_at"])
        release(round_)
    return len(open_invitations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--interviews", type=int, default=100, help="done interviews to reach")
    parser.add_argument("--respondents", type=int, default=120, help="respondents to reach")
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
    from ledelsesrum.analysis.results import latest_closed_round
    from ledelsesrum.coding.models import MeaningUnit
    from ledelsesrum.coding.workspace import codebook_for
    from ledelsesrum.demo.build import build_demo
    from ledelsesrum.followup.models import Recommendation
    from ledelsesrum.interviews.models import Interview
    from ledelsesrum.reports.compose import compose
    from ledelsesrum.reports.render import render_docx, render_pdf

    t0 = time.perf_counter()
    demo = build_demo()
    from ledelsesrum.studies.models import Study
    from ledelsesrum.surveys.models import Response

    study = Study.objects.get(pk=demo.study_id)
    print(f"demo built in {time.perf_counter() - t0:.1f} s (database: {django.db.connection.vendor})")
    added = top_up_interviews(study, args.interviews)
    answered = top_up_respondents(study, args.respondents)
    done = Interview.objects.filter(study=study, status="done").count()
    coded = MeaningUnit.objects.filter(study=study, interview_note__isnull=False).exclude(code="").count()
    respondents = Response.objects.filter(round=latest_closed_round(study), submitted_at__isnull=False).count()
    print(f"interviews done: {done} ({added} added); coded note units: {coded}; "
          f"respondents: {respondents} ({answered} added)", flush=True)
    for pos, sub in enumerate(codebook_for(study).subthemes):
        Recommendation.objects.get_or_create(study=study, subtheme=sub.id, text=f"Anbefaling til {sub.label}.",
                                             defaults={"position": pos + 1})

    pdf = b""
    for run in range(1, args.repeat + 1):
        t1 = time.perf_counter()
        report = compose(study)
        t2 = time.perf_counter()
        pdf = render_pdf(report)
        t3 = time.perf_counter()
        docx = render_docx(report)
        t4 = time.perf_counter()
        label = "cold" if run == 1 else "warm"
        print(f"run {run} ({label}): compose {t2 - t1:.2f} s + PDF {t3 - t2:.2f} s = {t3 - t1:.2f} s "
              f"({len(pdf) / 1024:.0f} KiB); DOCX {t4 - t3:.2f} s ({len(docx) / 1024:.0f} KiB)", flush=True)
    # What an analyst runs: the command line in a fresh process (model, templates and fonts load
    # again). The units' embeddings are on disk by now, as they are for any study that was coded
    # in the app (the unit-build job embeds them), so only the suggester is refitted.
    with tempfile.TemporaryDirectory() as out_dir:
        target = Path(out_dir) / "rapport.pdf"
        cli = [sys.executable, "-m", "ledelsesrum.cli", "report", "--study", str(study.pk),
               "--format", "pdf", "--output", str(target)]
        t5 = time.perf_counter()
        subprocess.run(cli, check=True, capture_output=True, env=os.environ.copy())
        print(f"fresh process, embeddings on disk: `ledelsesrum report --format pdf` "
              f"{time.perf_counter() - t5:.2f} s ({target.stat().st_size / 1024:.0f} KiB)", flush=True)
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
