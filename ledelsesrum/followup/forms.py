"""Plain forms; the rules live in :mod:`decisions`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .decisions import scale_choices, subtheme_choices
from .models import Action, Decision


class RecommendationForm(forms.Form):
    subtheme = forms.ChoiceField(label=_("Undertema"), choices=())
    text = forms.CharField(label=_("Anbefaling"), widget=forms.Textarea(attrs={"rows": 3}))
    source_note = forms.CharField(label=_("Kilde"), required=False, max_length=300,
                                  help_text=_("Fx afsnit i rapporten eller møde."))

    def __init__(self, *args, study=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subtheme"].choices = subtheme_choices(study)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Beslutning"), choices=Decision.Outcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Begrundelse"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Skal udfyldes, når anbefalingen justeres eller afvises."))
    adjusted_text = forms.CharField(label=_("Justeret anbefaling"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    meeting_date = forms.DateField(label=_("Mødedato"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Handling"), max_length=300)
    owner_name = forms.CharField(label=_("Ansvarlig"), max_length=200)
    owner_email = forms.EmailField(label=_("Ansvarliges e-mail"), required=False,
                                   help_text=_("Bruges til påmindelser, når fristen er overskredet."))
    deadline = forms.DateField(label=_("Frist"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices, initial=Action.Status.PLANNED)
    evidence = forms.CharField(label=_("Dokumentation"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Hvad viser, at handlingen er gennemført? Skal udfyldes ved status Gennemført."))
    scale_codes = forms.MultipleChoiceField(label=_("Skalaer handlingen skal flytte"), required=False,
                                            choices=(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scale_codes"].choices = scale_choices()
