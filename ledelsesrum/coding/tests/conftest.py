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
