"""Import of interview notes: plan (parse, match, count replacements) and the all-or-nothing job.

The web (upload → preview → confirm) and the command line (``import-notes``) use the same
:func:`plan_import` for the preview / dry run and the same job function, :func:`import_notes_job`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from ledelsesrum.accounts import audit, roles
from ledelsesrum.coding.study_codebook import codebook_for
from ledelsesrum.jobs.runner import JobError, Progress

from . import staging
from .local_keys import sees_study_pseudonyms
from .models import Interview, InterviewNote
from .noteimport import (
    MAX_NOTE_BYTES,
    Candidate,
    NoteFileError,
    ParsedNoteFile,
    Section,
    matches_for,
    read_note_file,
)
from .notes import TextInput, load_register, load_table, save_texts
from .pseudonymise import pseudonymise

IMPORT_JOB = "ledelsesrum.interviews.importer:import_notes_job"


def max_note_bytes() -> int:
    return min(MAX_NOTE_BYTES, settings.MAX_UPLOAD_BYTES)


def visible_interviews(study_id: int, user):
    """The interviews ``user`` may see and edit: all for an analyst, their own for an interviewer."""
    qs = Interview.objects.filter(study_id=study_id).select_related("leader", "interviewer")
    if user is None or roles.ANALYST in roles.roles_of(user):
        return qs
    if roles.can_interview(user):
        return qs.filter(interviewer=user)
    return qs.none()


def candidates_for(interviews) -> list[Candidate]:
    return [
        Candidate(
            i.pk, i.leader.name if i.leader_id else "", i.leader.email if i.leader_id else "",
            cancelled=i.status == Interview.Status.CANCELLED,
        )
        for i in interviews
    ]


@dataclass
class FilePlan:
    index: int
    filename: str
    parsed: ParsedNoteFile | None = None
    error: str = ""
    matches: list[int] = field(default_factory=list)
    replacements: int = 0

    @property
    def interview_id(self) -> int | None:
        return self.matches[0] if len(self.matches) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.matches) > 1


@dataclass
class ImportPlan:
    files: list[FilePlan]

    @property
    def ok(self) -> bool:
        return all(f.parsed is not None for f in self.files)

    @property
    def errors(self) -> list[str]:
        return [f.error for f in self.files if f.error]


Parser = Callable[[int, str], ParsedNoteFile]


def _parse_key(codebook) -> str:
    """What a parse depends on besides the bytes: the size limit and the sub-themes headings match."""
    subthemes = [(s.id, s.label) for s in codebook.subthemes]
    return hashlib.sha1(json.dumps([max_note_bytes(), subthemes], ensure_ascii=False).encode()).hexdigest()


def staged_parser(token: str, codebook) -> Parser:
    """Parse staged file ``index`` once: the result (or the Danish error) is kept with the upload
    (``staging.save_result``) and read back by every later preview, the confirmation and the job.
    A result made from other bytes, another codebook or another size limit is parsed again."""
    key = _parse_key(codebook)

    def parse(index: int, filename: str) -> ParsedNoteFile:
        kept = staging.load_result(token, index, "notes")
        if not (isinstance(kept, dict) and kept.get("key") == key and kept.get("filename") == filename):
            try:
                parsed = read_note_file(filename, staging.read(token, index), max_bytes=max_note_bytes(),
                                        codebook=codebook)
                kept = {"key": key, "filename": filename, "format": parsed.format,
                        "encoding": parsed.encoding, "sections": [[s.theme_id, s.text] for s in parsed.sections]}
            except NoteFileError as exc:
                kept = {"key": key, "filename": filename, "error": str(exc)}
            staging.save_result(token, index, "notes", kept)
        if "error" in kept:
            raise NoteFileError(kept["error"])
        return ParsedNoteFile(Path(filename).name, kept["format"],
                              [Section(theme, text) for theme, text in kept["sections"]], kept["encoding"])

    return parse


def plan_staged(study_id: int, token: str, filenames: Sequence[str], user=None) -> ImportPlan:
    """:func:`plan_import` for a staged web upload, parsing each file once per upload."""
    parse = staged_parser(token, codebook_for(study_id))
    return plan_import(study_id, [(name, b"") for name in filenames], user=user, parse=parse)


def plan_import(study_id: int, files: Sequence[tuple[str, bytes]], user=None, *, parse: Parser | None = None) -> ImportPlan:
    """Parse every file, find its interview, and count what would be pseudonymised. Saves nothing.

    ``parse(index, filename)`` replaces parsing ``files``' bytes (see :func:`plan_staged`)."""
    candidates = candidates_for(visible_interviews(study_id, user))
    register = load_register()
    table = load_table(study_id)
    codebook = codebook_for(study_id)
    plans = []
    for index, (filename, data) in enumerate(files):
        plan = FilePlan(index, Path(filename).name)
        try:
            if parse is not None:
                plan.parsed = parse(index, filename)
            else:
                plan.parsed = read_note_file(filename, data, max_bytes=max_note_bytes(), codebook=codebook)
        except NoteFileError as exc:
            plan.error = str(exc)
        else:
            plan.matches = matches_for(filename, candidates)
            # A preview on a copy of the key: no pseudonym is handed out before the import runs.
            trial = table.copy()
            plan.replacements = sum(
                pseudonymise(s.text, register, trial).replacements for s in plan.parsed.sections
            )
        plans.append(plan)
    return ImportPlan(plans)


