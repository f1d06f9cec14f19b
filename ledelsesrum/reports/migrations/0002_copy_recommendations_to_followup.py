"""Recommendations become one model: copy ``reports.Recommendation`` into ``followup.Recommendation``.

An identical (study, sub-theme, text) already in the follow-up is kept as it is, so running this
after the analyst typed the same recommendation in both places does not duplicate it.
"""

from django.db import migrations


def copy_recommendations(apps, schema_editor):
    Old = apps.get_model("reports", "Recommendation")
    New = apps.get_model("followup", "Recommendation")
    for old in Old.objects.order_by("study_id", "subtheme", "position", "id"):
        text = old.text.strip()
        if not text or New.objects.filter(study_id=old.study_id, subtheme=old.subtheme, text=text).exists():
            continue
        last = New.objects.filter(study_id=old.study_id, subtheme=old.subtheme).order_by("-position").first()
        New.objects.create(
            study_id=old.study_id, subtheme=old.subtheme, text=text,
            source_note="Rapporten, undertema %s" % old.subtheme,
            position=(last.position + 1) if last else 1, created_by_id=old.created_by_id,
        )


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0001_initial"),
        ("followup", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_recommendations, migrations.RunPython.noop),
    ]
