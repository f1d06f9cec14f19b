"""Small forms of the coding pages; the work is done in ``workspace``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .quantifiers import ADJUSTABLE_WORDS, format_percent, threshold_errors
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


# --- Kodebog page -------------------------------------------------------------------------------

ID_HELP = _("Højst 16 tegn: bogstaver, tal, punktum, bindestreg eller understreg, fx 7a.")


class CodebookImportForm(forms.Form):
    file = forms.FileField(
        label=_("Kodebog (JSON eller REFI-QDA .qdc)"), allow_empty_file=True,
        help_text=_("Erstatter undersøgelsens kodebog. Undertemaer, der allerede er kodet med, skal være med i filen."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.qdc,.xml,application/json,application/xml"}),
    )


class ThemeAddForm(forms.Form):
    theme_id = forms.CharField(label=_("Temaets id"), max_length=16, help_text=ID_HELP)
    label = forms.CharField(label=_("Temaets navn"), max_length=200)
    description = forms.CharField(label=_("Beskrivelse"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    sub_id = forms.CharField(label=_("Første undertemas id"), max_length=16, help_text=ID_HELP)
    sub_label = forms.CharField(label=_("Første undertemas navn"), max_length=200)


class ThemeEditForm(forms.Form):
    label = forms.CharField(label=_("Navn"), max_length=200)
    description = forms.CharField(label=_("Beskrivelse"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 2}))


class SubthemeAddForm(forms.Form):
    sub_id = forms.CharField(label=_("Id"), max_length=16, help_text=ID_HELP)
    label = forms.CharField(label=_("Navn"), max_length=200)
    description = forms.CharField(
        label=_("Beskrivelse"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Hvad hører til undertemaet, og hvad hører andre steder hjemme. Bruges til forslagene."),
    )
    examples = forms.CharField(
        label=_("Eksempler (ét udsagn pr. linje)"), required=False, max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SubthemeEditForm(forms.Form):
    label = forms.CharField(label=_("Navn"), max_length=200)
    description = SubthemeAddForm.base_fields["description"]
    examples = SubthemeAddForm.base_fields["examples"]


def _field(word: str) -> str:
    return word.replace(" ", "_")


class ThresholdsForm(forms.Form):
    """Percent per adjustable word; "alle" (100 %) and "få" (at least one) are fixed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for word in ADJUSTABLE_WORDS:
            self.fields[_field(word)] = forms.CharField(
                label=_("»%(word)s« fra (%% af de interviewede ledere)") % {"word": word}, max_length=12, required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
            )
        self.words = ADJUSTABLE_WORDS

    @staticmethod
    def initial_for(shares: dict[str, float]) -> dict[str, str]:
        return {_field(w): format_percent(s) for w, s in shares.items()}

    def clean(self):
        data = super().clean()
        shares: dict[str, float | None] = {}
        for word in self.words:
            raw = (self.data.get(_field(word)) or "").strip().replace("%", "").replace(",", ".").strip()
            if not raw:
                shares[word] = None
                continue
            try:
                value = float(raw)
            except ValueError:
                self.add_error(_field(word), _("Skriv et tal, fx 40 eller 37,5."))
                continue
            if value != value or value in (float("inf"), float("-inf")):
                self.add_error(_field(word), _("Skriv et tal, fx 40 eller 37,5."))
                continue
            shares[word] = round(value / 100, 6)
        if shares:
            for word, messages in threshold_errors(shares).items():
                for message in messages:
                    self.add_error(_field(word) if word else None, message)
        data["shares"] = {w: s for w, s in shares.items() if s is not None}
        return data

    def word_errors(self) -> list[tuple[str, list[str]]]:
        """(word, messages) for the feedback area, in scale order."""
        return [(w, list(self.errors.get(_field(w), []))) for w in self.words if self.errors.get(_field(w))]