def import_notes_job(params: dict, progress: Progress) -> dict:
    """Import the files in ``params`` into their interviews: all files or none.

    ``params``: ``study_id``, ``user_id`` (or None from the command line), ``token`` (a staged
    web upload) or none, and ``files``: ``[{"index", "filename", "interview_id", "path"?}]``.
    """
    study_id = int(params["study_id"])
    files = params["files"]
    token = params.get("token")
    user = get_user_model().objects.filter(pk=params.get("user_id")).first() if params.get("user_id") else None
    total = len(files) * 2
    try:
        allowed = {i.pk: i for i in visible_interviews(study_id, user)}
        codebook = codebook_for(study_id)
        parse_staged = staged_parser(token, codebook) if token else None
        parsed: list[tuple[dict, ParsedNoteFile, Interview]] = []
        for n, spec in enumerate(files, start=1):
            progress(n - 1, total, f"Læser {spec['filename']}")
            interview = allowed.get(int(spec["interview_id"] or 0))
            if interview is None:
                raise JobError(
                    f"{spec['filename']}: interviewet findes ikke i undersøgelsen, eller du har ikke "
                    "adgang til det. Intet er importeret."
                )
            try:
                if parse_staged is not None:
                    # The very parse the preview showed (kept with the upload), not a new one.
                    note_file = parse_staged(int(spec["index"]), spec["filename"])
                else:
                    note_file = read_note_file(spec["filename"], Path(spec["path"]).read_bytes(),
                                               max_bytes=max_note_bytes(), codebook=codebook)
                parsed.append((spec, note_file, interview))
            except NoteFileError as exc:
                raise JobError(f"{exc} Intet er importeret.") from exc
        register = load_register()
        notes = replacements = 0
        with transaction.atomic():
            for n, (spec, note_file, interview) in enumerate(parsed, start=1):
                progress(len(files) + n - 1, total, f"Gemmer {spec['filename']}")
                outcomes = save_texts(
                    interview,
                    [
                        TextInput(
                            InterviewNote.Kind.SUMMARY if s.theme_id else InterviewNote.Kind.NOTES,
                            s.theme_id, s.text,
                        )
                        for s in note_file.sections
                    ],
                    user=user, append=True, source=InterviewNote.Source.IMPORT,
                    filename=note_file.filename, register=register,
                    # An interviewer's file is read in their interview's local labels, like typing.
                    local_labels=not sees_study_pseudonyms(user),
                )
                notes += sum(1 for o in outcomes if o.status in ("created", "updated"))
                replacements += sum(o.replacements for o in outcomes)
        progress(total, total, "Færdig")
    finally:
        if token:
            staging.discard(token)
    interview_ids = sorted({i.pk for _, _, i in parsed})
    audit.record(
        "interviews.import.run", user=user, study_id=study_id, job_files=len(files),
        interview_ids=interview_ids, notes=notes, via="web" if token else "cli",
    )
    return {
        "files": len(files), "notes": notes, "replacements": replacements,
        "interview_ids": interview_ids,
        "next_url": reverse("interviews:register", kwargs={"study_id": study_id}),
    }
