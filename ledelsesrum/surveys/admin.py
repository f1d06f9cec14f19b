"""The questionnaire's structure, read-only (the builder edits it, with its lock).

Invitations and responses are not in the admin at all: an invitation ties a leader to a round's
state (opened, submitted), a response holds answers; the response overview and the results pages
show them only under the anonymity rules. The admin is not a way around those rules.
"""

from django.contrib import admin

from ledelsesrum.lib.admin import ReadOnlyInline, ReadOnlyModelAdmin

from .models import Question, Questionnaire, Section


class SectionInline(ReadOnlyInline):
    model = Section
    fields = ("position", "title")
    readonly_fields = fields


@admin.register(Questionnaire)
class QuestionnaireAdmin(ReadOnlyModelAdmin):
    list_display = ("title", "study", "bank_version", "updated_at")
    inlines = [SectionInline]


@admin.register(Question)
class QuestionAdmin(ReadOnlyModelAdmin):
    list_display = ("code", "kind", "section", "position", "scale_code", "required")
    list_filter = ("kind", "questionnaire")
    search_fields = ("code", "text")
