"""The pure local labels: numbered per interview by first appearance, and back again on save."""

from ledelsesrum.interviews.local_pseudonyms import (
    STUDY_PSEUDONYM_RE,
    LocalKey,
    delocalise,
    localise,
    study_pseudonyms,
)
from ledelsesrum.interviews.pseudonymise import KeyEntry, PseudonymTable, Register, pseudonymise

NOTE = "[Leder C] ringede til [Person 4] og [Leder A]. [Person 4]s mail er [E-mail 2], tlf. [Telefon 7], CPR [CPR 1]."


def _key(*texts: str) -> LocalKey:
    key = LocalKey()
    key.extend(texts)
    return key


def test_labels_follow_the_order_of_first_appearance_per_kind():
    key = _key(NOTE)
    assert key.pairs() == [
        ("[Leder C]", "[Navn 1]"), ("[Person 4]", "[Navn 2]"), ("[Leder A]", "[Navn 3]"),
        ("[E-mail 2]", "[E-mailadresse 1]"), ("[Telefon 7]", "[Telefonnummer 1]"), ("[CPR 1]", "[CPR-nummer 1]"),
    ]
    assert localise(NOTE, key) == (
        "[Navn 1] ringede til [Navn 2] og [Navn 3]. [Navn 2]s mail er [E-mailadresse 1], "
        "tlf. [Telefonnummer 1], CPR [CPR-nummer 1]."
    )


def test_the_same_text_always_gets_the_same_labels_and_a_stored_key_continues_its_numbering():
    assert _key(NOTE).pairs() == _key(NOTE).pairs()
    stored = LocalKey(_key(NOTE).pairs())
    assert stored.extend(["Ny: [Person 9] og [Leder C]."]) == [("[Person 9]", "[Navn 4]")]


def test_a_leader_and_another_person_get_the_same_kind_of_label():
    # "[Leder …]" versus "[Person …]" would tell the interviewer who is in the leader register.
    assert set(_key("[Leder B] og [Person 1]").to_local.values()) == {"[Navn 1]", "[Navn 2]"}


def test_two_interviews_label_the_same_pseudonyms_independently():
    first = _key("[Leder A] taler med [Leder B].")
    second = _key("[Leder B] taler med [Leder A].")
    assert first.to_local["[Leder A]"] == second.to_local["[Leder B]"] == "[Navn 1]"
    assert first.to_local["[Leder B]"] == second.to_local["[Leder A]"] == "[Navn 2]"


def test_delocalise_restores_the_stored_text_exactly():
    key = _key(NOTE)
    assert delocalise(localise(NOTE, key), key) == NOTE


def test_localised_text_holds_no_study_wide_pseudonym():
    key = _key(NOTE)
    assert not STUDY_PSEUDONYM_RE.search(localise(NOTE, key))
    # A pseudonym the key lacks is never shown as itself.
    assert localise("[Leder Q] og [Telefon 3]", LocalKey()) == "[Navn] og [Telefonnummer]"


def test_a_study_wide_pseudonym_typed_by_hand_loses_its_brackets():
    # Otherwise "Hanne [Leder A]" would be shown as "[Navn 1] [Navn 1]" exactly when Hanne is
    # [Leder A]: a yes/no test on the key.
    key = _key("[Leder A] er glad.")
    assert delocalise("[Navn 1] og [Leder A] og [Person 2]", key) == "[Leder A] og Leder A og Person 2"


def test_an_unknown_local_label_stays_plain_text():
    key = _key("[Leder A] er glad.")
    assert delocalise("[Navn 1] og [Navn 7] og [navn]", key) == "[Leder A] og Navn 7 og [navn]"
    # A local-looking label standing in stored text cannot pass for one of the interview's labels.
    assert localise("Teksten [Navn 1] og [Leder A].", key) == "Teksten Navn 1 og [Navn 1]."


def test_possessive_s_and_bracket_look_alikes():
    key = _key("[Leder AB]s kontor")
    assert localise("[Leder AB]s kontor, [leder a], [Lederen]", key) == "[Navn 1]s kontor, [leder a], [Lederen]"


def test_every_pseudonym_the_pseudonymiser_writes_is_recognised():
    table = PseudonymTable([KeyEntry(f"[Leder {c}]", f"Leder{c}", "name") for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"])
    register = Register(["Hanne Bøgh Madsen"])
    text = pseudonymise(
        "Hanne Bøgh Madsen og Kirsten Holm (kh@kommune.dk, 23 45 67 89, 010203-1234) og fru Olsen. Hannes kontor.",
        register, table,
    ).text
    assert study_pseudonyms([text]) == ["[Leder AA]", "[Person 1]", "[E-mail 1]", "[Telefon 1]", "[CPR 1]", "[Person 2]"]
    assert localise(text, _key(text)) == (
        "[Navn 1] og [Navn 2] ([E-mailadresse 1], [Telefonnummer 1], [CPR-nummer 1]) og fru [Navn 3]. [Navn 1]s kontor."
    )
