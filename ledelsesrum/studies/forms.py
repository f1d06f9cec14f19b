"""Forms of the studies app. Validation lives here and in ``Study.clean``; views stay thin."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ledelsesrum.organisation.models import Leader, Unit

from . import population
from .models import (
    DEFAULT_MAIN_FIELDS,
    MIN_ANONYMITY_THRESHOLD,
    MIN_OPEN_TEXT_THRESHOLD,
    MIN_SENSITIVE_THRESHOLD,
    Study,
)


class LinesField(forms.CharField):
    """A list of strings edited as a textarea, one per line; blank lines are dropped."""

    widget = forms.Textarea

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StudyForm(forms.ModelForm):
    research_questions = LinesField(
        label=_("Undersøgelsesspørgsmål"),
        required=False,
        help_text=_(
            "Ét spørgsmål pr. linje. Eksempel: Hvordan oplever lederne deres muligheder for at "
            "lede, så kerneopgaven og fællesskabet på arbejdspladsen lykkes? · Hvilke idéer har "
            "lederne selv til bedre vilkår for ledelse?"
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    main_fields = LinesField(
        label=_("Hovedfelter"),
        required=False,
        help_text=_("De felter undersøgelsen ser på, ét pr. linje."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    population_unit = forms.ChoiceField(
        label=_("Afgrænset til enhed"),
        required=False,
        help_text=_("Enheden og alle enheder under den er med. Tom: hele organisationen."),
    )
    population_levels = forms.MultipleChoiceField(
        label=_("Ledelsesniveauer med"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ingen valgt: alle niveauer."),
    )
    population_areas = forms.MultipleChoiceField(
        label=_("Områder med"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Intet valgt: alle områder."),
    )

    class Meta:
        model = Study
        fields = [
            "name", "purpose", "research_questions", "main_fields",
            "population_unit", "population_levels", "population_areas",
            "starts_on", "ends_on",
            "anonymity_threshold", "open_text_threshold", "sensitive_threshold",
            "retention_until",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "retention_until": DateInput(),
        }
        help_texts = {
            "purpose": _(
                "Eksempel: At få et mere nuanceret billede af, hvordan lederne oplever deres "
                "vilkår, og samle deres egne idéer til, hvordan ledelse kan understøttes bedre."
            ),
            "anonymity_threshold": _(
                "Mindste antal besvarelser, før et tal for en gruppe vises. Standard 5, mindst 3."
            ),
            "open_text_threshold": _("Mindste antal besvarelser, før fritekstsvar vises. Mindst 5."),
            "sensitive_threshold": _(
                "Mindste antal besvarelser, før svar på følsomme spørgsmål vises. Mindst 10."
            ),
            "retention_until": _("Dato hvor undersøgelsens data senest skal slettes."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("main_fields", list(DEFAULT_MAIN_FIELDS))
        paths = population.unit_paths()
        self.fields["population_unit"].choices = [("", _("Hele organisationen"))] + sorted(
            ((str(pk), path) for pk, path in paths.items()), key=lambda c: c[1].casefold()
        )
        if self.instance.population_unit_id:
            self.initial["population_unit"] = str(self.instance.population_unit_id)
        # Keep values chosen earlier even if no active leader has them any more.
        levels = set(population.level_choices()) | set(self.instance.population_levels or [])
        areas = set(population.area_choices()) | set(self.instance.population_areas or [])
        self.fields["population_levels"].choices = [(v, v) for v in sorted(levels, key=str.casefold)]
        self.fields["population_areas"].choices = [(v, v) for v in sorted(areas, key=str.casefold)]
        self._released = bool(self.instance.pk) and self.instance.results_released

    def clean_population_unit(self) -> Unit | None:
        value = self.cleaned_data.get("population_unit")
        if not value:
            return None
        unit = Unit.objects.filter(pk=value).first()
        if unit is None:
            raise forms.ValidationError(_("Enheden findes ikke længere."))
        return unit

    def _threshold(self, field: str, floor: int, floor_message: str) -> int:
        value = self.cleaned_data.get(field)
        if value is None:
            return value
        if value < floor:
            raise forms.ValidationError(floor_message)
        if self._released:
            stored = getattr(Study.objects.get(pk=self.instance.pk), field)
            if value < stored:
                raise forms.ValidationError(
                    _(
                        "Resultaterne er allerede frigivet, så grænsen kan ikke sænkes under "
                        "%(stored)s. Det ville kunne afsløre tal, der tidligere var skjult."
                    ) % {"stored": stored}
                )
        return value

    def clean_anonymity_threshold(self) -> int:
        return self._threshold(
            "anonymity_threshold", MIN_ANONYMITY_THRESHOLD,
            _("Anonymitetsgrænsen skal være mindst 3, så ingen enkelt leder kan genkendes."),
        )

    def clean_open_text_threshold(self) -> int:
        return self._threshold(
            "open_text_threshold", MIN_OPEN_TEXT_THRESHOLD,
            _("Grænsen for fritekst skal være mindst 5."),
        )

    def clean_sensitive_threshold(self) -> int:
        return self._threshold(
            "sensitive_threshold", MIN_SENSITIVE_THRESHOLD,
            _("Grænsen for følsomme spørgsmål skal være mindst 10."),
        )

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("Slutdatoen skal ligge på eller efter startdatoen."))
        retention = data.get("retention_until")
        if retention and ends and retention < ends:
            self.add_error(
                "retention_until", _("Sletningsdatoen skal ligge på eller efter slutdatoen.")
            )
        k = data.get("anonymity_threshold")
        for field, label in (
            ("open_text_threshold", _("Grænsen for fritekst")),
            ("sensitive_threshold", _("Grænsen for følsomme spørgsmål")),
        ):
            value = data.get(field)
            if k is not None and value is not None and value < k:
                self.add_error(
                    field,
                    _("%(label)s kan ikke være lavere end anonymitetsgrænsen (%(k)s).")
                    % {"label": label, "k": k},
                )
        return data


class PilotForm(forms.Form):
    """The handful of leaders who test the questionnaire, by e-mail address."""

    emails = forms.CharField(
        label=_("Ledere i pilottesten"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("E-mailadresser, én pr. linje. Pilotens svar holdes adskilt fra undersøgelsen."),
    )

    def clean_emails(self) -> list[Leader]:
        wanted = {
            line.strip().lower()
            for line in self.cleaned_data["emails"].replace(",", "\n").splitlines()
            if line.strip()
        }
        if not wanted:
            raise forms.ValidationError(_("Skriv mindst én e-mailadresse."))
        match = Q()
        for email in wanted:
            match |= Q(email__iexact=email)
        found = {leader.email.lower(): leader for leader in Leader.objects.filter(match, active=True)}
        missing = sorted(wanted - set(found))
        if missing:
            raise forms.ValidationError(
                _("Ingen aktiv leder har disse e-mailadresser: %(emails)s")
                % {"emails": ", ".join(missing)}
            )
        return list(found.values())


class CloseRoundForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Jeg forstår, at runden ikke kan genåbnes, og at linkene holder op med at virke."),
        required=True,
        error_messages={"required": _("Bekræft, at runden skal afsluttes.")},
    )
