"""The demo's follow-up: the board's decisions on round 1 and actions beside round 2's change."""

import datetime as dt

import pytest

from ledelsesrum.demo import build
from ledelsesrum.followup.models import Action, Decision, Recommendation
from ledelsesrum.followup.progress import action_scale_changes, compute_progress
from ledelsesrum.studies.models import Study

pytestmark = pytest.mark.django_db


@pytest.fixture
def study(seed_7_demo):
    """The study of ``build.build_demo(seed=7, size=25)`` (demo/tests/conftest.py)."""
    return Study.objects.get(pk=seed_7_demo.study_id)


def test_the_demo_board_has_decided_most_recommendations_and_one_action_is_overdue(study):
    today = dt.date.today()
    outcomes = sorted(Decision.objects.filter(recommendation__study=study).values_list("outcome", flat=True))
    assert outcomes == ["adjusted", "adopted", "adopted", "adopted", "rejected"]
    assert Recommendation.objects.filter(study=study, decision__isnull=True).count() == 1
    _themes, overall = compute_progress(study, today)
    assert overall.recommendations == 6 and overall.undecided == 1
    assert overall.done == 2 and len(overall.overdue) == 1
    assert overall.overdue[0].title.startswith("Kortlægning af dokumentationskrav")


def test_each_demo_action_stands_beside_the_change_of_its_scale(study):
    actions = list(Action.objects.filter(recommendation__study=study))
    changes = action_scale_changes(study, actions)
    by_title = {a.title: changes.get(a.pk, []) for a in actions}
    assert len(by_title) == 4
    for entries in by_title.values():
        assert len(entries) == 1
        change = entries[0]
        # Rounds 1 and 2 are both released, so every action shows a measured change.
        assert (change.from_round, change.to_round) == (1, 2) and change.delta is not None
    pool = by_title["Udviklingspulje på 50.000 kr. pr. institution"][0]
    assert pool.code == "RAADERUM" and pool.delta > 0  # the demo's round 2 shifts råderum up


def test_a_second_build_does_not_duplicate_the_follow_up(study):
    before = (Recommendation.objects.count(), Decision.objects.count(), Action.objects.count())
    build.build_demo(seed=7, size=25)
    assert before == (Recommendation.objects.count(), Decision.objects.count(), Action.objects.count())
