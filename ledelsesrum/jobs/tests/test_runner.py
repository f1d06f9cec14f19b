import pytest

from ledelsesrum.jobs import runner
from ledelsesrum.jobs.models import Job


def counting_job(params, progress):
    for i in range(params["n"]):
        progress(i + 1, params["n"], f"række {i + 1}")
    return {"counted": params["n"]}


def failing_job(params, progress):
    raise runner.JobError("Filen mangler kolonnen 'e-mail'.")


def crashing_job(params, progress):
    raise ZeroDivisionError


KIND = "ledelsesrum.jobs.tests.test_runner:"


@pytest.mark.django_db
def test_inline_job_reports_progress_and_result():
    seen = []
    job = runner.run_inline(KIND + "counting_job", {"n": 3}, callback=lambda d, t, m: seen.append((d, t)))
    assert job.status == Job.Status.DONE
    assert job.result == {"counted": 3}
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert job.percent == 100


@pytest.mark.django_db(transaction=True)
def test_enqueued_job_runs_in_the_worker_and_is_polled(analyst_client):
    job = runner.enqueue(KIND + "counting_job", {"n": 5})
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    response = analyst_client.get(f"/job/{job.pk}/", HTTP_HX_REQUEST="true")
    assert "100 %" in response.content.decode()


@pytest.mark.django_db
def test_expected_failure_keeps_its_danish_message():
    job = runner.run_inline(KIND + "failing_job", {})
    assert job.status == Job.Status.FAILED
    assert job.error == "Filen mangler kolonnen 'e-mail'."


@pytest.mark.django_db
def test_crash_is_recorded_without_internals():
    job = runner.run_inline(KIND + "crashing_job", {})
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("Uventet fejl")


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        runner.resolve("os:system")
