"""Quotes are whole sentences and each is printed once (issue 12, item 8): the pure rules."""

import pytest

from ledelsesrum.coding.text import shorten
from ledelsesrum.reports.compose import clean_statement
from ledelsesrum.reports.quotes import (
    ELLIPSIS,
    QuoteBook,
    find_repeats,
    fit_quote,
    is_whole_or_marked,
    quote_key,
    quote_source,
)

LONG_SENTENCE = (
    "Lederen fortæller, at informationen fra direktionen når frem sent og ofte i en form, der er svær "
    "at oversætte til medarbejderne, og at vedkommende derfor selv må bruge aftenerne på at skrive "
    "nyhedsbreve, svare på spørgsmål og forklare beslutninger, som ingen i ledergruppen har været med "
    "til at træffe."
)


def test_the_quote_key_ignores_case_punctuation_whitespace_and_pseudonyms():
    assert quote_key("  Jeg  savner TID, siger [leder]. ") == quote_key("jeg savner tid siger")
    assert quote_key("Det fylder alt …") == "det fylder alt"


def test_a_short_text_is_quoted_whole():
    assert fit_quote("Jeg savner tid.  Og ro.", 100) == "Jeg savner tid. Og ro."


def test_a_long_text_is_cut_after_the_last_whole_sentence_that_fits():
    text = "Jeg savner tid. Driften fylder hele kalenderen. " + LONG_SENTENCE
    assert fit_quote(text, 80) == "Jeg savner tid. Driften fylder hele kalenderen."


def test_a_first_sentence_too_long_alone_is_cut_at_a_clause_and_the_cut_is_marked():
    quote = fit_quote(LONG_SENTENCE, 200)
    assert len(quote) <= 200 and quote.endswith(" " + ELLIPSIS)
    head = quote.removesuffix(" " + ELLIPSIS)
    assert LONG_SENTENCE.startswith(head)
    assert LONG_SENTENCE[len(head)] == ","  # at a clause boundary, not inside a word or phrase


def test_without_a_clause_boundary_the_cut_falls_between_words_and_is_marked():
    text = " ".join(["ordet"] * 60) + "."
    quote = fit_quote(text, 100)
    assert quote.endswith(" " + ELLIPSIS) and len(quote) <= 100
    assert set(quote.removesuffix(" " + ELLIPSIS).split()) == {"ordet"}


def test_the_offered_condensation_is_no_condensation_so_the_unit_itself_is_quoted():
    unit = LONG_SENTENCE + " Det er et problem."
    assert quote_source(unit, shorten(unit, 110)) == unit  # the clipped first line, accepted unchanged
    assert quote_source(unit, "") == unit
    assert quote_source(unit, "Savner information i tide.") == "Savner information i tide."


def test_the_same_words_are_quoted_once():
    book = QuoteBook()
    assert book.take("Jeg savner tid til ledelse.") == "Jeg savner tid til ledelse."
    assert book.take("jeg  savner tid til ledelse!") is None
    assert book.take("Jeg savner tid til ledelse, siger [leder].") is None  # contains the first


def test_a_quote_inside_an_earlier_one_or_around_it_is_not_quoted_again():
    book = QuoteBook()
    assert book.take("Vi har for lidt tid til den faglige ledelse i hverdagen.")
    assert book.take("For lidt tid til den faglige ledelse.") is None
    other = QuoteBook()
    assert other.take("For lidt tid til den faglige ledelse.")
    assert other.take("Vi har for lidt tid til den faglige ledelse i hverdagen.") is None


def test_a_sentence_quoted_once_is_left_out_of_a_later_quote():
    book = QuoteBook()
    book.take("Driften fylder hele kalenderen, og mails tager aftenerne.")
    quote = book.take("Vi mangler en souschef, der kan tage sig af personalesagerne i huset. "
                      "Driften fylder hele kalenderen, og mails tager aftenerne.")
    assert quote == "Vi mangler en souschef, der kan tage sig af personalesagerne i huset."


def test_a_statement_mostly_quoted_already_is_left_out_even_with_a_new_lead_in():
    book = QuoteBook()
    book.take("Lederen oplever, at budgettet er stramt, og at der hvert år skal findes besparelser.")
    assert book.take("Adspurgt svarer lederen. Lederen oplever, at budgettet er stramt, og at der "
                     "hvert år skal findes besparelser.") is None


def test_the_same_statement_with_a_word_swapped_counts_as_said():
    book = QuoteBook()
    book.take("Lederen oplever, at budgettet er stramt, og at der hvert år skal findes besparelser, der rammer eleverne.")
    assert book.take("Lederen oplever, at budgettet er stramt, og at der hvert år skal findes besparelser, "
                     "der rammer borgerne.") is None
    assert book.take("Kort om dette tema: Lederen oplever, at budgettet er stramt, og at der hvert år skal "
                     "findes besparelser.") is None


def test_different_statements_are_all_quoted():
    book = QuoteBook()
    texts = ["Jeg savner tid til ledelse.", "Chefen er svær at få fat i.", "Vi har et godt netværk af ledere."]
    assert [book.take(t) for t in texts] == texts


def test_quotation_marks_inside_a_quote_become_inner_quotes_and_a_lone_one_is_dropped():
    book = QuoteBook()
    quote = book.take(clean_statement('"Jeg har tre sygemeldte, og det fylder alt," siger hun.'))
    assert quote == "›Jeg har tre sygemeldte, og det fylder alt,‹ siger vedkommende."
    # The closing mark was in a sentence left out: the opening one goes too.
    assert QuoteBook().take('"Jeg har tre sygemeldte. Det fylder alt," siger hun.', 30) == "Jeg har tre sygemeldte."
    assert clean_statement('"Hele teksten er et citat."') == "Hele teksten er et citat."


@pytest.mark.parametrize(("quote", "ok"), [
    ("Jeg savner tid.", True),
    ("Er det rimeligt?", True),
    ("›Det fylder alt,‹ siger vedkommende.", True),
    ("Lederen fortæller, at informationen når frem sent …", True),
    ("Lederen fortæller, at informationen når frem sent", False),
    ("Lederen fortæller, at informationen når fr", False),
])
def test_a_quote_is_whole_or_its_cut_is_marked(quote, ok):
    assert is_whole_or_marked(quote) is ok


def test_repeats_are_found_across_a_list_of_quotes():
    assert find_repeats(["Jeg savner tid.", "Chefen er svær at få fat i."]) == []
    assert find_repeats(["Jeg savner tid til ledelse.", "Chefen er væk.", "jeg savner tid til ledelse"]) == [
        ("Jeg savner tid til ledelse.", "jeg savner tid til ledelse")]
    assert find_repeats(["Vi har for lidt tid til ledelse i hverdagen.", "For lidt tid til ledelse."])
