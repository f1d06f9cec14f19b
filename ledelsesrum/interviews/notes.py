"""Saving interview notes: pseudonymise, store the text, keep the key apart.

Views, the import job and the command line all save notes through :func:`save_texts`, so every
path pseudonymises the same way and a double submit is harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ledelsesrum.organisation.models import Leader
from ledelsesrum.studies.models import Study

from .local_keys import local_key
from .local_pseudonyms import delocalise
from .models import Interview, InterviewNote, PseudonymKey
from .pseudonymise import KeyEntry, PseudonymTable, Register, normalise, pseudonymise


def load_register() -> Register:
    """Every leader of the organisation, active or not: any of them may be named in a note."""
    return Register(Leader.objects.values_list("name", flat=True))


def load_table(study_id: int) -> PseudonymTable:
    rows = PseudonymKey.objects.filter(study_id=study_id).values_list("pseudonym", "real_value", "kind")
    return PseudonymTable(KeyEntry(p, r, k) for p, r, k in rows)


def store_entries(study_id: int, entries: Sequence[KeyEntry]) -> None:
    PseudonymKey.objects.bulk_create([
        PseudonymKey(
            study_id=study_id, pseudonym=e.pseudonym, real_value=e.real_value[:300], kind=e.kind,
            lookup=normalise(e.real_value)[:300],
        )
        for e in entries
    ])


@dataclass(frozen=True)
class TextInput:
    """One text to save: the note of ``kind``/``theme_id``, as typed or imported (not yet
    pseudonymised). ``expected_version`` is the version the form was shown with (None: any)."""

    kind: str
    theme_id: str
    text: str
    expected_version: int | None = None


@dataclass(frozen=True)
class SaveOutcome:
    kind: str
    theme_id: str
    note_id: int | None
    status: str  # "created", "updated", "unchanged", "conflict", "skipped"
    replacements: int = 0
    text: str = ""  # the pseudonymised text


def save_texts(
    interview: Interview,
    inputs: Sequence[TextInput],
    *,
    user=None,
    append: bool = False,
    source: str = InterviewNote.Source.MANUAL,
    filename: str = "",
    register: Register | None = None,
    local_labels: bool = False,
) -> list[SaveOutcome]:
    """Pseudonymise and save ``inputs`` for ``interview`` in one transaction.

    - Typing (``append=False``) replaces a note's text. When the note changed since the form was
      shown (``expected_version`` differs) and the new text differs from what is stored, the input
      is not saved (``conflict``) so nobody's text is overwritten unseen. Submitting the same text
      twice gives ``unchanged``: pseudonyms are stable, so the second pseudonymised text is equal.
    - Importing (``append=True``) adds the text after what the note already holds.
    - ``local_labels``: the texts come from someone who sees the interview's local labels (not an
      analyst, see ``local_keys``): its labels become study-wide pseudonyms again, and a study-wide
      pseudonym typed by hand loses its brackets, so it can never be tested against the key.
    """
    register = register or load_register()
    outcomes: list[SaveOutcome] = []
    with transaction.atomic():
        # One writer per study at a time: new pseudonyms are numbered from the study's key.
        Study.objects.select_for_update().filter(pk=interview.study_id).first()
        table = load_table(interview.study_id)
        existing = {(n.kind, n.theme_id): n for n in interview.notes.select_for_update()}
        key = local_key(interview.pk) if local_labels else None
        for item in inputs:
            if key is not None:
                item = replace(item, text=delocalise(item.text, key))
            note = existing.get((item.kind, item.theme_id))
            trial = pseudonymise(item.text, register, table.copy())
            if note is None and not trial.text.strip():
                outcomes.append(SaveOutcome(item.kind, item.theme_id, None, "skipped"))
                continue
            if note is not None and not append:
                if trial.text == note.text:
                    outcomes.append(SaveOutcome(item.kind, item.theme_id, note.pk, "unchanged", 0, note.text))
                    continue
                if item.expected_version is not None and item.expected_version != note.version:
                    outcomes.append(SaveOutcome(item.kind, item.theme_id, note.pk, "conflict", 0, trial.text))
                    continue
            done = pseudonymise(item.text, register, table)
            if note is None:
                note = InterviewNote.objects.create(
                    interview=interview, kind=item.kind, theme_id=item.theme_id, text=done.text,
                    source=source, original_filename=filename[:255], created_by=user, updated_by=user,
                )
                existing[(item.kind, item.theme_id)] = note
                status = "created"
            else:
                if append and note.text.strip():
                    new_text = f"{note.text.rstrip()}\n\n{done.text}"
                else:
                    new_text = done.text
                InterviewNote.objects.filter(pk=note.pk).update(
                    text=new_text, version=F("version") + 1, updated_by=user, updated_at=timezone.now(),
                    **({"original_filename": filename[:255]} if filename else {}),
                )
                note.refresh_from_db()
                status = "updated"
            outcomes.append(
                SaveOutcome(item.kind, item.theme_id, note.pk, status, done.replacements, note.text)
            )
        store_entries(interview.study_id, table.new_entries)
    return outcomes
