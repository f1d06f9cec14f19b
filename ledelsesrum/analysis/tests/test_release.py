"""Results are computed once per closed round, stored, and served to every channel from there."""

import pytest
from django.urls import reverse

from ledelsesrum.analysis import release as release_module
from ledelsesrum.analysis import views
from ledelsesrum.analysis.models import Release
from ledelsesrum.jobs.models import Job

from .factories import suppression_scenario


@pytest.mark.django_db
def test_first_view_stores_the_release_and_later_views_reuse_it(board_client, monkeypatch):
    scenario = suppression_scenario()
    url = reverse("analysis:results", kwargs={"study_id": scenario["study"].pk})
    assert board_client.get(url).status_code == 200
    stored = Release.objects.get(round=scenario["round"])
    assert stored.audited is True
    assert stored.settings_key == release_module.settings_key(scenario["round"])

    def boom(*args, **kwargs):
        raise AssertionError("a stored release must not be recomputed")

    monkeypatch.setattr(release_module, "compute_results", boom)
    assert board_client.get(url).status_code == 200
    assert board_client.get(reverse("analysis:export", kwargs={
        "study_id": scenario["study"].pk, "format": "json"})).status_code == 200


@pytest.mark.django_db
def test_raising_the_threshold_makes_a_new_release(board_client):
    scenario = suppression_scenario()
    study = scenario["study"]
    first = release_module.released_results(scenario["round"])
    study.anonymity_threshold = 8
    study.save()
    scenario["round"].refresh_from_db()
    assert release_module.stored_release(scenario["round"]) is None
    second = release_module.released_results(scenario["round"])
    # Append-only: the first release is kept, the new one is version 2.
    versions = list(Release.objects.filter(round=scenario["round"]).order_by("version"))
    assert [r.version for r in versions] == [1, 2]
    assert ";k=5;" in versions[0].settings_key and ";k=8;" in versions[1].settings_key
    assert first["thresholds"]["k"] == 5 and second["thresholds"]["k"] == 8
    assert second["release"] == {"version": 2, "earlier": 1}


@pytest.mark.django_db(transaction=True)
def test_a_large_round_is_released_by_a_background_job(board_client, monkeypatch):
    scenario = suppression_scenario()
    monkeypatch.setattr(views, "INLINE_RELEASE_LIMIT", 5)
    url = reverse("analysis:results", kwargs={"study_id": scenario["study"].pk})
    response = board_client.get(url)
    job = Job.objects.get(kind="ledelsesrum.analysis.release:release_job")
    # Jobs run immediately in tests, so the job is done and offers the way back.
    assert job.status == Job.Status.DONE
    assert job.result["next_url"] == url
    assert response.status_code == 200
    assert Release.objects.filter(round=scenario["round"]).exists()


@pytest.mark.django_db(transaction=True)
def test_closing_a_round_releases_its_results(analyst):
    from ledelsesrum.studies.models import Round
    from ledelsesrum.studies.rounds import close_round

    scenario = suppression_scenario()
    rnd = scenario["round"]
    Round.objects.filter(pk=rnd.pk).update(status=Round.Status.COLLECTING, closed_at=None)
    rnd.refresh_from_db()
    close_round(rnd)
    assert Release.objects.filter(round=rnd).exists()


@pytest.mark.django_db
def test_the_release_job_reuses_a_current_release_and_recomputes_a_stale_one():
    from ledelsesrum.jobs.runner import run_inline

    scenario = suppression_scenario()
    rnd = scenario["round"]
    release_module.release(rnd)
    computed_at = Release.objects.get(round=rnd).computed_at  # one release so far
    job = run_inline("ledelsesrum.analysis.release:release_job", {"round_id": rnd.pk})
    assert job.status == Job.Status.DONE and job.result["reused"] is True
    assert Release.objects.get(round=rnd).computed_at == computed_at
    scenario["study"].anonymity_threshold = 7
    scenario["study"].save()
    job = run_inline("ledelsesrum.analysis.release:release_job", {"round_id": rnd.pk})
    assert job.result["reused"] is False
    assert ";k=7;" in Release.objects.filter(round=rnd).order_by("-version")[0].settings_key


@pytest.mark.django_db
def test_a_raised_threshold_may_show_the_totals_bands_where_it_showed_five_categories():
    """Three bands that sum the five categories already out are the same figure, coarser: the
    new release is not refused. (Five categories after bands would be new, and is.)"""
    from ledelsesrum.disclosure.audit import _same_distribution
    from ledelsesrum.organisation.models import Unit

    from .factories import add_responses, answers, make_round, make_study

    study = make_study(k=3)
    rnd = make_round(study)
    unit = Unit.objects.create(name="Enheden")
    add_responses(rnd, unit, answers(1, 9) + answers(2, 3) + answers(3, 6) + answers(4, 3)
                  + answers(5, 3), area="A")
    first = release_module.release(rnd).payload
    total = next(i for i in first["items"] if i["code"] == "R1")["cells"]["total"]
    assert total["distribution"]["bands"] == 5
    study.anonymity_threshold = 4
    study.save()
    second = release_module.release(rnd)
    assert second.version == 2
    total = next(i for i in second.payload["items"] if i["code"] == "R1")["cells"]["total"]
    assert total["distribution"]["bands"] == 3 and total["distribution"]["counts"] == [12, 6, 6]
    assert _same_distribution((9, 3, 6, 3, 3), (12, 6, 6))
    assert not _same_distribution((12, 6, 6), (9, 3, 6, 3, 3))
    assert not _same_distribution((9, 3, 6, 3, 3), (11, 7, 6))
