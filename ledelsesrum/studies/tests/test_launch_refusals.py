import pytest

from ledelsesrum.studies.models import Round, Study
from ledelsesrum.studies.rounds import RoundError, create_round, launch_round
from ledelsesrum.surveys.models import Invitation, Questionnaire

from .factories import make_leader, make_leaders


@pytest.mark.django_db
def test_launch_is_refused_without_a_questionnaire(org, study):
    make_leader(org["skole_a"])
    round_ = create_round(study)
    with pytest.raises(RoundError, match="intet spørgeskema"):
        launch_round(round_)
    round_.refresh_from_db()
    assert round_.status == Round.Status.DRAFT
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_launch_is_refused_when_the_questionnaire_has_no_questions(org, study):
    make_leader(org["skole_a"])
    Questionnaire.objects.create(study=study, title="Tomt")
    round_ = create_round(study)
    with pytest.raises(RoundError, match="ingen spørgsmål"):
        launch_round(round_)
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_launch_is_refused_when_the_population_is_empty(org, ready_study):
    make_leader(org["skole_a"], level="Afdelingsleder")
    ready_study.population_levels = ["Direktør"]
    ready_study.save()
    round_ = create_round(ready_study)
    with pytest.raises(RoundError, match="Populationen er tom"):
        launch_round(round_)
    round_.refresh_from_db()
    assert round_.status == Round.Status.DRAFT


@pytest.mark.django_db
def test_a_round_cannot_be_launched_twice(org, ready_study):
    make_leaders(3, org["skole_a"])
    round_ = create_round(ready_study)
    launch_round(round_)
    with pytest.raises(RoundError, match="allerede startet"):
        launch_round(Round.objects.get(pk=round_.pk))
    assert Invitation.objects.filter(round=round_).count() == 3


@pytest.mark.django_db
def test_a_pilot_needs_chosen_active_leaders(org, ready_study):
    inactive = make_leader(org["skole_a"], active=False)
    pilot = create_round(ready_study, Round.Kind.PILOT)
    with pytest.raises(RoundError, match="Vælg de ledere"):
        launch_round(pilot)
    with pytest.raises(RoundError, match="aktiv"):
        launch_round(pilot, leaders=[inactive])
    assert not Invitation.objects.exists()
    assert Study.objects.get(pk=ready_study.pk).rounds.get().status == Round.Status.DRAFT
