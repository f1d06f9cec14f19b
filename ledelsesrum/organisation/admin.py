from django.contrib import admin

from ledelsesrum.lib.admin import StrictModelAdmin

from .models import Leader, Unit


@admin.register(Unit)
class UnitAdmin(StrictModelAdmin):
    list_display = ("name", "kind", "parent", "code")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    raw_id_fields = ("parent",)


@admin.register(Leader)
class LeaderAdmin(StrictModelAdmin):
    list_display = ("name", "email", "unit", "area", "level", "active")
    list_filter = ("active", "level", "area", "leadership_education")
    search_fields = ("name", "email", "title")
    raw_id_fields = ("unit",)
