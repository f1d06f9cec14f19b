"""Emerging themes page: units that fit no code are grouped into candidate new themes."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.coding import agreement_web, workspace
from ledelsesrum.coding.models import MeaningUnit
from ledelsesrum.studies.models import Study

pytestmark = pytest.mark.django_db

DEVSET = Path(__file__).resolve().parents[1] / "data" / "devset.jsonl"
PARKING = [
    "Parkeringspladsen ved institutionen er for lille, og forældrene holder ulovligt.",
    "Der mangler parkeringspladser, så personalet må parkere langt væk.",
    "Parkering er et dagligt problem for både forældre og medarbejdere.",
    "Forældrene klager over parkeringsforholdene hver morgen.",
    "Personalet bruger lang tid på at finde en parkeringsplads om morgenen.",
]


@pytest.fixture(autouse=True)
def _char_embedder(monkeypatch):
    monkeypatch.setenv(workspace.EMBEDDER_ENV, "char")
    yield
    workspace._suggesters.clear()


@pytest.fixture
def study(analyst):
    study = Study.objects.create(name="Ledernes vilkår")
    known = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines()][:30]
    for i, row in enumerate(known):
        MeaningUnit.objects.create(
            study=study, source_key=f"note:{i}", text=row["text"], code=row["subtheme"], coded_by=analyst
        )
    for i, text in enumerate(PARKING):
        MeaningUnit.objects.create(study=study, source_key=f"note:p{i}", text=text)
    return study


def test_the_page_offers_the_off_codebook_units_as_a_candidate_theme(analyst_client, study):
    response = analyst_client.get(reverse("coding:emerging", kwargs={"study_id": study.pk}))
    body = response.content.decode()
    assert response.status_code == 200
    parking_ids = set(MeaningUnit.objects.filter(text__in=PARKING).values_list("pk", flat=True))
    candidates = agreement_web.emerging(study)
    top = candidates[0]
    assert len(set(top.unit_ids) & parking_ids) >= 3 and top.uncoded >= 3
    assert any(t.startswith("parker") for t in top.key_terms)
    assert f'data-units="{len(top.unit_ids)}"' in body and f"{len(top.unit_ids)} enheder" in body
    assert top.examples[0] in body and ", ".join(top.key_terms) in body
    assert "tilføje en kode i en egen kodebog" in body
    event = AuditEvent.objects.get(action="coding.emerging.view", study_id=study.pk)
    assert set(event.detail["units"]) >= set(top.unit_ids)


def test_nothing_is_offered_when_there_are_too_few_units(analyst_client, analyst):
    study = Study.objects.create(name="Tom")
    MeaningUnit.objects.create(study=study, source_key="note:1", text="Lederen mangler tid.", code="3b", coded_by=analyst)
    response = analyst_client.get(reverse("coding:emerging", kwargs={"study_id": study.pk}))
    assert response.status_code == 200
    assert "Ingen mulige nye temaer" in response.content.decode()
    assert agreement_web.emerging(study) == []
