"""Who is in a study: the population rule applied to the organisation's leaders.

A leader is in the population when they are active, sit in ``population_unit``'s subtree (the
unit itself and every unit below it) when a unit is set, and have a level / area listed in
``population_levels`` / ``population_areas`` when those lists are non-empty (empty means "all").

The unit tree is read once (one query for all ``(id, parent_id)`` pairs) and walked in memory,
so the rule stays one SQL query however many leaders there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from ledelsesrum.organisation.models import Leader, Unit


def subtree_ids(unit_id: int) -> set[int]:
    """The id of ``unit_id`` and of every unit below it."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Unit.objects.values_list("id", "parent_id"):
        children[parent_id].append(pk)
    found: set[int] = set()
    stack = [unit_id]
    while stack:
        current = stack.pop()
        if current in found:  # defensive: a cycle must not loop forever
            continue
        found.add(current)
        stack.extend(children.get(current, ()))
    return found


def leaders_matching(
    unit_id: int | None = None,
    levels: Iterable[str] = (),
    areas: Iterable[str] = (),
) -> QuerySet[Leader]:
    """Active leaders matching a population rule given as plain values (used by the live preview)."""
    qs = Leader.objects.filter(active=True)
    if unit_id is not None:
        qs = qs.filter(unit_id__in=subtree_ids(unit_id))
    levels = [v for v in levels if v]
    areas = [v for v in areas if v]
    if levels:
        qs = qs.filter(level__in=levels)
    if areas:
        qs = qs.filter(area__in=areas)
    return qs


def population_for(study) -> QuerySet[Leader]:
    """The leaders a main round of ``study`` invites, by the study's population rule."""
    return leaders_matching(
        unit_id=study.population_unit_id,
        levels=study.population_levels or (),
        areas=study.population_areas or (),
    )


def level_choices() -> list[str]:
    """The distinct, non-empty levels of active leaders, for the population form."""
    values = Leader.objects.filter(active=True).exclude(level="").values_list("level", flat=True)
    return sorted(set(values), key=str.casefold)


def area_choices() -> list[str]:
    """The distinct, non-empty areas of active leaders, for the population form."""
    values = Leader.objects.filter(active=True).exclude(area="").values_list("area", flat=True)
    return sorted(set(values), key=str.casefold)


def unit_paths() -> dict[int, str]:
    """Every unit's path from the root ("Kommune › Skoler › Nordskolen"), in one query."""
    rows = {pk: (name, parent_id) for pk, name, parent_id in Unit.objects.values_list("id", "name", "parent_id")}
    paths: dict[int, str] = {}

    def path(pk: int, depth: int = 0) -> str:
        if pk in paths:
            return paths[pk]
        name, parent_id = rows[pk]
        if parent_id is None or parent_id not in rows or depth > 50:
            result = name
        else:
            result = f"{path(parent_id, depth + 1)} › {name}"
        paths[pk] = result
        return result

    for pk in rows:
        path(pk)
    return paths
