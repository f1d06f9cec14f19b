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


def test_the_links_csv_points_at_the_address_the_app_is_served_at(live_server, login_page, analyst, settings):
    import csv
    import io

    from ledelsesrum.surveys.tests.factories import (
        make_invitation,
        make_leader,
        make_questionnaire,
        make_round,
        make_study,
        make_unit,
    )

    settings.SITE_URL = ""
    study = make_study()
    make_questionnaire(study)
    round = make_round(study)
    invitation = make_invitation(round, make_leader(make_unit("Skolen"), name="Søren Ørsted"))
    page = login_page("alice")
    page.goto(live_server.url + reverse("surveys:distribution", kwargs={"study_id": study.pk}))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Hent links som CSV (til brevfletning)").click()
    content = open(download_info.value.path(), encoding="utf-8-sig").read()
    links = [row[3] for row in list(csv.reader(io.StringIO(content), delimiter=";"))[1:]]
    assert links == [f"{live_server.url}/s/{invitation.token}/"]
