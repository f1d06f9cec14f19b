from ledelsesrum.coding.text import (
    KeyTerms,
    normalise,
    shorten,
    split_meaning_units,
    split_sentences,
    stems,
)


def test_abbreviations_and_numbers_do_not_end_sentences():
    text = (
        "Lederen savner bl.a. sparring, f.eks. ved MUS. Det sker ca. 3. gang i år. "
        "Hun nævner jf. aftalen den 3. marts. Budgettet er 2,5 mio. kr. i 2024."
    )
    assert split_sentences(text) == [
        "Lederen savner bl.a. sparring, f.eks. ved MUS.",
        "Det sker ca. 3. gang i år.",
        "Hun nævner jf. aftalen den 3. marts.",
        "Budgettet er 2,5 mio. kr. i 2024.",
    ]


def test_final_abbreviation_ends_a_sentence_before_a_capital():
    assert split_sentences("Der er møder, mails mv. Derfor mangler tiden.") == [
        "Der er møder, mails mv.",
        "Derfor mangler tiden.",
    ]
    assert split_sentences("Møder, mails mv. fylder meget.") == ["Møder, mails mv. fylder meget."]


def test_an_acronym_in_capitals_ends_a_sentence_though_it_spells_an_abbreviation():
    assert split_sentences("Hun slår alt op hos HR. Lederen savner viden. Hr. Olsen ringer.") == [
        "Hun slår alt op hos HR.",
        "Lederen savner viden.",
        "Hr. Olsen ringer.",
    ]


def test_bullets_and_blank_lines_separate_sentences():
    text = "Ønsker:\n- mere tid til ledelse\n- et ledernetværk\n\nSlut."
    assert split_sentences(text) == ["Ønsker:", "- mere tid til ledelse", "- et ledernetværk", "Slut."]


def test_normalise_repairs_pdf_ligatures_and_hyphenation():
    assert normalise("eƯektivitet og ledel-\nsesrum") == "effektivitet og ledelsesrum"


def test_meaning_units_group_continuations_and_split_on_topic_shift():
    text = (
        "Lederen savner sparring fra sin chef i svære personalesager. Det betyder, at hun ofte står "
        "alene med beslutningerne. Derudover fortæller hun, at budgettet er skåret tre år i træk, "
        "og at besparelserne rammer normeringen."
    )
    units = split_meaning_units(text)
    assert len(units) == 2
    assert units[0].startswith("Lederen savner") and "står alene" in units[0]
    assert units[1].startswith("Derudover")


def test_meaning_units_never_cross_paragraphs():
    assert len(split_meaning_units("Kort.\n\nOgså kort.")) == 2


def test_stems_drop_stop_words_and_share_roots():
    assert "og" not in stems("ledelse og ledere")
    assert stems("sparringen")[0] == stems("sparring")[0]


def test_key_terms_prefer_distinctive_words():
    corpus = ["tid til ledelse og møder", "budget og økonomi", "frivillige i foreninger", "møder og møder"]
    terms = KeyTerms(corpus).top("Vi har frivillige fra foreninger og mange møder", k=2)
    assert set(terms) == {"frivillige", "foreninger"}


def test_shorten_offers_the_first_sentence_clipped():
    assert shorten("Kort sætning. Mere tekst.") == "Kort sætning."
    long = "ord " * 60
    assert shorten(long, 40).endswith("…") and len(shorten(long, 40)) <= 42
