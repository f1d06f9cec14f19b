"""Personal links follow the address the app is served at (issue 12: links pointed to port 8000
while the server ran on 8101), or exporting them is refused with a Danish message."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from ledelsesrum.cli import served_url
from ledelsesrum.surveys import distribution

from .factories import (
    make_invitation,
    make_leader,
    make_questionnaire,
    make_round,
    make_study,
    make_unit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_with_one(settings):
    settings.SITE_URL = ""
    settings.SERVED_URL = ""
    study = make_study()
    make_questionnaire(study)
    round = make_round(study)
    invitation = make_invitation(round, make_leader(make_unit("Skolen"), name="Søren Ørsted"))
    return study, round, invitation


def _links(response) -> list[str]:
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    return [row[3] for row in rows[1:]]


def test_without_a_site_address_the_links_follow_the_address_in_use(analyst_client, round_with_one):
    study, round, invitation = round_with_one
    url = reverse("surveys:distribution_links", kwargs={"study_id": study.pk}) + f"?runde={round.pk}"
    response = analyst_client.get(url, HTTP_HOST="127.0.0.1:8101")
    assert response.status_code == 200
    assert _links(response) == [f"http://127.0.0.1:8101/s/{invitation.token}/"]


def test_the_configured_site_address_wins(analyst_client, round_with_one, settings):
    study, round, invitation = round_with_one
    settings.SITE_URL = "https://ledelsesrum.kommune.dk"
    url = reverse("surveys:distribution_links", kwargs={"study_id": study.pk}) + f"?runde={round.pk}"
    assert _links(analyst_client.get(url, HTTP_HOST="127.0.0.1:8101")) == [
        f"https://ledelsesrum.kommune.dk/s/{invitation.token}/"
    ]


def test_the_send_job_uses_the_address_the_analyst_used(analyst_client, round_with_one, django_capture_on_commit_callbacks):
    from django.core import mail

    study, round, invitation = round_with_one
    with django_capture_on_commit_callbacks(execute=True):
        analyst_client.post(reverse("surveys:distribution_send", kwargs={"study_id": study.pk}),
                            {"runde": round.pk}, HTTP_HOST="127.0.0.1:8101")
    assert len(mail.outbox) == 1
    assert f"http://127.0.0.1:8101/s/{invitation.token}/" in mail.outbox[0].body


def test_with_no_address_at_all_nothing_is_exported_and_it_says_why(round_with_one):
    _study, round, _invitation = round_with_one
    with pytest.raises(distribution.DistributionError, match="LEDELSESRUM_SITE_URL"):
        distribution.links_csv(round)
    with pytest.raises(distribution.DistributionError, match="LEDELSESRUM_SITE_URL"):
        distribution.send_invitations(round)


def test_serve_tells_the_app_its_address(round_with_one, settings):
    _study, round, invitation = round_with_one
    assert served_url("127.0.0.1", 8101) == "http://127.0.0.1:8101"
    assert served_url("::1", 8101) == "http://[::1]:8101"
    assert served_url("0.0.0.0", 8101) == ""  # all interfaces: the name is not known
    settings.SERVED_URL = served_url("127.0.0.1", 8101)
    assert distribution.link_for(invitation) == f"http://127.0.0.1:8101/s/{invitation.token}/"
