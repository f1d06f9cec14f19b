"""Storage limitation: every study has a retention date, and deletion is real deletion.

Deleting a study removes everything collected for it — rounds, invitations, responses, the
questionnaire, releases, interviews, notes, the pseudonym key, meaning units — through the
database's cascades, in one transaction — and, once that has committed, what was derived from
it outside those tables: its jobs (whose parameters and results name its files), report files
in the data folder, staged and failed uploads of its imports, and cached sentence vectors of
its statements (pruned to the texts still in use, in memory and on disk). What remains is the
audit log's record that it happened (ids and counts only), which is what a municipal archive or
a data-protection officer asks for.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ledelsesrum.accounts import audit
from ledelsesrum.jobs.models import Job

from .models import Study

logger = logging.getLogger(__name__)


def expired_studies(today: dt.date | None = None) -> QuerySet[Study]:
    """Studies whose retention date has passed."""
    today = today or timezone.localdate()
    return Study.objects.filter(retention_until__isnull=False, retention_until__lt=today)


def _jobs_of(study: Study):
    round_ids = list(study.rounds.values_list("pk", flat=True))
    return Job.objects.filter(
        Q(study_id=study.pk) | Q(params__study_id=study.pk) | Q(params__round_id__in=round_ids)
    )


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _report_files(study_id: int, jobs: list) -> set[Path]:
    data_dir = Path(settings.DATA_DIR)
    folder = data_dir / "reports"
    found = set(folder.glob(f"rapport-{study_id}.*")) | set(folder.glob(f"rapport-{study_id}-*"))
    for job in jobs:
        for value in (job.params.get("path"), (job.result or {}).get("path")):
            # A path the CLI user chose outside the data folder is theirs to keep.
            if isinstance(value, str) and value and _inside(Path(value), data_dir):
                found.add(Path(value))
                found.add(Path(value + ".tmp"))
    return found


def _staged_tokens(jobs: list) -> set[str]:
    return {job.params["token"] for job in jobs if isinstance(job.params.get("token"), str)}


def _remove_derived(study_id: int, files: set[Path], tokens: set[str]) -> dict[str, int]:
    from ledelsesrum.coding import workspace
    from ledelsesrum.coding.embeddings import prune_cache_files
    from ledelsesrum.coding.models import MeaningUnit
    from ledelsesrum.coding.study_codebook import codebook_for
    from ledelsesrum.interviews import staging as interview_staging
    from ledelsesrum.organisation import staging as import_staging

    removed_files = 0
    for path in files:
        try:
            path.unlink()
            removed_files += 1
        except FileNotFoundError:
            pass
    for token in tokens:
        interview_staging.discard(token)
        import_staging.discard(token)
    workspace.forget_suggester(study_id)  # its in-memory vectors in this process
    keep = list(MeaningUnit.objects.values_list("text", flat=True).distinct())
    for other in Study.objects.all():
        keep.extend(t for sub in codebook_for(other).subthemes for t in sub.anchor_texts)
    vectors = prune_cache_files(Path(settings.DATA_DIR) / "embeddings", keep)
    return {"files": removed_files, "staged_uploads": len(tokens), "vectors": vectors}


def delete_study(study: Study, *, user=None, reason: str = "manual") -> dict[str, int]:
    """Delete ``study`` and all its data; log what was deleted. Returns the counts per kind."""
    with transaction.atomic():
        study_id, name_length = study.pk, len(study.name)
        jobs = list(_jobs_of(study))
        files, tokens = _report_files(study_id, jobs), _staged_tokens(jobs)
        _, per_model = study.delete()
        counts = {label.split(".")[-1].lower(): n for label, n in per_model.items()}
        counts["job"] = Job.objects.filter(pk__in=[job.pk for job in jobs]).delete()[0]
        audit.record("study.delete", user=user, study_id=study_id, reason=reason,
                     name_length=name_length, deleted=counts)
    try:
        derived = _remove_derived(study_id, files, tokens)
    except Exception:  # the rows are gone; a file left behind is logged, never fatal
        logger.exception("derived files of study %s could not all be removed", study_id)
        derived = {}
    if derived:
        audit.record("study.delete.derived", user=user, study_id=study_id, removed=derived)
    counts.update(derived)
    return counts


def purge_expired(today: dt.date | None = None, *, user=None) -> list[int]:
    """Delete every study past its retention date; return their ids."""
    deleted = []
    for study in list(expired_studies(today)):
        study_id = study.pk
        delete_study(study, user=user, reason="retention")
        deleted.append(study_id)
    return deleted
