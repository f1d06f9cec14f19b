"""Forms of the questionnaire builder. They only validate input; the edits live in builder.py."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .bank import MAX_INSTRUMENT_BYTES, ItemBank
from .models import Question, Questionnaire


class CreateFromBankForm(forms.Form):
    scales = forms.MultipleChoiceField(
        label=_("Skalaer"), widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("Faktaspørgsmål og de to åbne spørgsmål kommer altid med; de kan fjernes bagefter."),
    )

    def __init__(self, *args, bank: ItemBank, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scales"].choices = [
            (s.code, f"{s.title} ({s.subtheme}, {len(s.items)})") for s in bank.scales
        ]
        self.fields["scales"].initial = [s.code for s in bank.scales]


class SectionChoiceMixin:
    def _limit_sections(self, questionnaire: Questionnaire, field: str = "section") -> None:
        self.fields[field].queryset = questionnaire.sections.order_by("position", "id")


class AddFromBankForm(SectionChoiceMixin, forms.Form):
    """Add a whole scale (``scale``) or one question (``item``) from the bank."""

    scale = forms.CharField(required=False, widget=forms.HiddenInput)
    item = forms.CharField(required=False, widget=forms.HiddenInput)
    section = forms.ModelChoiceField(
        label=_("Side"), queryset=None, required=False, empty_label=_("Ny side"),
    )

    def __init__(self, *args, questionnaire: Questionnaire, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._limit_sections(questionnaire)

    def clean(self):
        data = super().clean()
        if not data.get("scale") and not data.get("item"):
            raise forms.ValidationError(_("Vælg en skala eller et spørgsmål fra spørgebanken."))
        if data.get("item") and not data.get("section"):
            raise forms.ValidationError(_("Vælg den side, spørgsmålet skal stå på."))
        return data


class CustomQuestionForm(SectionChoiceMixin, forms.Form):
    section = forms.ModelChoiceField(label=_("Side"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Type"), choices=Question.Kind.choices, initial=Question.Kind.SCALE)
    text = forms.CharField(label=_("Spørgsmål"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
    help_text = forms.CharField(
        label=_("Hjælpetekst"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000,
    )
    response_scale = forms.ChoiceField(label=_("Svarskala"), required=False)
    reverse = forms.BooleanField(
        label=_("Negativt formuleret (vendes ved beregning af skalaens score)"), required=False,
    )
    options = forms.CharField(
        label=_("Svarmuligheder"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Kun for spørgsmål med svarmuligheder: én svarmulighed pr. linje."),
    )

    def __init__(self, *args, questionnaire: Questionnaire, bank: ItemBank, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._limit_sections(questionnaire)
        self.fields["response_scale"].choices = [
            (key, f"{rs.title}: {' / '.join(rs.labels)}") for key, rs in bank.response_scales.items()
        ]
        self.fields["response_scale"].initial = "grad5"

    def clean(self):
        data = super().clean()
        lines = [line.strip() for line in (data.get("options") or "").splitlines() if line.strip()]
        data["option_labels"] = lines
        if data.get("kind") == Question.Kind.CHOICE and len(set(lines)) < 2:
            self.add_error("options", _("Skriv mindst to forskellige svarmuligheder, én pr. linje."))
        return data


class QuestionEditForm(forms.Form):
    text = forms.CharField(label=_("Spørgsmål"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
    help_text = forms.CharField(
        label=_("Hjælpetekst"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000,
    )


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Overskrift"), max_length=200)
    intro = forms.CharField(
        label=_("Indledning"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
    )


class MoveToSectionForm(SectionChoiceMixin, forms.Form):
    section = forms.ModelChoiceField(label=_("Flyt til side"), queryset=None, empty_label=None)

    def __init__(self, *args, questionnaire: Questionnaire, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._limit_sections(questionnaire)


class InstrumentImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil med instrument (YAML eller JSON)"),
        help_text=_("Samme format som spørgebanken; se dokumentationen (docs/item-bank.md)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = min(MAX_INSTRUMENT_BYTES, getattr(settings, "MAX_UPLOAD_BYTES", MAX_INSTRUMENT_BYTES))
        if upload.size > limit:
            raise forms.ValidationError(_("Filen er for stor (højst 1 MB)."))
        if upload.size == 0:
            raise forms.ValidationError(_("Filen er tom."))
        name = (upload.name or "").lower()
        if not name.endswith((".yaml", ".yml", ".json")):
            raise forms.ValidationError(_("Vælg en fil med endelsen .yaml, .yml eller .json."))
        return upload
