"""Small forms of the coding pages; the work is done in ``workspace``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .workspace import codebook_for


def code_choices(study) -> list:
    """Sub-themes grouped by theme, for a <select>."""
    codebook = codebook_for(study)
    return [(f"{t.id} {t.label}", [(s.id, f"{s.id} {s.label}") for s in t.subthemes]) for t in codebook.themes]


class ConfirmForm(forms.Form):
    code = forms.CharField(required=False, max_length=16)
    other_code = forms.CharField(required=False, max_length=16)
    use_other = forms.CharField(required=False)
    condensed = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, study=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.study = study

    def clean(self):
        data = super().clean()
        code = data.get("other_code") if data.get("use_other") else data.get("code")
        if not code or code not in codebook_for(self.study):
            raise forms.ValidationError(_("Vælg et undertema fra kodebogen."))
        data["chosen"] = code
        return data


class EssenceForm(forms.Form):
    essence = forms.CharField(
        label=_("Essens"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Din sammenfatning af, hvad lederne siger om undertemaet."),
    )
