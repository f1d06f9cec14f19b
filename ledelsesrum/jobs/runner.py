"""Run long work as a background job with visible progress.

A job function is a plain function ``fn(params: dict, progress: Progress) -> dict`` somewhere in
``ledelsesrum``; its dotted path (``"ledelsesrum.organisation.importer:import_leaders_job"``) is the
job's kind. The same function runs in the Huey worker (web UI, polled by htmx) and inline from the
command line (with a progress bar), so both paths do exactly the same work.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import Job

log = logging.getLogger(__name__)

JobFunction = Callable[[dict, "Progress"], dict]


class JobError(Exception):
    """An expected failure with a message fit for the user (in Danish)."""


class Progress:
    """Reports progress of a job; writes to the database at most every ``interval`` seconds."""

    def __init__(
        self,
        job: Job | None = None,
        callback: Callable[[int, int, str], None] | None = None,
        interval: float = 0.3,
    ) -> None:
        self.job = job
        self.callback = callback
        self.interval = interval
        self._last_write = 0.0
        self.done = 0
        self.total = 0
        self.message = ""

    def __call__(self, done: int, total: int | None = None, message: str | None = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        if message is not None:
            self.message = message[:300]
        if self.callback is not None:
            self.callback(self.done, self.total, self.message)
        now = time.monotonic()
        if self.job is not None and (now - self._last_write >= self.interval or done == self.total):
            self._last_write = now
            Job.objects.filter(pk=self.job.pk).update(
                done=self.done, total=self.total, message=self.message
            )


def resolve(kind: str) -> JobFunction:
    if not kind.startswith("ledelsesrum.") or ":" not in kind:
        raise ValueError(f"unknown job kind {kind!r}")
    module_name, func_name = kind.split(":", 1)
    return getattr(importlib.import_module(module_name), func_name)


def enqueue(kind: str, params: dict[str, Any], *, user=None, study_id: int | None = None) -> Job:
    """Create a job and hand it to the worker once the surrounding transaction commits."""
    resolve(kind)  # fail now, not in the worker, on a typo
    job = Job.objects.create(
        kind=kind, params=params, created_by=user if user and user.is_authenticated else None,
        study_id=study_id,
    )
    from .tasks import execute_job

    transaction.on_commit(lambda: execute_job(job.pk))
    return job


def execute(job: Job, callback: Callable[[int, int, str], None] | None = None) -> Job:
    """Run ``job`` here and now, recording progress, result or error on it."""
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())
    progress = Progress(job, callback)
    try:
        result = resolve(job.kind)(job.params, progress)
    except JobError as exc:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED, error=str(exc), finished_at=timezone.now()
        )
    except Exception as exc:  # noqa: BLE001 — a job must never die silently
        log.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED,
            error=f"Uventet fejl: {type(exc).__name__}. Intet er gemt fra dette job.",
            finished_at=timezone.now(),
        )
    else:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.DONE, result=result or {}, done=progress.total or progress.done,
            total=progress.total or progress.done, finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


def run_inline(
    kind: str, params: dict[str, Any], callback: Callable[[int, int, str], None] | None = None,
    study_id: int | None = None,
) -> Job:
    """Run a job in this process (the command line), still recorded as a Job."""
    resolve(kind)
    job = Job.objects.create(kind=kind, params=params, study_id=study_id)
    return execute(job, callback)
