"""Benchmark: ``compute_results`` + JSON for a closed round of 50,000 respondents × 60 items.

Creates the dataset with ``bulk_create`` in a temporary data folder (SQLite by default, or the
database in ``LEDELSESRUM_DATABASE_URL``), then times the call and the serialisation and prints
the figures. The target (issue 2) is under 3 s for both together.

    .venv/bin/python bench/bench_results.py [--respondents 50000] [--items 60] [--repeat 3]

The organisation is shaped like a large Danish region or a multi-municipality study: 10 areas
(forvaltninger), each with 10 "områder" of 5 "tilbud" (660 units), four leadership levels that
follow the unit type, and the fixed seniority and span bands. Answers are drawn per scale around a
per-unit "climate", with a small share of "Ved ikke" on a few items (most items share one count
pattern, as in real questionnaires).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=50_000)
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dont-know-items", type=int, default=6,
                        help="items with a few 'Ved ikke' answers (the rest fully answered)")
    parser.add_argument("--audit", action="store_true",
                        help="also run the disclosure audit (a release always does)")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    tmp = None
    if "LEDELSESRUM_DATA_DIR" not in os.environ:
        tmp = tempfile.TemporaryDirectory(prefix="lr-bench-results-")
        os.environ["LEDELSESRUM_DATA_DIR"] = tmp.name
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledelsesrum.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    round_ = build_dataset(args.respondents, args.items, args.dont_know_items, args.seed)
    print(f"dataset: {args.respondents} respondents × {args.items} items created in "
          f"{time.perf_counter() - started:.1f} s (database: {django.db.connection.vendor})")

    from ledelsesrum.analysis.exports import to_json
    from ledelsesrum.analysis.results import compute_results

    best = None
    for run in range(1, args.repeat + 1):
        diag: dict = {}
        t0 = time.perf_counter()
        result = compute_results(round_, audit=args.audit, diagnostics=diag)
        t1 = time.perf_counter()
        text = to_json(result, indent=None)
        t2 = time.perf_counter()
        total = t2 - t0
        best = total if best is None else min(best, total)
        timings = ", ".join(f"{k} {v:.2f}" for k, v in diag["timings"].items())
        print(
            f"run {run}: compute_results {t1 - t0:.2f} s + JSON {t2 - t1:.2f} s = {total:.2f} s "
            f"[{timings}; {diag['protect_runs']} protect runs] "
            f"atoms={diag['atoms']} cells={diag['cells']} json={len(text) / 1e6:.1f} MB"
        )
    print(f"release (compute + audit-free JSON), best: {best:.2f} s")

    # What `ledelsesrum results` and the pages do after a round is closed: the release is computed
    # once (in the background when the round closes) and then served from the database.
    import subprocess

    from ledelsesrum.analysis.release import release

    t0 = time.perf_counter()
    release(round_)
    print(f"release stored in {time.perf_counter() - t0:.2f} s")
    cli = Path(sys.executable).with_name("ledelsesrum")
    for fmt in ("json", "csv"):
        t0 = time.perf_counter()
        out = subprocess.run([str(cli), "results", "--study", str(round_.study_id), "--format", fmt],
                             capture_output=True, check=True, env=os.environ.copy())
        elapsed = time.perf_counter() - t0
        print(f"`ledelsesrum results --format {fmt}` (whole process, stored release): "
              f"{elapsed:.2f} s, {len(out.stdout) / 1e6:.1f} MB -> "
              f"{'OK' if elapsed < 3 else 'SLOW'} (target < 3 s)")
    if tmp is not None:
        tmp.cleanup()


def build_dataset(n_resp: int, n_items: int, dont_know_items: int, seed: int):
    import numpy as np
    from django.db import transaction
    from django.utils import timezone

    from ledelsesrum.lib import segments
    from ledelsesrum.organisation.models import Unit
    from ledelsesrum.studies.models import Round, Study
    from ledelsesrum.surveys.models import Question, Questionnaire, Response, Section

    rng = np.random.default_rng(seed)
    with transaction.atomic():
        study = Study.objects.create(name="Benchmark: 50.000 ledere")
        q = Questionnaire.objects.create(study=study, title="Benchmark")
        section = Section.objects.create(questionnaire=q, title="Alle spørgsmål")
        per_scale = 4
        questions = []
        for i in range(n_items):
            scale = f"S{i // per_scale + 1:02d}"
            questions.append(Question(
                questionnaire=q, section=section, code=f"Q{i + 1:02d}", kind=Question.Kind.SCALE,
                text=f"Udsagn {i + 1}", response_scale="grad5", scale_code=scale,
                reverse_scored=(i % 7 == 6), position=i,
            ))
        Question.objects.bulk_create(questions)

        areas = [f"Forvaltning {a + 1}" for a in range(10)]
        root = Unit.objects.create(name="Regionen", kind=Unit.Kind.ORGANISATION)
        leaves: list[tuple[int, str, str]] = []  # (unit id, area, level)
        mids: list[tuple[int, str]] = []
        for area in areas:
            fv = Unit.objects.create(name=area, kind=Unit.Kind.FORVALTNING, parent=root)
            for o in range(10):
                om = Unit.objects.create(name=f"{area} – område {o + 1}", kind=Unit.Kind.OMRAADE,
                                         parent=fv)
                mids.append((om.pk, area))
                for t in range(5):
                    tb = Unit.objects.create(name=f"{om.name} – tilbud {t + 1}",
                                             kind=Unit.Kind.TILBUD, parent=om)
                    leaves.append((tb.pk, area, "Institutionsleder" if t < 4 else "Afdelingsleder"))
        now = timezone.now()
        rnd = Round.objects.create(study=study, number=1, status=Round.Status.CLOSED,
                                   launched_at=now, closed_at=now)

        # 95 % in the tilbud, 5 % placed directly in an område (områdeledere).
        in_leaf = rng.random(n_resp) < 0.95
        leaf_idx = rng.integers(0, len(leaves), n_resp)
        mid_idx = rng.integers(0, len(mids), n_resp)
        sen = rng.choice(segments.SENIORITY_LABELS, n_resp, p=[0.2, 0.3, 0.3, 0.2])
        span = rng.choice(segments.SPAN_LABELS, n_resp, p=[0.3, 0.4, 0.2, 0.1])
        climate = rng.normal(0, 0.6, len(leaves) + len(mids))
        codes = [f"Q{i + 1:02d}" for i in range(n_items)]
        dk_items = set(rng.choice(n_items, size=min(dont_know_items, n_items), replace=False))
        batch: list[Response] = []
        for r in range(n_resp):
            if in_leaf[r]:
                unit_id, area, level = leaves[leaf_idx[r]]
                c = climate[leaf_idx[r]]
            else:
                unit_id, area = mids[mid_idx[r]]
                level, c = "Områdeleder", climate[len(leaves) + mid_idx[r]]
            base = np.clip(np.rint(2.6 + c + rng.normal(0, 0.9, n_items)), 1, 5).astype(int)
            answers = {code: int(v) for code, v in zip(codes, base, strict=True)}
            for j in dk_items:
                if rng.random() < 0.03:
                    answers[codes[j]] = 0
            batch.append(Response(
                round=rnd, unit_id=unit_id, area=area, level=level, seniority_band=str(sen[r]),
                span_band=str(span[r]), answers=answers, submitted_at=now,
            ))
            if len(batch) >= 5000:
                Response.objects.bulk_create(batch)
                batch = []
        if batch:
            Response.objects.bulk_create(batch)
    return rnd


if __name__ == "__main__":
    main()
