"""The unit tree in memory: paths and leader counts without a query per unit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from .models import Leader, Unit


@dataclass
class UnitNode:
    id: int
    name: str
    kind: str
    kind_label: str
    depth: int = 0
    own_leaders: int = 0
    total_leaders: int = 0
    children: list[UnitNode] = field(default_factory=list)


def unit_paths() -> dict[int, str]:
    """Every unit's path from the root ("Børn og Unge › Dagtilbud Nord › Solsikken"), one query."""
    rows = {pk: (name, parent) for pk, name, parent in Unit.objects.values_list("id", "name", "parent_id")}
    paths: dict[int, str] = {}
    for pk in rows:
        chain, node = [], pk
        while node is not None and node in rows and len(chain) < 50:
            if node in paths:
                chain.append(paths[node])
                break
            name, parent = rows[node]
            chain.append(name)
            node = parent
        paths[pk] = " › ".join(reversed(chain))
    return paths


def unit_tree(active_only: bool = True) -> list[UnitNode]:
    """Root nodes with children, each with its own and its subtree's number of leaders."""
    labels = dict(Unit.Kind.choices)
    nodes = {
        pk: UnitNode(pk, name, kind, str(labels.get(kind, kind)))
        for pk, name, kind in Unit.objects.values_list("id", "name", "kind")
    }
    leaders = Leader.objects.filter(active=True) if active_only else Leader.objects.all()
    for unit_id, n in leaders.exclude(unit=None).values_list("unit_id").annotate(n=Count("id")):
        nodes[unit_id].own_leaders = n
    children: dict[int | None, list[UnitNode]] = defaultdict(list)
    for pk, parent in Unit.objects.values_list("id", "parent_id"):
        children[parent if parent in nodes else None].append(nodes[pk])
    for group in children.values():
        group.sort(key=lambda n: n.name.casefold())

    def build(node: UnitNode, depth: int, seen: set[int]) -> int:
        seen.add(node.id)
        node.depth = depth
        node.children = [c for c in children.get(node.id, []) if c.id not in seen]
        node.total_leaders = node.own_leaders + sum(build(c, depth + 1, seen) for c in node.children)
        return node.total_leaders

    roots = children.get(None, [])
    seen: set[int] = set()
    for root in roots:
        build(root, 0, seen)
    return roots


def subtree_ids(unit_id: int) -> set[int]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent in Unit.objects.values_list("id", "parent_id"):
        children[parent].append(pk)
    found, stack = set(), [unit_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, ()))
    return found
