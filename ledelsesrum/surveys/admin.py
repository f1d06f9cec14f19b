"""Admin for administrators: the questionnaire structure and the state of invitations.

Answers and tokens are left out on purpose: the admin is not a way around the anonymity rules.
"""

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


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "section", "position", "scale_code", "required")
    list_filter = ("kind", "questionnaire")
    search_fields = ("code", "text")


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
