"""Storage limitation: every study has a retention date, and deletion is real deletion.

Deleting a study removes everything collected for it — rounds, invitations, responses, the
questionnaire, releases, interviews, notes, the pseudonym key, meaning units — through the
database's cascades, in one transaction. What remains is the audit log's record that it happened
(ids and counts only), which is what a municipal archive or a data-protection officer asks for.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ledelsesrum.accounts import audit

from .models import Study


def expired_studies(today: dt.date | None = None) -> QuerySet[Study]:
    """Studies whose retention date has passed."""
    today = today or timezone.localdate()
    return Study.objects.filter(retention_until__isnull=False, retention_until__lt=today)


def delete_study(study: Study, *, user=None, reason: str = "manual") -> dict[str, int]:
    """Delete ``study`` and all its data; log what was deleted. Returns the counts per kind."""
    with transaction.atomic():
        study_id, name_length = study.pk, len(study.name)
        _, per_model = study.delete()
        counts = {label.split(".")[-1].lower(): n for label, n in per_model.items()}
        audit.record("study.delete", user=user, study_id=study_id, reason=reason,
                     name_length=name_length, deleted=counts)
    return counts


def purge_expired(today: dt.date | None = None, *, user=None) -> list[int]:
    """Delete every study past its retention date; return their ids."""
    deleted = []
    for study in list(expired_studies(today)):
        study_id = study.pk
        delete_study(study, user=user, reason="retention")
        deleted.append(study_id)
    return deleted
