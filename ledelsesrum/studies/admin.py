"""Studies and rounds are shown read-only: creating, editing, launching, closing and deleting go
through the app's own pages and commands, which check the rules and write the audit log
(``rounds.launch_round``/``close_round``, ``retention.delete_study``)."""

from django.contrib import admin

from ledelsesrum.lib.admin import ReadOnlyInline, ReadOnlyModelAdmin

from .models import Round, Study


class RoundInline(ReadOnlyInline):
    model = Round
    fields = ("number", "kind", "status", "launched_at", "closed_at")
    readonly_fields = fields


@admin.register(Study)
class StudyAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "anonymity_threshold", "starts_on", "ends_on", "retention_until")
    search_fields = ("name",)
    inlines = [RoundInline]


@admin.register(Round)
class RoundAdmin(ReadOnlyModelAdmin):
    list_display = ("study", "kind", "number", "status", "launched_at", "closed_at")
    list_filter = ("kind", "status")
