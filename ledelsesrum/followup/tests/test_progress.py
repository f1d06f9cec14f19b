from __future__ import annotations

import datetime as dt

from ledelsesrum.followup import decisions
from ledelsesrum.followup.progress import compute_progress

TODAY = dt.date(2026, 6, 1)


def test_progress_counts_per_theme_and_overall(study, adopted):
    other = decisions.add_recommendation(study, subtheme="2b", text="Styrk faglig ledelse.")
    decisions.add_recommendation(study, subtheme="2c", text="Mindre dokumentation.")
    decisions.record_decision(other, outcome="adjusted", reason="Trinvis", adjusted_text="Start i ét område")
    decisions.add_action(adopted, title="A", owner_name="X", status="done", evidence="Referat")
    decisions.add_action(adopted, title="B", owner_name="X", deadline=dt.date(2026, 5, 1))
    decisions.add_action(other, title="C", owner_name="Y", status="dropped")
    decisions.add_action(other, title="D", owner_name="Y", status="in_progress", deadline=dt.date(2026, 7, 1))

    themes, overall = compute_progress(study, TODAY)
    by_id = {t.theme_id: t for t in themes}

    assert [t.theme_id for t in themes] == ["1", "2", "3", "4", "5", "6"]
    assert (overall.recommendations, overall.decided, overall.undecided) == (3, 2, 1)
    assert overall.actions_by_status == {"planned": 1, "in_progress": 1, "done": 1, "dropped": 1}
    # Dropped actions leave the denominator: 1 done of 3 active.
    assert (overall.done, overall.active_actions, overall.percent_done) == (1, 3, 33)
    assert [a.title for a in overall.overdue] == ["B"]
    assert (by_id["1"].done, by_id["1"].active_actions, by_id["1"].percent_done) == (1, 2, 50)
    assert by_id["2"].undecided == 1 and by_id["2"].outcomes["adjusted"] == 1
    assert by_id["2"].overdue == [] and by_id["2"].percent_done == 0
    assert by_id["6"].share_done is None and by_id["6"].recommendations == 0


def test_an_action_is_not_overdue_on_its_deadline_nor_when_done(study, adopted):
    decisions.add_action(adopted, title="Frist i dag", owner_name="X", deadline=TODAY)
    decisions.add_action(adopted, title="Færdig", owner_name="X", deadline=dt.date(2026, 1, 1),
                         status="done", evidence="ok")
    _themes, overall = compute_progress(study, TODAY)
    assert overall.overdue == []
    assert overall.as_dict()["overdue_action_ids"] == []
