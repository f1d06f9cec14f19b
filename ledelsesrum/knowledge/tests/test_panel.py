"""The panel's logic: proposals by link and by similarity, and choosing entries for the report."""

from __future__ import annotations

import pytest

from ledelsesrum.coding.models import MeaningUnit, SubthemeEssence
from ledelsesrum.knowledge import panel
from ledelsesrum.knowledge.base import load_entries
from ledelsesrum.knowledge.models import ChosenEntry
from ledelsesrum.studies.models import Study

pytestmark = pytest.mark.django_db

TIME_TEXTS = [
    "Jeg har ikke tid til ledelse, kalenderen er fyldt med møder og administration.",
    "Der er for lidt tid til at lede medarbejderne; driften tager det hele.",
]


@pytest.fixture(autouse=True)
def _char_embedder(monkeypatch):
    monkeypatch.setenv("LEDELSESRUM_CODING_EMBEDDER", "char")


@pytest.fixture
def study():
    study = Study.objects.create(name="Ledernes vilkår")
    for i, text in enumerate(TIME_TEXTS):
        MeaningUnit.objects.create(study=study, source_key=f"note:{i}", text=text, code="3b")
    MeaningUnit.objects.create(study=study, source_key="note:9", text="Budgettet er for stramt.", code="2e")
    return study


def test_proposals_hold_entries_linked_to_the_subtheme_and_entries_like_the_statements(study):
    found = panel.proposals(study, "3b")
    kb = load_entries()
    assert 1 <= len(found) <= 6
    linked = [p for p in found if panel.LINKED in p.reasons]
    similar_only = [p for p in found if p.reasons == [panel.SIMILAR]]
    assert linked and all("3b" in p.entry.subthemes for p in linked)
    assert similar_only and all("3b" not in p.entry.subthemes for p in similar_only)
    assert "tid-til-ledelse" in [p.entry.id for p in found]
    assert "knyttet til undertemaet" in linked[0].why
    assert similar_only[0].why == "ligner udsagnene"
    assert len({p.entry.id for p in found}) == len(found)  # de-duplicated
    assert all(p.entry.id in kb and not p.chosen for p in found)


def test_without_units_the_proposals_are_the_linked_entries(study):
    found = panel.proposals(study, "6a")
    assert found and all(p.reasons == [panel.LINKED] for p in found)
    assert all("6a" in p.entry.subthemes for p in found)


def test_the_essence_counts_as_a_text_to_compare_with(study):
    SubthemeEssence.objects.create(study=study, code="6a", essence="Frivillige og foreninger hjælper.")
    assert panel.unit_texts(study, "6a") == ["Frivillige og foreninger hjælper."]
    assert panel.unit_texts(study, "3b") == TIME_TEXTS
    assert any(panel.SIMILAR in p.reasons for p in panel.proposals(study, "6a"))


def test_choosing_is_idempotent_and_chosen_entries_come_first_marked(study, analyst):
    item, created = panel.choose(study, "3b", "relationel-koordinering", analyst)
    again, created_again = panel.choose(study, "3b", "relationel-koordinering", analyst)
    assert created and not created_again and item.pk == again.pk
    panel.choose(study, "3b", "tid-til-ledelse", analyst)
    assert ChosenEntry.objects.filter(study=study, subtheme="3b").count() == 2
    assert [e.id for e in panel.chosen(study, "3b")] == ["relationel-koordinering", "tid-til-ledelse"]
    found = panel.proposals(study, "3b")
    assert [p.entry.id for p in found[:2]] == ["relationel-koordinering", "tid-til-ledelse"]
    assert found[0].chosen and found[1].chosen and not any(p.chosen for p in found[2:])
    assert [p.entry.id for p in found].count("tid-til-ledelse") == 1
    assert item.chosen_by == analyst and item.position == 0
    assert panel.chosen(study, "2e") == []


def test_unchoosing_is_idempotent(study):
    panel.choose(study, "3b", "tid-til-ledelse")
    assert panel.unchoose(study, "3b", "tid-til-ledelse") is True
    assert panel.unchoose(study, "3b", "tid-til-ledelse") is False
    assert not ChosenEntry.objects.exists()


def test_unknown_entries_and_subthemes_cannot_be_chosen(study):
    with pytest.raises(panel.PanelError, match="findes ikke"):
        panel.choose(study, "3b", "findes-ikke")
    with pytest.raises(panel.PanelError, match="kodningsrammen"):
        panel.choose(study, "9z", "tid-til-ledelse")
    assert not ChosenEntry.objects.exists()


def test_the_codebook_offers_nineteen_subthemes():
    codes = panel.subtheme_codes()
    assert len(codes) == 19 and codes[0][0] == "1a" and codes[-1][0] == "6a"
