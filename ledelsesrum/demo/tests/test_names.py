"""Synthetic names: Danish, unique, with plain ASCII e-mail addresses at the demo domain."""

import random

from ledelsesrum.demo.names import DEMO_DOMAIN, NameGenerator, email_local_part


def test_danish_letters_are_transliterated_in_email_addresses():
    assert email_local_part("Søren Kjær Østergaard") == "soeren.kjaer.oestergaard"
    assert email_local_part("Åse Bækgaard") == "aase.baekgaard"


def test_a_thousand_people_get_unique_names_and_unique_addresses():
    names = NameGenerator(random.Random(1))
    people = [names.person() for _ in range(1000)]
    assert len({name for name, _ in people}) == 1000
    emails = [email for _, email in people]
    assert len(set(emails)) == 1000
    assert all(e.endswith("@" + DEMO_DOMAIN) and e.isascii() for e in emails)


def test_a_repeated_first_and_last_name_gets_a_numbered_address():
    names = NameGenerator(random.Random(1))
    assert names.email("Anne Hansen") == f"anne.hansen@{DEMO_DOMAIN}"
    assert names.email("Anne Marie Hansen") == f"anne.hansen2@{DEMO_DOMAIN}"


def test_addresses_already_taken_elsewhere_are_not_handed_out():
    names = NameGenerator(random.Random(1), taken_emails={f"Anne.Hansen@{DEMO_DOMAIN}"})
    assert names.email("Anne Hansen") == f"anne.hansen2@{DEMO_DOMAIN}"
