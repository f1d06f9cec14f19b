"""Pseudonymisation of note text: register names, first-name heuristics, e-mail, phone, CPR."""

import pytest

from ledelsesrum.interviews.pseudonymise import (
    CPR,
    EMAIL,
    NAME,
    PHONE,
    KeyEntry,
    PseudonymTable,
    Register,
    is_sentence_start,
    letters,
    pseudonymise,
)

REGISTER = Register(["Hanne Bøgh Madsen", "Bo Skov", "Jens de Lange", "Mette Hansen", "Mette Olsen"])


def run(text: str, table: PseudonymTable | None = None, register: Register = REGISTER):
    table = table if table is not None else PseudonymTable()
    return pseudonymise(text, register, table), table


def test_a_register_leader_gets_one_pseudonym_for_full_first_last_and_single_names():
    result, table = run("Hanne Bøgh Madsen sagde, at Hanne Madsen og Madsen er én person. Hanne kom.")
    assert result.text == "[Leder A] sagde, at [Leder A] og [Leder A] er én person. [Leder A] kom."
    assert result.replacements == 4
    assert table.new_entries == [KeyEntry("[Leder A]", "Hanne Bøgh Madsen", NAME)]


def test_a_possessive_s_stays_after_the_pseudonym():
    result, _ = run("Hannes chef og Hanne Madsens team.")
    assert result.text == "[Leder A]s chef og [Leder A]s team."


def test_register_names_count_also_at_the_start_of_a_sentence():
    result, _ = run("Bo har travlt. Skov er hans efternavn.")
    assert result.text == "[Leder A] har travlt. [Leder A] er hans efternavn."


def test_a_register_name_with_a_lowercase_particle_is_found_whole():
    result, table = run("Vi talte med Jens de Lange i går.")
    assert result.text == "Vi talte med [Leder A] i går."
    assert table.new_entries[0].real_value == "Jens de Lange"


def test_a_first_name_shared_by_two_leaders_becomes_a_person_pseudonym():
    result, table = run("Mette sagde ja, og Mette Hansen sagde nej.")
    assert result.text == "[Person 1] sagde ja, og [Leder A] sagde nej."
    assert {e.real_value for e in table.new_entries} == {"Mette", "Mette Hansen"}


def test_a_first_name_from_the_list_with_a_surname_is_one_person():
    result, table = run("Vi havde besøg af Kirsten Holm fra HR.")
    assert result.text == "Vi havde besøg af [Person 1] fra HR."
    assert table.new_entries == [KeyEntry("[Person 1]", "Kirsten Holm", NAME)]


def test_a_first_name_mid_sentence_is_a_name_even_when_it_is_also_a_word():
    result, _ = run("Vi talte med Mark om det, og det sagde Hans også.")
    assert result.text == "Vi talte med [Person 1] om det, og det sagde [Person 2] også."


@pytest.mark.parametrize("sentence", [
    "Mark og eng blev solgt.",
    "Hans leder er god til sparring.",
    "Sol og regn skifter.",
    "Tage over er ikke nemt.",
    "Per medarbejder er der fire timer.",
    "Det er svært. Bo i byen koster.",
    "- Line op til mødet.",
])
def test_a_common_danish_word_opening_a_sentence_is_not_a_name(sentence):
    result, table = run(sentence, register=Register([]))
    assert result.text == sentence
    assert result.replacements == 0 and table.new_entries == []


def test_a_name_opening_a_sentence_is_still_a_name_when_it_is_not_a_word():
    result, _ = run("Kirsten er ny på afdelingen.", register=Register([]))
    assert result.text == "[Person 1] er ny på afdelingen."


def test_a_common_word_name_with_a_surname_opening_a_sentence_is_a_name():
    result, _ = run("Mark Jensen er ny.", register=Register([]))
    assert result.text == "[Person 1] er ny."


