"""One name for a round everywhere: "Runde 2", "Pilottest 1" — on pages, in exports, in file names."""

import pytest
from django.urls import reverse

from ledelsesrum.studies.models import Round
from ledelsesrum.surveys.tests.factories import (
    make_invitation,
    make_leader,
    make_questionnaire,
    make_round,
    make_study,
    make_unit,
)

pytestmark = pytest.mark.django_db


def test_rounds_are_runde_or_pilottest_and_file_names_follow():
    study = make_study()
    main = make_round(study, number=2)
    pilot = make_round(study, kind=Round.Kind.PILOT, number=1)
    assert (main.label, pilot.label) == ("Runde 2", "Pilottest 1")
    assert (main.slug, pilot.slug) == ("runde-2", "pilottest-1")
    assert str(pilot).endswith("– Pilottest 1")


def test_a_pilots_links_download_as_pilottest_not_as_its_row_id(analyst_client, settings):
    settings.SITE_URL = "https://lr.example.dk"
    study = make_study()
    make_questionnaire(study)
    make_round(study, number=1)
    make_round(study, number=2)
    pilot = make_round(study, kind=Round.Kind.PILOT, number=1)
    make_invitation(pilot, make_leader(make_unit("Skolen"), name="Søren"))
    response = analyst_client.get(reverse("surveys:distribution_links", kwargs={"study_id": study.pk}) + f"?runde={pilot.pk}")
    assert response["Content-Disposition"] == f'attachment; filename="links-undersoegelse-{study.pk}-pilottest-1.csv"'


def test_the_study_page_says_runde(analyst_client):
    study = make_study()
    make_questionnaire(study)
    make_round(study, number=1)
    html = analyst_client.get(reverse("studies:detail", kwargs={"pk": study.pk})).content.decode()
    assert "Runde 1" in html and "Undersøgelse 1" not in html
