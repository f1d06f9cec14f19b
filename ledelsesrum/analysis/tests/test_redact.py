"""Redaction of open answers."""

from ledelsesrum.lib.redact import DANISH_FIRST_NAMES, redact


def test_it_has_a_built_in_list_of_danish_first_names():
    # Faker's da_DK first names merged with the ~300 names this module used to list.
    assert len(DANISH_FIRST_NAMES) >= 550
    assert isinstance(DANISH_FIRST_NAMES, frozenset)
    assert {"Mette", "Søren", "Jørgen", "Anne", "Anne-Mette", "Abelone"} <= DANISH_FIRST_NAMES


def test_it_replaces_register_names_in_full_and_in_part():
    text = "Jeg har talt med Hanne Bøgh Madsen. Bøgh var enig, Madsens team også."
    out = redact(text, ["Hanne Bøgh Madsen"])
    assert "Bøgh" not in out and "Madsen" not in out and "Hanne" not in out
    assert out.startswith("Jeg har talt med [navn].")


def test_it_replaces_common_first_names_but_not_lowercase_words():
    out = redact("Søren og Mette mener, at vi bør sende det per mail.")
    assert out == "[navn] og [navn] mener, at vi bør sende det per mail."


def test_it_replaces_emails_phones_and_cpr_numbers():
    out = redact("Skriv til leder@kommune.dk eller ring 12 34 56 78 / +45 87654321. CPR 010190-1234.")
    assert "[e-mail]" in out and out.count("[telefon]") == 2 and "[cpr]" in out
    assert not any(ch.isdigit() for ch in out)


def test_it_leaves_ordinary_text_alone():
    text = "Mere tid til faglig ledelse og færre møder."
    assert redact(text, ["Ida de la Cour"]) == text


def test_it_passes_unit_names_to_the_scrubber():
    out = redact("Mette fra Solsikken ringede.", unit_names=["Børnehuset Solsikken"])
    assert out == "[navn] fra [enhed] ringede."
