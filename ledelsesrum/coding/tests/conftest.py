import json
from pathlib import Path

import pytest

from ledelsesrum.coding.codebook import load_codebook
from ledelsesrum.coding.embeddings import CharNgramEmbedder
from ledelsesrum.coding.suggest import Suggester

DEVSET = Path(__file__).resolve().parents[1] / "data" / "devset.jsonl"


@pytest.fixture(scope="session")
def devset():
    return [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="session")
def codebook():
    return load_codebook("default")


@pytest.fixture
def char_suggester(codebook, devset):
    """A zero-shot suggester on the classical embedder (fast, deterministic)."""
    corpus = [r["text"] for r in devset if r["split"] == "dev"]
    return Suggester(codebook, CharNgramEmbedder(dim=128)).fit(corpus=corpus)


THREE_NOTES = [
    "Lederen har for lidt tid til ledelse. Driften fylder hele kalenderen.",
    "Hun savner sparring og opbakning fra sin chef. Chefen er svær at få fat i.",
    "Han har 45 medarbejdere og et alt for stort ledelsesspænd.",
]


@pytest.fixture
def char_workspace(monkeypatch):
    """The classical embedder for the workspace, and no suggester or codebook left cached after."""
    from ledelsesrum.coding import study_codebook, workspace

    monkeypatch.setenv(workspace.EMBEDDER_ENV, "char")
    yield
    workspace._suggesters.clear()
    study_codebook._custom.clear()


@pytest.fixture
def three_notes_study(db):
    """A study with three done interviews, one short note each, split into units."""
    from ledelsesrum.coding import workspace
    from ledelsesrum.interviews.models import Interview, InterviewNote
    from ledelsesrum.organisation.models import Leader
    from ledelsesrum.studies.models import Study

    study = Study.objects.create(name="Ledernes vilkår")
    for i, text in enumerate(THREE_NOTES):
        leader = Leader.objects.create(name=f"Hanne Testesen{i}", email=f"h{i}@kommune.dk")
        interview = Interview.objects.create(study=study, leader=leader, status=Interview.Status.DONE)
        InterviewNote.objects.create(interview=interview, kind="summary", theme_id="3", text=text)
    workspace.build_units(study)
    return study
