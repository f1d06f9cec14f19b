"""Compute a round's results once, store them, and serve every channel from the stored copy.

Releases are append-only. The first release of a round is computed when the round closes; a
study whose thresholds change later gets a *new* release (``version`` + 1), never an overwrite:
what was published once — a page, a downloaded CSV — stays the attacker's knowledge, so the new
release withholds everything earlier releases withheld and is audited together with them
(``compute_results(prior=...)``). A release the audit refuses leaves the earlier one in force.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import IntegrityError, transaction

from .models import Release
from .results import compute_results, open_answers

log = logging.getLogger(__name__)

# Bump when the payload layout or the disclosure rules change: a new release is then computed
# (restricted to what the earlier ones showed).
RESULTS_VERSION = 3


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


def releases_of(round) -> list[Release]:
    return list(Release.objects.filter(round=round).order_by("version"))


def release(round, progress=None) -> Release:
    """Compute (and audit, with every earlier release) a new release of a closed round."""
    earlier = releases_of(round)
    current = earlier[-1] if earlier else None
    if current is not None and current.settings_key == settings_key(round):
        return current
    started = time.perf_counter()
    payload = compute_results(round, progress=progress, prior=[r.payload for r in earlier])
    seconds = time.perf_counter() - started
    version = (current.version + 1) if current else 1
    payload["release"] = {"version": version, "earlier": len(earlier)}
    try:
        with transaction.atomic():
            return Release.objects.create(
                round=round, version=version, settings_key=settings_key(round), payload=payload,
                audited=bool(payload.get("audited")), seconds=seconds,
            )
    except IntegrityError:
        # Another process stored this version a moment ago (a double click, the job and a
        # page): theirs was computed from the same data with the same earlier releases.
        return Release.objects.get(round=round, version=version)


def stored_release(round) -> Release | None:
    """The latest stored release if it is current for the study's thresholds, else None."""
    obj = Release.objects.filter(round=round).order_by("-version").first()
    if obj is None or obj.settings_key != settings_key(round):
        return None
    return obj


def latest_release(round) -> Release | None:
    return Release.objects.filter(round=round).order_by("-version").first()


def released_results(round, *, include_open_answers: bool = False) -> dict[str, Any]:
    """The results of a closed round: the stored release, computed now if missing or stale.

    When a new release is refused by the audit, the latest earlier release stays in force.
    """
    from .results import DisclosureError

    obj = stored_release(round)
    if obj is None:
        try:
            obj = release(round)
        except DisclosureError:
            obj = latest_release(round)
            if obj is None:
                raise
            log.warning("new release of round %s refused; serving version %s", round.pk,
                        obj.version)
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