@pytest.mark.parametrize("text", [
    "Lederne oplever stor opbakning fra direktionen i Holstebro Kommune.",
    "Tid til ledelse er en mangelvare, og MED-udvalget mødes hver måned.",
    "I 2019 2020 var der 104 ledere, og budgettet var 25000000 kr.",
    "Mødet var den 23.03.2020 kl. 10.30, og 15 % af tiden gik med drift.",
    "Det koster 22 34 56 78 kr. hvis man spørger økonomi.",
])
def test_ordinary_danish_text_is_left_alone(text):
    result, _ = run(text, register=Register([]))
    assert result.text == text and result.replacements == 0


def test_common_surnames_sen_names_and_names_after_titles_are_replaced():
    result, _ = run("Jensen fra løn ringede. Hun talte med fru Lykke og med Kragsen.", register=Register([]))
    assert result.text == "[Person 1] fra løn ringede. Hun talte med fru [Person 2] og med [Person 3]."


def test_emails_phones_and_cpr_numbers_are_replaced_and_keyed():
    text = (
        "Skriv til hbm@holstebro.dk eller ring 23 45 67 89, +45 20304050 eller 9612 3456. "
        "CPR 010203-1234 og 3112851234."
    )
    result, table = run(text, register=Register([]))
    assert result.text == (
        "Skriv til [E-mail 1] eller ring [Telefon 1], [Telefon 2] eller [Telefon 3]. "
        "CPR [CPR 1] og [CPR 2]."
    )
    kinds = [e.kind for e in table.new_entries]
    assert kinds.count(EMAIL) == 1 and kinds.count(PHONE) == 3 and kinds.count(CPR) == 2
    assert KeyEntry("[CPR 2]", "311285-1234", CPR) in table.new_entries
    assert KeyEntry("[Telefon 2]", "20304050", PHONE) in table.new_entries


@pytest.mark.parametrize("number", ["320199-1234", "011399-1234", "310499-1234", "000000-0000"])
def test_numbers_that_are_not_a_real_date_are_not_cpr(number):
    result, table = run(f"Sagsnummer {number}.", register=Register([]))
    assert "[CPR" not in result.text
    assert all(e.kind != CPR for e in table.new_entries)


def test_the_same_value_gets_the_same_pseudonym_across_notes():
    table = PseudonymTable()
    first, _ = run("Kirsten Holm og Hanne talte sammen. Mail: kh@x.dk", table)
    second, _ = run("Senere sagde Hanne til Kirsten Holm: skriv til KH@x.dk", table)
    assert first.text == "[Person 1] og [Leder A] talte sammen. Mail: [E-mail 1]"
    assert second.text == "Senere sagde [Leder A] til [Person 1]: skriv til [E-mail 1]"
    assert second.new_entries == []


def test_an_existing_key_is_reused_and_new_numbers_continue_after_it():
    table = PseudonymTable([
        KeyEntry("[Leder A]", "Bo Skov", NAME), KeyEntry("[Person 1]", "Kirsten Holm", NAME),
    ])
    result, _ = run("Hanne, Bo og Kirsten Holm mødte Lone.", table)
    assert result.text == "[Leder B], [Leder A] og [Person 1] mødte [Person 2]."


def test_text_that_already_holds_pseudonyms_is_not_pseudonymised_again():
    table = PseudonymTable()
    once, _ = run("Hanne Bøgh Madsen ringede til Kirsten.", table)
    twice, _ = run(once.text, table)
    assert twice.text == once.text and twice.replacements == 0


def test_letters_count_like_spreadsheet_columns():
    assert [letters(n) for n in (1, 26, 27, 52, 53)] == ["A", "Z", "AA", "AZ", "BA"]


def test_sentence_start_covers_text_lines_bullets_and_punctuation():
    text = "Mark. Bo\n- Per: Sol og “Tom”"
    assert is_sentence_start(text, 0)
    assert is_sentence_start(text, text.index("Bo"))
    assert is_sentence_start(text, text.index("Per"))
    assert is_sentence_start(text, text.index("Sol"))
    assert not is_sentence_start(text, text.index("Tom"))
