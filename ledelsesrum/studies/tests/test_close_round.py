import pytest
from django.utils import timezone

from ledelsesrum.studies.models import Round
from ledelsesrum.studies.rounds import RoundError, close_round, create_round, launch_round
from ledelsesrum.surveys.models import Invitation, Response

from .factories import make_leaders


def _answer(invitation, *, submitted: bool) -> Response:
    now = timezone.now()
    if submitted:
        invitation.submitted_at = now
    invitation.opened_at = now
    invitation.save()
    return Response.objects.create(
        round=invitation.round, invitation=invitation, unit=invitation.unit, area=invitation.area,
        answers={"q1": 2}, submitted_at=now if submitted else None,
    )


@pytest.fixture
def collecting(org, ready_study):
    make_leaders(6, org["skole_a"])
    round_ = create_round(ready_study)
    launch_round(round_)
    invitations = list(Invitation.objects.filter(round=round_).order_by("pk"))
    _answer(invitations[0], submitted=True)
    _answer(invitations[1], submitted=False)
    return round_


@pytest.mark.django_db
def test_close_clears_every_token_and_severs_every_response_link(collecting):
    close_round(collecting)

    collecting.refresh_from_db()
    assert collecting.status == Round.Status.CLOSED
    assert collecting.closed_at is not None
    assert not Invitation.objects.filter(round=collecting, token__isnull=False).exists()
    assert Response.objects.filter(round=collecting).count() == 2
    assert not Response.objects.filter(round=collecting, invitation__isnull=False).exists()


@pytest.mark.django_db
def test_close_keeps_the_answers_and_their_frozen_groups(collecting, org):
    close_round(collecting)
    submitted = Response.objects.get(round=collecting, submitted_at__isnull=False)
    assert submitted.answers == {"q1": 2}
    assert submitted.unit == org["skole_a"]


@pytest.mark.django_db
def test_close_leaves_no_timestamp_that_matches_an_answer_to_its_author(collecting):
    close_round(collecting)
    collecting.refresh_from_db()
    response = Response.objects.get(round=collecting, submitted_at__isnull=False)
    stamped = Invitation.objects.filter(round=collecting, submitted_at__isnull=False)
    assert stamped.count() == 1
    assert stamped.get().submitted_at == collecting.closed_at != response.submitted_at
    assert set(
        Invitation.objects.filter(round=collecting, opened_at__isnull=False).values_list("opened_at", flat=True)
    ) == {collecting.closed_at}


@pytest.mark.django_db
def test_close_is_irreversible_and_refused_twice_or_before_launch(collecting, ready_study):
    close_round(collecting)
    with pytest.raises(RoundError, match="allerede afsluttet"):
        close_round(collecting)
    with pytest.raises(RoundError, match="allerede startet eller afsluttet"):
        launch_round(collecting)
    draft = create_round(ready_study)
    with pytest.raises(RoundError, match="ikke startet"):
        close_round(draft)
    draft.refresh_from_db()
    assert draft.status == Round.Status.DRAFT
