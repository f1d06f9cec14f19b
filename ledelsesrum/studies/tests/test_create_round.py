import pytest

from ledelsesrum.studies.models import Round
from ledelsesrum.studies.rounds import RoundError, close_round, create_round, launch_round

from .factories import make_leaders


@pytest.mark.django_db
def test_rounds_are_numbered_per_kind(ready_study):
    first = create_round(ready_study)
    pilot = create_round(ready_study, Round.Kind.PILOT)
    assert (first.number, first.kind, first.status) == (1, "main", "draft")
    assert (pilot.number, pilot.kind) == (1, "pilot")
    assert ready_study.rounds.count() == 2


@pytest.mark.django_db
def test_a_second_main_round_is_a_remeasurement_of_the_same_instrument_and_population(org, ready_study):
    make_leaders(4, org["skole_a"])
    first = create_round(ready_study)
    launch_round(first)
    close_round(first)
    make_leaders(2, org["center_c"])  # the organisation changed between the rounds
    second = create_round(ready_study)
    assert second.number == 2
    assert launch_round(second) == 6
    assert second.invitations.count() == 6
    assert first.invitations.count() == 4


@pytest.mark.django_db
def test_a_new_main_round_is_refused_while_the_previous_is_unfinished(ready_study):
    create_round(ready_study)
    with pytest.raises(RoundError, match="ikke afsluttet"):
        create_round(ready_study)
    assert ready_study.rounds.count() == 1
