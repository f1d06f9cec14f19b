"""The interview register: list, counts, status filter, create, edit, plan/done/cancel."""

import datetime

import pytest
from django.urls import reverse

from ledelsesrum.interviews.models import Interview

from .helpers import make_interview, make_leader


def _register(study, **query):
    url = reverse("interviews:register", kwargs={"study_id": study.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.django_db
def test_the_register_counts_by_status_and_filters(analyst_client, study, hanne, jens):
    make_interview(study, hanne)
    make_interview(study, jens, status=Interview.Status.DONE)
    make_interview(study, make_leader("Lone Dahl"), status=Interview.Status.CANCELLED)
    html = analyst_client.get(_register(study)).content.decode()
    assert 'data-count="planned">1<' in html and 'data-count="done">1<' in html
    assert 'data-count="cancelled">1<' in html
    assert "Hanne Bøgh Madsen" in html and "Lone Dahl" in html
    filtered = analyst_client.get(_register(study, status="done")).content.decode()
    assert "Jens Ørsted" in filtered and "Hanne Bøgh Madsen" not in filtered


@pytest.mark.django_db
def test_interviews_with_several_notes_are_counted_once(analyst_client, study, hanne, jens):
    """Issue 12: "Gennemførte 358 / Alle (367)" for 81 done of 90 — the notes were counted."""
    from ledelsesrum.interviews.models import InterviewNote

    done = make_interview(study, hanne, status=Interview.Status.DONE)
    for theme in ("", "1a", "3b", "2e"):
        InterviewNote.objects.create(interview=done, kind="summary" if theme else "notes", theme_id=theme, text="Noter.")
    make_interview(study, jens)
    html = analyst_client.get(_register(study)).content.decode()
    assert 'data-count="done">1<' in html and 'data-count="planned">1<' in html
    assert "Alle (2)" in html


@pytest.mark.django_db
def test_an_analyst_plans_an_interview_for_an_interviewer(analyst_client, study, hanne, interviewer):
    response = analyst_client.post(reverse("interviews:create", kwargs={"study_id": study.pk}), {
        "leader": hanne.pk, "interviewer": interviewer.pk, "status": "planned",
        "planned_at": "2025-03-04", "duration_minutes": "60", "format": "in_person", "location": "Rådhuset",
    })
    interview = Interview.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("interviews:detail", kwargs={"study_id": study.pk, "pk": interview.pk})
    assert interview.interviewer == interviewer and interview.leader == hanne
    assert interview.planned_at == datetime.date(2025, 3, 4) and interview.duration_minutes == 60


@pytest.mark.django_db
def test_an_interviewer_creates_interviews_assigned_to_themself(interviewer_client, interviewer, study, hanne, analyst):
    response = interviewer_client.post(reverse("interviews:create", kwargs={"study_id": study.pk}), {
        "leader": hanne.pk, "interviewer": analyst.pk, "status": "planned",
    })
    assert response.status_code == 302
    assert Interview.objects.get().interviewer == interviewer


@pytest.mark.django_db
def test_a_leader_is_required_and_a_duration_must_be_minutes(analyst_client, study):
    response = analyst_client.post(reverse("interviews:create", kwargs={"study_id": study.pk}), {
        "status": "planned", "duration_minutes": "5000",
    })
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dette felt er påkrævet." in html and "højst 1440" in html
    assert not Interview.objects.exists()


@pytest.mark.django_db
def test_marking_done_sets_the_date_and_cancel_and_replan_change_status(analyst_client, interview):
    url = reverse("interviews:status", kwargs={"study_id": interview.study_id, "pk": interview.pk})
    analyst_client.post(url, {"action": "done"})
    interview.refresh_from_db()
    assert interview.status == "done" and interview.held_at is not None
    response = analyst_client.post(url, {"action": "cancel", "next": "register"})
    interview.refresh_from_db()
    assert response.url == reverse("interviews:register", kwargs={"study_id": interview.study_id})
    assert interview.status == "cancelled"
    analyst_client.post(url, {"action": "plan"})
    interview.refresh_from_db()
    assert interview.status == "planned"
    assert analyst_client.post(url, {"action": "slet"}).status_code == 404


@pytest.mark.django_db
def test_editing_keeps_the_interview_and_changes_its_fields(analyst_client, interview, jens):
    url = reverse("interviews:edit", kwargs={"study_id": interview.study_id, "pk": interview.pk})
    assert analyst_client.get(url).status_code == 200
    analyst_client.post(url, {"leader": jens.pk, "interviewer": interview.interviewer_id,
                              "status": "done", "planned_at": "2025-01-10"})
    interview.refresh_from_db()
    assert interview.leader == jens and interview.status == "done"
    assert interview.held_at == datetime.date(2025, 1, 10)
