"""Follow-up, the knowledge panel and the interview guide follow a study's own codebook."""

from __future__ import annotations

import datetime as dt

import pytest

from ledelsesrum.coding import study_codebook
from ledelsesrum.coding.codebook import from_data
from ledelsesrum.followup import decisions
from ledelsesrum.followup.progress import compute_progress

CUSTOM = [
    {"id": "A", "label": "Arbejdsmiljø", "subthemes": [
        {"id": "A1", "label": "Støj i hverdagen"}, {"id": "A2", "label": "Sygefravær"},
    ]},
    {"id": "B", "label": "Budget", "subthemes": [{"id": "B1", "label": "Råderum over budgettet"}]},
]


@pytest.fixture
def custom_study(study):
    study_codebook.save_codebook(study, from_data(CUSTOM))
    return study


def test_recommendations_take_the_study_codes_and_refuse_the_built_in_ones(custom_study):
    rec = decisions.add_recommendation(custom_study, subtheme="B1", text="Giv et eget budget.")
    assert rec.subtheme == "B1"
    with pytest.raises(decisions.FollowupError, match="Ukendt undertema"):
        decisions.add_recommendation(custom_study, subtheme="1d", text="Mere råderum.")
    assert [code for code, _label in decisions.subtheme_choices(custom_study)] == ["A1", "A2", "B1"]


def test_progress_is_grouped_by_the_study_themes(custom_study):
    decisions.add_recommendation(custom_study, subtheme="A2", text="Følg sygefraværet.")
    themes, overall = compute_progress(custom_study, dt.date(2026, 11, 23))
    assert [t.theme_id for t in themes] == ["A", "B"]
    assert [t.recommendations for t in themes] == [1, 0]
    assert overall.recommendations == 1


def test_the_knowledge_panel_accepts_the_study_codes(custom_study):
    from ledelsesrum.knowledge import panel
    from ledelsesrum.knowledge.base import load_entries

    entry_id = next(iter(load_entries())).id
    chosen, created = panel.choose(custom_study, "A1", entry_id)
    assert created and chosen.subtheme == "A1"
    with pytest.raises(panel.PanelError):
        panel.choose(custom_study, "1a", entry_id)


def test_the_interview_guide_offers_the_study_themes(custom_study):
    from ledelsesrum.interviews.forms import GuideQuestionForm
    form = GuideQuestionForm(codebook=study_codebook.codebook_for(custom_study))
    assert [c for c, _ in form.fields["themes"].choices] == ["A", "A1", "A2", "B", "B1"]
