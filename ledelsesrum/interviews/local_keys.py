"""Local labels in the database: each interview's :class:`LocalKey`, and who sees which.

The labels of an interview are stored (``LocalPseudonym``) the first time they are needed, so they
never shift under someone's feet: a label shown in a form still means the same pseudonym when the
form comes back, however the interview's notes changed meanwhile. Numbering starts from the
interview's notes (in page order), so it does not depend on which page was opened first.

Analysts (``roles.can_read_pseudonym_key``) see and type the study-wide pseudonyms; everyone else
sees and types the interview's local labels (``local_pseudonyms``). Views translate through
:class:`TextView`; ``notes.save_texts`` and the coding workspace are given text that is already
study-wide.
"""

from __future__ import annotations

from collections.abc import Iterable

from ledelsesrum.accounts import roles

from .local_pseudonyms import LocalKey, delocalise, localise
from .models import InterviewNote, LocalPseudonym

_ATTEMPTS = 5


def sees_study_pseudonyms(user) -> bool:
    """Analysts, and the command line (no user): the study-wide pseudonyms; everyone else: local labels."""
    return user is None or roles.can_read_pseudonym_key(user)


def _stored(interview_id: int) -> LocalKey:
    return LocalKey(
        LocalPseudonym.objects.filter(interview_id=interview_id).order_by("id").values_list("pseudonym", "label")
    )


def local_key(interview_id: int, texts: Iterable[str] = ()) -> LocalKey:
    """The interview's key, with a label (stored) for every study-wide pseudonym of its notes and
    of ``texts``. Two requests labelling at once are sorted out by the unique constraints."""
    notes = InterviewNote.objects.filter(interview_id=interview_id).order_by("kind", "theme_id", "id")
    all_texts = [*notes.values_list("text", flat=True), *texts]
    for _attempt in range(_ATTEMPTS):
        key = _stored(interview_id)
        new = key.extend(all_texts)
        if not new:
            return key
        LocalPseudonym.objects.bulk_create(
            [LocalPseudonym(interview_id=interview_id, pseudonym=p, label=label) for p, label in new],
            ignore_conflicts=True,
        )
    # Still racing after several tries: what is stored; a pseudonym without a label is shown as a
    # bare "[Navn]" by localise, never as itself.
    return _stored(interview_id)


class TextView:
    """Interview text as one user may see it: unchanged for analysts, in local labels otherwise.

    ``show`` is for everything rendered (pages, htmx fragments, form values); ``read`` is for
    everything the user sends back (notes, a unit's text, a condensed meaning).
    """

    def __init__(self, user) -> None:
        self.local = not sees_study_pseudonyms(user)
        self._keys: dict[int, LocalKey] = {}

    def prepare(self, interview_id: int | None, texts: Iterable[str] = ()) -> None:
        """Label, in one go, the pseudonyms of ``texts`` of one interview (saves queries)."""
        if self.local and interview_id is not None:
            texts = list(texts)
            key = self._keys.get(interview_id)
            if key is None or not key.covers(texts):
                self._keys[interview_id] = local_key(interview_id, texts)

    def key(self, interview_id: int | None, texts: Iterable[str] = ()) -> LocalKey:
        texts = list(texts)
        if interview_id is None:
            # Text of no interview: a key of its own that nothing else shares.
            key = LocalKey()
            key.extend(texts)
            return key
        self.prepare(interview_id, texts)
        return self._keys[interview_id]

    def show(self, interview_id: int | None, text: str) -> str:
        if not self.local:
            return text
        return localise(text, self.key(interview_id, [text]))

    def read(self, interview_id: int | None, text: str) -> str:
        if not self.local:
            return text
        return delocalise(text, self.key(interview_id))
