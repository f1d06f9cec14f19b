"""Template helpers for the report's editing controls."""

from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    """``mapping[key]`` or None (Django templates cannot index a dict with a variable)."""
    if not mapping:
        return None
    return mapping.get(key)
