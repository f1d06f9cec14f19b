"""The analyst's edits of the report's texts (``SectionText``), kept apart from the generated draft.

Every text the composer generates can be replaced: the front sections (``purpose``, ``questions``,
``population``, ``method``), the closing perspective (``closing``) and each sub-theme's essence
(``essence:<code>``). Saving the draft unchanged, or an empty text, removes the edit, so the
section follows the data again. Recommendations are ``followup.Recommendation`` (see
``followup.decisions``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ledelsesrum.studies.models import Study

from .compose import closing_draft, front_drafts
from .models import SectionText

FRONT_KEYS = ("purpose", "questions", "population", "method")
ESSENCE_PREFIX = "essence:"


class EditError(ValueError):
    """An edit that cannot be made; the message is Danish and fit to show the user."""


@dataclass
class EditableText:
    key: str
    label: str
    anchor: str
    draft: str
    current: str
    edit: SectionText | None
    # Research questions are a list: one per line instead of paragraphs.
    one_per_line: bool = False

    @property
    def edited(self) -> bool:
        return self.edit is not None


def _normal(text: str) -> str:
    """Whitespace-insensitive form, so a draft saved unchanged is recognised as the draft."""
    return "\n".join(" ".join(line.split()) for line in text.strip().splitlines() if line.strip())


def edits(study: Study) -> dict[str, SectionText]:
    """The study's stored edits by key (blank texts are no edit)."""
    return {e.key: e for e in SectionText.objects.filter(study=study).select_related("updated_by")
            if e.text.strip()}


def editable(study: Study, key: str) -> EditableText:
    """The text behind ``key``: its generated draft, and the edit when there is one."""
    edit = SectionText.objects.filter(study=study, key=key).select_related("updated_by").first()
    if edit is not None and not edit.text.strip():
        edit = None
    one_per_line = False
    if key in FRONT_KEYS:
        sections = {s.key: s for s in front_drafts(study)}
        if key == "questions":
            label, draft, one_per_line = _("Undersøgelsesspørgsmål"), "\n".join(sections["purpose"].numbered), True
            anchor = "afsnit-purpose"
        else:
            label, draft = sections[key].title, "\n\n".join(sections[key].paragraphs)
            anchor = f"afsnit-{key}"
    elif key == "closing":
        label, draft, anchor = _("Perspektivering"), "\n\n".join(closing_draft()), "afsnit-closing"
    elif key.startswith(ESSENCE_PREFIX):
        from ledelsesrum.coding.models import SubthemeEssence
        from ledelsesrum.coding.workspace import codebook_for

        code = key[len(ESSENCE_PREFIX):]
        codebook = codebook_for(study)
        if code not in codebook:
            raise EditError(_("Afsnittet findes ikke i rapporten."))
        label = _("Essens: %(code)s %(label)s") % {"code": code, "label": codebook.get(code).label}
        draft = (SubthemeEssence.objects.filter(study=study, code=code)
                 .values_list("essence", flat=True).first() or "").strip()
        anchor = f"undertema-{code}"
    else:
        raise EditError(_("Afsnittet findes ikke i rapporten."))
    return EditableText(key, label, anchor, draft, edit.text if edit else draft, edit, one_per_line)


def save_text(study: Study, key: str, text: str, user=None) -> SectionText | None:
    """Store the analyst's text for ``key``. The draft itself or an empty text removes the edit
    (returns None), so the section is generated from the data again."""
    target = editable(study, key)
    if not text.strip() or _normal(text) == _normal(target.draft):
        reset_text(study, key)
        return None
    text = text.strip()
    try:
        with transaction.atomic():
            obj, _created = SectionText.objects.update_or_create(
                study=study, key=key, defaults={"text": text, "updated_by": user},
            )
    except IntegrityError:  # a double submit created it first; store the same text on that row
        obj = SectionText.objects.get(study=study, key=key)
        obj.text, obj.updated_by = text, user
        obj.save()
    return obj


def reset_text(study: Study, key: str) -> bool:
    """Back to the generated draft; True when an edit was removed."""
    deleted, _detail = SectionText.objects.filter(study=study, key=key).delete()
    return deleted > 0
