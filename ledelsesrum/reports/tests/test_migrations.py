"""The report's recommendations move into ``followup.Recommendation`` without loss or duplicates."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reports", "0001_initial"), ("followup", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_report_recommendations_are_copied_into_the_follow_up_and_the_old_model_goes():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Study = apps.get_model("studies", "Study")
    Old = apps.get_model("reports", "Recommendation")
    New = apps.get_model("followup", "Recommendation")
    study = Study.objects.create(name="Migreret")
    Old.objects.create(study=study, subtheme="1d", text="Andet forslag.", position=2)
    Old.objects.create(study=study, subtheme="1d", text="Første forslag.", position=1)
    Old.objects.create(study=study, subtheme="2a", text="Findes allerede.", position=1)
    New.objects.create(study=study, subtheme="2a", text="Findes allerede.", position=1)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    after = executor.loader.graph.leaf_nodes()  # back to the latest state of every app
    assert ("reports", "0003_delete_recommendation") in after
    executor.migrate(after)
    apps = executor.loader.project_state(after).apps
    New = apps.get_model("followup", "Recommendation")
    rows = list(New.objects.filter(study_id=study.pk).order_by("subtheme", "position")
                .values_list("subtheme", "text", "position"))
    assert rows == [("1d", "Første forslag.", 1), ("1d", "Andet forslag.", 2), ("2a", "Findes allerede.", 1)]
    assert New.objects.filter(source_note="Rapporten, undertema 1d").count() == 2
    with pytest.raises(LookupError):
        apps.get_model("reports", "Recommendation")
    assert "reports_recommendation" not in connection.introspection.table_names()
