from __future__ import annotations

import pytest

from ledelsesrum.followup import decisions
from ledelsesrum.followup.models import Action, Decision, Recommendation


def test_rejecting_without_a_reason_is_refused_and_nothing_is_saved(study):
    rec = decisions.add_recommendation(study, subtheme="1a", text="Mål trivslen hvert år.")
    with pytest.raises(decisions.FollowupError, match="begrundelse"):
        decisions.record_decision(rec, outcome="rejected", reason="  ")
    assert not Decision.objects.exists()


def test_adjusting_needs_both_a_reason_and_the_adjusted_text(study):
    rec = decisions.add_recommendation(study, subtheme="1a", text="Mål trivslen hvert år.")
    with pytest.raises(decisions.FollowupError, match="begrundelse"):
        decisions.record_decision(rec, outcome="adjusted", adjusted_text="Hvert andet år.")
    with pytest.raises(decisions.FollowupError, match="justerede"):
        decisions.record_decision(rec, outcome="adjusted", reason="For dyrt.")
    decision = decisions.record_decision(rec, outcome="adjusted", reason="For dyrt.", adjusted_text="Hvert andet år.")
    assert Decision.objects.get().adjusted_text == "Hvert andet år." == decision.adjusted_text


def test_a_rejected_recommendation_cannot_get_actions(study):
    rec = decisions.add_recommendation(study, subtheme="2a", text="Færre omstillinger.")
    decisions.record_decision(rec, outcome="rejected", reason="Politisk bestemt.")
    with pytest.raises(decisions.FollowupError, match="vedtagne"):
        decisions.add_action(rec, title="Plan", owner_name="Direktør")
    assert not Action.objects.exists()


def test_an_undecided_recommendation_cannot_get_actions(study):
    rec = decisions.add_recommendation(study, subtheme="2a", text="Færre omstillinger.")
    with pytest.raises(decisions.FollowupError):
        decisions.add_action(rec, title="Plan", owner_name="Direktør")
    assert not Action.objects.exists()


def test_an_adopted_recommendation_gets_actions_and_a_repeat_does_not_duplicate(adopted):
    first = decisions.add_action(adopted, title="Delegér budgetansvar", owner_name="HR-chef",
                                 scale_codes=["RAADERUM"])
    again = decisions.add_action(adopted, title="Delegér budgetansvar", owner_name="HR-chef")
    assert first.pk == again.pk
    assert Action.objects.get().scale_codes == ["RAADERUM"]


def test_unknown_scale_codes_and_subthemes_are_refused(adopted, study):
    with pytest.raises(decisions.FollowupError, match="skalaer"):
        decisions.add_action(adopted, title="X", owner_name="Y", scale_codes=["NOPE"])
    with pytest.raises(decisions.FollowupError, match="undertema"):
        decisions.add_recommendation(study, subtheme="9z", text="X")
    assert not Action.objects.exists()
    assert Recommendation.objects.count() == 1


def test_marking_an_action_done_requires_evidence(adopted):
    action = decisions.add_action(adopted, title="Kursus", owner_name="HR")
    with pytest.raises(decisions.FollowupError, match="gennemført"):
        decisions.update_action(action, status="done", evidence="")
    assert Action.objects.get().status == "planned"
    decisions.update_action(action, status="done", evidence="Kursusliste med 40 deltagere")
    assert Action.objects.get().status == "done"


def test_rejecting_after_live_actions_exist_is_refused(adopted):
    decisions.add_action(adopted, title="Kursus", owner_name="HR")
    with pytest.raises(decisions.FollowupError, match="opgivet"):
        decisions.record_decision(adopted, outcome="rejected", reason="Ombestemt")
    assert Decision.objects.get().outcome == "adopted"


def test_a_repeated_recommendation_is_stored_once(study):
    a = decisions.add_recommendation(study, subtheme="3b", text="Mere tid til ledelse.")
    b = decisions.add_recommendation(study, subtheme="3b", text="Mere tid til ledelse. ")
    assert a.pk == b.pk and Recommendation.objects.count() == 1
