from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ledelsesrum.accounts import roles
from ledelsesrum.organisation.models import Leader
from ledelsesrum.studies.population import population_for

from .models import GuideQuestion, Interview, InterviewGuide
from .themes import ThemeRef, all_themes


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class InterviewForm(forms.ModelForm):
    class Meta:
        model = Interview
        fields = [
            "leader", "interviewer", "status", "planned_at", "held_at", "duration_minutes",
            "format", "location",
        ]
        widgets = {"planned_at": DateInput(), "held_at": DateInput()}

    def __init__(self, *args, study, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The study's population, plus whoever the interview already names.
        leader_ids = set(population_for(study).values_list("pk", flat=True))
        if self.instance.leader_id:
            leader_ids.add(self.instance.leader_id)
        if not leader_ids:
            leader_ids = set(Leader.objects.filter(active=True).values_list("pk", flat=True))
        self.fields["leader"].queryset = Leader.objects.filter(pk__in=leader_ids).order_by("name")
        self.fields["leader"].required = True
        self.fields["leader"].label_from_instance = lambda leader: (
            f"{leader.name} ({leader.title})" if leader.title else leader.name
        )
        if roles.ANALYST in roles.roles_of(user):
            users = get_user_model().objects.filter(
                groups__name__in=[roles.ANALYST, roles.INTERVIEWER], is_active=True
            ).distinct().order_by("username")
            self.fields["interviewer"].queryset = users
            self.fields["interviewer"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        else:
            # An interviewer plans their own interviews only.
            del self.fields["interviewer"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Interview.Status.DONE and not cleaned.get("held_at"):
            cleaned["held_at"] = cleaned.get("planned_at")
        duration = cleaned.get("duration_minutes")
        if duration is not None and duration > 24 * 60:
            self.add_error("duration_minutes", _("Varigheden skal angives i minutter (højst 1440)."))
        return cleaned


class GuideForm(forms.ModelForm):
    class Meta:
        model = InterviewGuide
        fields = ["title", "intro"]


def theme_choices(refs: list[ThemeRef] | None = None) -> list[tuple[str, str]]:
    return [(t.id, t.display) for t in (refs or all_themes())]


class GuideQuestionForm(forms.ModelForm):
    themes = forms.MultipleChoiceField(
        label=_("Temaer"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("De temaer og undertemaer spørgsmålet åbner for."),
    )

    class Meta:
        model = GuideQuestion
        fields = ["text", "themes"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, codebook=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = theme_choices(all_themes(codebook))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,.md,.docx"}))
        # An empty file is explained per file in the preview, next to the good ones.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class NotesUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Filer med noter (.txt, .md eller .docx)"),
        help_text=_("Vælg én fil pr. interview. Filnavnet bør indeholde lederens navn eller e-mail."),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if not files:
            raise forms.ValidationError(_("Vælg mindst én fil."))
        if len(files) > 200:
            raise forms.ValidationError(_("Højst 200 filer ad gangen."))
        return files


class NotesForm(forms.Form):
    """A textarea for the general notes, one per theme and one for an overall summary, each with
    the version it was shown with (to tell a double submit from a stale form)."""

    def __init__(self, *args, themes: list[ThemeRef], **kwargs):
        super().__init__(*args, **kwargs)
        self.themes = themes
        self.fields["notes"] = forms.CharField(
            label=_("Noter fra samtalen"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        )
        self.fields["v_notes"] = forms.IntegerField(required=False, widget=forms.HiddenInput)
        for ref in themes:
            self.fields[f"summary_{ref.id}"] = forms.CharField(
                label=ref.display, required=False, widget=forms.Textarea(attrs={"rows": 5}),
            )
            self.fields[f"v_summary_{ref.id}"] = forms.IntegerField(required=False, widget=forms.HiddenInput)
        self.fields["summary_"] = forms.CharField(
            label=_("Samlet resumé / øvrigt"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        )
        self.fields["v_summary_"] = forms.IntegerField(required=False, widget=forms.HiddenInput)

    @staticmethod
    def field_name(kind: str, theme_id: str) -> str:
        return "notes" if kind == "notes" else f"summary_{theme_id}"

    def text_fields(self) -> list[tuple[str, str, str]]:
        """(kind, theme_id, field name) for every textarea, in page order."""
        out = [("notes", "", "notes")]
        out += [("summary", t.id, f"summary_{t.id}") for t in self.themes]
        out.append(("summary", "", "summary_"))
        return out

    def visible_pairs(self):
        return [(self[name], self[f"v_{name}"]) for _, _, name in self.text_fields()]
