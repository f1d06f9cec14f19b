from django.contrib import admin

from .models import Round, Study


class RoundInline(admin.TabularInline):
    model = Round
    extra = 0
    # Status changes go through rounds.launch_round/close_round, which freeze and sever links.
    readonly_fields = ("number", "kind", "status", "launched_at", "closed_at")
    can_delete = False


@admin.register(Study)
class StudyAdmin(admin.ModelAdmin):
    list_display = ("name", "anonymity_threshold", "starts_on", "ends_on", "retention_until")
    search_fields = ("name",)
    inlines = [RoundInline]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("study", "kind", "number", "status", "launched_at", "closed_at")
    list_filter = ("kind", "status")
    readonly_fields = ("status", "launched_at", "closed_at")
