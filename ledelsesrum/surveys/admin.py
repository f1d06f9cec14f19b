"""Admin for administrators: the questionnaire structure and the state of invitations.

Answers and tokens are left out on purpose: the admin is not a way around the anonymity rules.
"""

from django import forms
from django.contrib import admin

from .models import Invitation, Question, Questionnaire, Response, Section


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ("position", "title")


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ("title", "study", "bank_version", "updated_at")
    inlines = [SectionInline]


class QuestionAdminForm(forms.ModelForm):
    """The builder's lock also holds here: no question changes once a main round has started,
    so the scales of every round stay comparable (re-measurement, docs/studies.md)."""

    class Meta:
        model = Question
        fields = "__all__"  # noqa: DJ007 - the admin passes its own field list anyway

    def clean(self):
        cleaned = super().clean()
        questionnaire = cleaned.get("questionnaire") or getattr(self.instance, "questionnaire", None)
        if questionnaire is not None:
            from .builder import editing_locked_reason

            reason = editing_locked_reason(questionnaire.study)
            if reason:
                raise forms.ValidationError(reason)
        return cleaned


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionAdminForm
    list_display = ("code", "kind", "section", "position", "scale_code", "required")
    list_filter = ("kind", "questionnaire")
    search_fields = ("code", "text")

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None:
            from .builder import editing_locked_reason

            if editing_locked_reason(obj.questionnaire.study):
                return False
        return super().has_delete_permission(request, obj)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("pk", "round", "sent_at", "reminder_count", "opened_at", "submitted_at")
    list_filter = ("round",)
    fields = ("round", "sent_at", "reminder_count", "last_reminded_at", "opened_at", "submitted_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ("pk", "round", "source", "submitted_at")
    list_filter = ("round", "source")
    fields = ("round", "source", "current_section", "version", "started_at", "updated_at", "submitted_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False
