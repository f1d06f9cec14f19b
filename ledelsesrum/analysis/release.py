"""Compute a round's results once, store them, and serve every channel from the stored copy."""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction

from .models import Release
from .results import compute_results, open_answers

# Bump when the payload layout or the disclosure rules change: old releases are then recomputed.
RESULTS_VERSION = 2


# Above this many submitted responses a missing release is computed as a background job, not
# inside a page request.
INLINE_RELEASE_LIMIT = 300


def too_large_to_release_inline(round, limit: int = INLINE_RELEASE_LIMIT) -> bool:
    return round.responses.filter(submitted_at__isnull=False).count() > limit


def settings_key(round) -> str:
    study = round.study
    return (
        f"v{RESULTS_VERSION};k={study.anonymity_threshold};"
        f"sensitive={study.sensitive_threshold};open={study.open_text_threshold}"
    )


def release(round, progress=None) -> Release:
    """Compute (and audit) the results of a closed round and store them."""
    started = time.perf_counter()
    payload = compute_results(round, progress=progress)
    seconds = time.perf_counter() - started
    obj, _ = Release.objects.update_or_create(
        round=round,
        defaults={
            "settings_key": settings_key(round),
            "payload": payload,
            "audited": bool(payload.get("audited")),
            "seconds": seconds,
        },
    )
    return obj


def stored_release(round) -> Release | None:
    """The stored release if it is current for the study's thresholds, else None."""
    obj = Release.objects.filter(round=round).first()
    if obj is None or obj.settings_key != settings_key(round):
        return None
    return obj


def released_results(round, *, include_open_answers: bool = False) -> dict[str, Any]:
    """The results of a closed round: the stored release, computed now if missing or stale."""
    obj = stored_release(round) or release(round)
    result = dict(obj.payload)
    if include_open_answers:
        result["open_answers"] = open_answers(round)
    return result


def release_job(params: dict, progress) -> dict:
    """Background job: compute the release of ``params["round_id"]``."""
    from django.urls import reverse

    from ledelsesrum.studies.models import Round

    round = Round.objects.select_related("study").get(pk=params["round_id"])
    # A closed round's answers never change, so a current release (same thresholds and rules),
    # e.g. one the demo or the command line computed meanwhile, is final: do not redo the work.
    current = stored_release(round)
    obj = current or release(round, progress=progress)
    return {
        "round_id": round.pk,
        "reused": current is not None,
        "seconds": round_seconds(obj.seconds),
        "next_url": reverse("analysis:results", kwargs={"study_id": round.study_id}),
    }


def round_seconds(value: float) -> float:
    return float(f"{value:.2f}")


def schedule_release(round) -> None:
    """Compute the release in the background once the surrounding transaction commits."""
    from ledelsesrum.jobs.runner import enqueue

    transaction.on_commit(
        lambda: enqueue("ledelsesrum.analysis.release:release_job", {"round_id": round.pk},
                        study_id=round.study_id)
    )
