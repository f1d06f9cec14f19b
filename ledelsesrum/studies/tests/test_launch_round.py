import pytest

from ledelsesrum.studies.models import Round
from ledelsesrum.studies.rounds import create_round, launch_round
from ledelsesrum.surveys.models import Invitation

from .factories import make_leader, make_leaders


@pytest.mark.django_db
def test_launch_invites_the_population_with_frozen_membership(org, ready_study):
    leader = make_leader(
        org["skole_a"], area="Skole", level="Institutionsleder", years=7, span=30, education="diplom"
    )
    make_leader(org["center_c"], area="Ældre")
    make_leader(org["center_c"], active=False)
    round_ = create_round(ready_study)

    assert launch_round(round_) == 2

    round_.refresh_from_db()
    assert round_.status == Round.Status.COLLECTING
    assert round_.launched_at is not None
    invitation = Invitation.objects.get(round=round_, leader=leader)
    assert invitation.unit == org["skole_a"]
    assert (invitation.area, invitation.level, invitation.education) == ("Skole", "Institutionsleder", "diplom")
    assert (invitation.seniority_band, invitation.span_band) == ("6-10 år", "26-50")


@pytest.mark.django_db
def test_a_leader_moved_after_launch_keeps_the_frozen_unit_on_the_invitation(org, ready_study):
    leader = make_leader(org["skole_a"], area="Skole", years=1)
    round_ = create_round(ready_study)
    launch_round(round_)

    leader.unit = org["center_c"]
    leader.area = "Ældre"
    leader.years_as_leader = 20
    leader.save()

    invitation = Invitation.objects.get(round=round_, leader=leader)
    assert invitation.unit_id == org["skole_a"].pk
    assert invitation.area == "Skole"
    assert invitation.seniority_band == "0-2 år"


@pytest.mark.django_db
def test_every_invitation_gets_its_own_unguessable_token(org, ready_study):
    make_leaders(20, org["skole_a"])
    round_ = create_round(ready_study)
    launch_round(round_)
    tokens = list(Invitation.objects.filter(round=round_).values_list("token", flat=True))
    assert len(set(tokens)) == 20
    assert all(len(token) >= 43 for token in tokens)  # 32 random bytes, URL-safe base64


@pytest.mark.django_db
def test_a_pilot_invites_only_the_chosen_leaders_in_a_round_of_its_own(org, ready_study):
    chosen = make_leaders(2, org["skole_a"])
    make_leaders(5, org["skole_b"])
    pilot = create_round(ready_study, Round.Kind.PILOT)

    assert launch_round(pilot, leaders=chosen) == 2

    assert set(Invitation.objects.filter(round=pilot).values_list("leader", flat=True)) == {
        leader.pk for leader in chosen
    }
    main = create_round(ready_study)
    assert launch_round(main) == 7
    assert Invitation.objects.filter(round=main).count() == 7
