"""Rewording, deleting and reordering recommendations (the report's editor calls these)."""

from __future__ import annotations

import pytest

from ledelsesrum.followup import decisions
from ledelsesrum.followup.models import Action, Decision, Recommendation


def _texts(study, subtheme="1d"):
    return list(Recommendation.objects.filter(study=study, subtheme=subtheme)
                .order_by("position", "id").values_list("text", flat=True))


def test_a_decided_recommendation_can_be_neither_deleted_nor_reworded(adopted):
    decisions.add_action(adopted, title="Delegér budgetansvar", owner_name="HR-chef")
    with pytest.raises(decisions.FollowupError, match="kan ikke slettes"):
        decisions.delete_recommendation(adopted)
    with pytest.raises(decisions.FollowupError, match="kan ikke længere ændres"):
        decisions.update_recommendation(adopted, text="Noget andet.")
    adopted.refresh_from_db()
    assert adopted.text == "Giv lederne mere råderum."
    assert Decision.objects.count() == 1 and Action.objects.count() == 1


def test_an_undecided_recommendation_is_reworded_or_deleted(study):
    rec = decisions.add_recommendation(study, subtheme="1d", text="Første.")
    other = decisions.add_recommendation(study, subtheme="1d", text="Anden.")
    with pytest.raises(decisions.FollowupError, match="allerede en anbefaling"):
        decisions.update_recommendation(rec, text="Anden.")
    with pytest.raises(decisions.FollowupError, match="Skriv"):
        decisions.update_recommendation(rec, text="  ")
    decisions.update_recommendation(rec, text="  Første, omskrevet. ")
    assert _texts(study) == ["Første, omskrevet.", "Anden."]
    decisions.delete_recommendation(other)
    assert _texts(study) == ["Første, omskrevet."]


def test_moving_swaps_neighbours_once_for_a_repeated_submit(study):
    a, b, c = (decisions.add_recommendation(study, subtheme="1d", text=t) for t in ("A", "B", "C"))
    assert decisions.move_recommendation(c, up=True, expected_index=2)
    assert not decisions.move_recommendation(c, up=True, expected_index=2)  # the double click
    assert _texts(study) == ["A", "C", "B"]
    assert not decisions.move_recommendation(a, up=True)  # already first
    assert decisions.move_recommendation(a, up=False)
    assert _texts(study) == ["C", "A", "B"]
    assert _texts(study, "2a") == []
