"""Response rates on the distribution page: only for groups of at least k invitations, never
derivable by subtraction, never who answered. The folding itself is ``studies.rounds``' rule;
these tests hold the distribution page to it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ledelsesrum.surveys import answering, distribution

from .factories import (
    make_invitation,
    make_leader,
    make_questionnaire,
    make_round,
    make_study,
    make_unit,
)

pytestmark = pytest.mark.django_db


def setup_round(k: int = 5):
    study = make_study(k=k)
    make_questionnaire(study)
    return make_round(study)


def invite(round, unit, n, submitted=0, started=0):
    invitations = [make_invitation(round, make_leader(unit)) for _ in range(n)]
    for invitation in invitations[:submitted]:
        answering.submit(answering.start_response(invitation))
    for invitation in invitations[submitted:submitted + started]:
        answering.start_response(invitation)
    return invitations


def unit_rows(overview):
    return {row["label"]: (row["invited"], row["submitted"]) for row in overview["units"]}


def page(client, round) -> str:
    url = reverse("surveys:distribution", kwargs={"study_id": round.study_id})
    return client.get(url + f"?runde={round.pk}").content.decode()


def test_units_of_at_least_k_are_shown_with_their_rate(analyst_client):
    round = setup_round()
    area = make_unit("Ældre")
    invite(round, make_unit("Plejecenter A", area), 8, submitted=6, started=1)
    invite(round, make_unit("Plejecenter B", area), 5, submitted=5)

    overview = distribution.response_overview(round)
    assert (overview["invited"], overview["started"], overview["submitted"], overview["rate"]) == (13, 12, 11, 85)
    assert unit_rows(overview) == {"Plejecenter A": (8, 6), "Plejecenter B": (5, 5)}
    body = page(analyst_client, round)
    assert "Plejecenter A" in body and "75 %" in body and "85 %" in body


def test_a_unit_with_fewer_than_k_submitted_shows_no_count_and_no_rate(analyst_client):
    round = setup_round()
    area = make_unit("Ældre")
    invite(round, make_unit("Plejecenter A", area), 6, submitted=3, started=1)
    invite(round, make_unit("Plejecenter B", area), 5, submitted=5)
    invite(round, make_unit("Plejecenter C", area), 7, submitted=6)

    overview = distribution.response_overview(round)
    rows = unit_rows(overview)
    assert rows["Plejecenter A"] == (6, None)
    # and not derivable: total (14) minus B (5) and C (6) would give A's 3
    assert None in (rows["Plejecenter B"][1], rows["Plejecenter C"][1], overview["submitted"])
    body = page(analyst_client, round)
    assert "skjult" in body


def test_a_small_unit_never_appears_alone_and_cannot_be_subtracted(analyst_client):
    round = setup_round()
    a = make_unit("Skole A")
    b = make_unit("Skole B")
    c = make_unit("Skole C")
    invite(round, a, 5, submitted=1)
    invite(round, b, 7, submitted=2)
    invite(round, c, 2, submitted=2)  # total minus A and B would reveal C

    overview = distribution.response_overview(round)
    rows = unit_rows(overview)
    assert "Skole C" not in rows
    assert all(invited >= 5 for invited, _submitted in rows.values())
    assert sum(invited for invited, _submitted in rows.values()) == overview["invited"]
    body = page(analyst_client, round)
    assert "Skole C" not in body
    assert "Øvrige enheder" in body


def test_a_round_with_fewer_than_k_invitations_shows_no_rates(analyst_client):
    round = setup_round()
    invite(round, make_unit("Lille enhed"), 4, submitted=2)

    overview = distribution.response_overview(round)
    assert overview["rate"] is None and overview["submitted"] is None and overview["units"] == []
    body = page(analyst_client, round)
    assert "Færre end 5 er inviteret" in body
    assert "Lille enhed" not in body
    assert "har indsendt" not in body


def test_the_page_never_names_who_answered(analyst_client):
    round = setup_round(k=3)
    invitations = invite(round, make_unit("Rådhuset"), 4, submitted=2)

    body = page(analyst_client, round)
    for invitation in invitations:
        assert invitation.leader.name not in body
        assert invitation.leader.email not in body
        assert invitation.token not in body
    assert "Hvem der har svaret, vises aldrig." in body
