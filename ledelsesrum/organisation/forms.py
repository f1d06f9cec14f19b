from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .columns import FIELDS, ColumnMapping
from .models import Leader, Unit
from .tree import unit_paths

ACCEPTED_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm"}


def unit_choices(blank_label: str = "—") -> list[tuple[str, str]]:
    """Units labelled by their full path, in tree order, in one query."""
    paths = unit_paths()
    return [("", blank_label), *sorted(((str(pk), path) for pk, path in paths.items()), key=lambda c: c[1].casefold())]


class LeaderForm(forms.ModelForm):
    class Meta:
        model = Leader
        fields = [
            "name", "email", "unit", "area", "level", "title", "span_of_control",
            "years_as_leader", "leadership_education", "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Show the path, so two units with the same name can be told apart.
        self.fields["unit"].choices = unit_choices()

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        others = Leader.objects.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Der findes allerede en leder med denne e-mail."))
        return email


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "parent", "code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = unit_choices(str(_("(øverste niveau)")))

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get("parent")
        if parent is not None and self.instance.pk:
            node = parent
            while node is not None:
                if node.pk == self.instance.pk:
                    raise forms.ValidationError(_("En enhed kan ikke ligge under sig selv."))
                node = node.parent
        name = cleaned.get("name")
        if name:
            siblings = Unit.objects.filter(parent=parent, name__iexact=name)
            if self.instance.pk:
                siblings = siblings.exclude(pk=self.instance.pk)
            if siblings.exists():
                raise forms.ValidationError(_("Der findes allerede en enhed med det navn samme sted."))
        return cleaned


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (CSV eller Excel .xlsx)"),
        help_text=_("Første række skal være overskrifter. Se filformatet nedenfor."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix == ".xls":
            raise forms.ValidationError(
                _("Filen er i det gamle Excel-format (.xls). Gem den som .xlsx eller CSV, og prøv igen.")
            )
        if suffix not in ACCEPTED_SUFFIXES:
            raise forms.ValidationError(
                _("Filtypen '%(suffix)s' kan ikke indlæses. Vælg en CSV-fil eller en Excel-fil (.xlsx).")
                % {"suffix": suffix or _("(ingen)")}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("Filen er tom."))
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Filen er for stor; der kan højst uploades %(mb)d MB.")
                % {"mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class LeaderFilterForm(forms.Form):
    q = forms.CharField(label=_("Søg"), required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Navn, e-mail eller stilling")}))
    unit = forms.ChoiceField(label=_("Enhed (med underenheder)"), required=False)
    area = forms.ChoiceField(label=_("Område"), required=False)
    level = forms.ChoiceField(label=_("Ledelsesniveau"), required=False)
    education = forms.ChoiceField(
        label=_("Lederuddannelse"), required=False,
        choices=[("", _("Alle")), *Leader.Education.choices],
    )
    active = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("Alle")), ("1", _("Aktive")), ("0", _("Ikke aktive"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices(str(_("Alle")))
        areas = Leader.objects.exclude(area="").values_list("area", flat=True).distinct()
        levels = Leader.objects.exclude(level="").values_list("level", flat=True).distinct()
        self.fields["area"].choices = [("", _("Alle")), *((a, a) for a in sorted(areas, key=str.casefold))]
        self.fields["level"].choices = [("", _("Alle")), *((v, v) for v in sorted(levels, key=str.casefold))]


class ColumnMappingForm(forms.Form):
    """The preview's column step: for every field of the register, the file column that feeds it.

    One ``<select>`` per field (``column_<field>``), its options the file's headings (by column
    number, so two similar headings cannot be confused) and "ikke brugt". A column may feed one
    field only, and the name comes either from one column or from first and last name.
    """

    NOT_USED = ""

    def __init__(self, mapping: ColumnMapping, examples: dict[int, str] | None = None, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # the labels head the rows of a table
        super().__init__(*args, **kwargs)
        self.mapping_in = mapping
        self.examples = examples or {}
        self.mapping: ColumnMapping | None = None
        choices = [(self.NOT_USED, _("— ikke brugt —"))] + [
            (str(index), header) for index, header in enumerate(mapping.headers) if header
        ]
        for f in FIELDS:
            index = mapping.index(f.key)
            self.fields[f"column_{f.key}"] = forms.ChoiceField(
                label=f.label, required=False, choices=choices,
                initial=self.NOT_USED if index is None else str(index),
            )

    NOTES = {"name": _("(skal med – eller fornavn og efternavn)"), "email": _("(skal med)")}

    def rows(self) -> list[tuple[forms.BoundField, str, str]]:
        """(select, example from the file, note such as "skal med") per field, for the template."""
        result = []
        for f in FIELDS:
            bound = self[f"column_{f.key}"]
            value = str(bound.value() or "")
            example = self.examples.get(int(value), "") if value.isdigit() else ""
            result.append((bound, example, self.NOTES.get(f.key, "")))
        return result

    def clean(self):
        cleaned = super().clean()
        choices = {}
        for f in FIELDS:
            value = cleaned.get(f"column_{f.key}") or self.NOT_USED
            choices[f.key] = None if value == self.NOT_USED else int(value)
        mapping = ColumnMapping(headers=self.mapping_in.headers).with_choices(choices)
        conflicts = mapping.conflicts()
        if conflicts:
            raise forms.ValidationError(conflicts)
        self.mapping = mapping
        return cleaned
