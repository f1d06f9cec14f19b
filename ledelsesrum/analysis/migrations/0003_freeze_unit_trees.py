"""Freeze the unit tree of every launched round (Round.unit_tree).

A round with a release gets the tree its release was published with (the unit breakdown's
parents and names), so that later releases keep exactly the published groups even if units were
moved since; other launched rounds get today's tree.
"""

from django.db import migrations


def freeze(apps, schema_editor):
    Round = apps.get_model("studies", "Round")
    Release = apps.get_model("analysis", "Release")
    Unit = apps.get_model("organisation", "Unit")
    live = {str(pk): [parent, name] for pk, parent, name in Unit.objects.values_list("id", "parent_id", "name")}
    for rnd in Round.objects.exclude(status="draft"):
        if rnd.unit_tree:
            continue
        tree = dict(live)
        rel = Release.objects.filter(round=rnd).order_by("-version").first()
        if rel is not None:
            for b in (rel.payload or {}).get("breakdowns", []):
                if b.get("key") != "unit":
                    continue
                for g in b.get("groups", []):
                    key = g.get("key", "")
                    if not key.startswith("unit:") or key == "unit:none":
                        continue
                    parent = g.get("parent")
                    parent_id = int(parent.split(":", 1)[1]) if parent else None
                    tree[key.split(":", 1)[1]] = [parent_id, g.get("label", "")]
        rnd.unit_tree = tree
        rnd.save(update_fields=["unit_tree"])


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0002_release_history"),
        ("studies", "0002_round_unit_tree"),
        ("organisation", "0001_initial"),
    ]

    operations = [migrations.RunPython(freeze, migrations.RunPython.noop)]
