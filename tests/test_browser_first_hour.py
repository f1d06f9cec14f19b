"""What a new analyst sees in the first hour (issue 12), in Chromium."""

import pytest
from django.urls import reverse

from ledelsesrum.interviews.models import Interview, InterviewNote
from ledelsesrum.organisation.models import Leader, Unit
from ledelsesrum.studies.models import Study

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_interview_counters_count_interviews_not_notes(live_server, login_page, analyst):
    study = Study.objects.create(name="Vilkår for ledelse")
    unit = Unit.objects.create(name="Skolen")
    for i in range(3):
        leader = Leader.objects.create(name=f"Leder {i}", email=f"l{i}@kommune.dk", unit=unit)
        interview = Interview.objects.create(study=study, leader=leader, status=Interview.Status.DONE if i < 2 else Interview.Status.PLANNED)
        for theme in ("", "1a", "3b"):
            InterviewNote.objects.create(interview=interview, kind="summary" if theme else "notes", theme_id=theme, text="Noter.")
    page = login_page("alice")
    page.goto(live_server.url + reverse("interviews:register", kwargs={"study_id": study.pk}))
    assert page.locator('[data-count="done"]').inner_text() == "2"
    assert page.locator('[data-count="planned"]').inner_text() == "1"
    assert "Alle (3)" in page.locator("select").first.inner_text()
