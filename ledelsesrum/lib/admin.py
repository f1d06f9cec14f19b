"""The Django admin as a maintenance tool that cannot be a way around the product's rules.

Django accepts any lookup on a model's own fields in a changelist's query string
(``?answers__icontains=…``), which turns a list into a yes/no oracle on whatever the filtered
rows hold. Every ModelAdmin of Ledelsesrum derives from `StrictModelAdmin`: only the parameters
its declared list filters produce are accepted; anything else is refused (HTTP 400) before a
query runs. Models that hold answers, open answers, notes or tokens are not registered at all
(docs/security.md), and study content is read-only here: it changes through the app's own
logged paths.
"""

from __future__ import annotations

from django.contrib import admin

# What Django's own list filters append to a field name (choices, booleans, related objects,
# dates, empty values).
_FILTER_SUFFIXES = ("", "__exact", "__isnull", "__id__exact", "__gte", "__lt")


def allowed_lookup(lookup: str, list_filter) -> bool:
    """Is ``lookup`` a parameter one of ``list_filter``'s own filters sends?"""
    for entry in list_filter:
        name = entry if isinstance(entry, str) else (entry[0] if isinstance(entry, tuple) else None)
        if name is None:  # a SimpleListFilter class: it names its own parameter
            parameter = getattr(entry, "parameter_name", None)
            if parameter and lookup == parameter:
                return True
            continue
        if any(lookup == name + suffix for suffix in _FILTER_SUFFIXES):
            return True
    return False


class StrictModelAdmin(admin.ModelAdmin):
    """A ModelAdmin that filters only by its declared list filters."""

    def lookup_allowed(self, lookup, value, request=None):
        return allowed_lookup(lookup, self.get_list_filter(request) if request else self.list_filter)


class _NoChanges:
    """View only: changes go through the app's pages and commands, which check and log them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyModelAdmin(_NoChanges, StrictModelAdmin):
    """A strict ModelAdmin that only shows."""


class ReadOnlyInline(_NoChanges, admin.TabularInline):
    extra = 0
    can_delete = False
