"""The red-team audit's leaks, one test each, attacked with the independent MILP attacker.

Each scenario (``scenarios.py``) is the one the audit described (k = 5 unless said), published
through the product's own release path (stored, append-only releases, each audited with every
earlier one). Before the disclosure rework every one of these tests failed on main (the attacker
pinned the hidden group); see docs/anonymity.md.
"""

from __future__ import annotations

import pytest

from ledelsesrum.analysis.release import release, released_results
from ledelsesrum.analysis.tests.factories import add_responses, answers, make_round, make_study
from ledelsesrum.organisation.models import Unit
from ledelsesrum.studies.models import Round

from . import scenarios
from .scenarios import value_leaks


def publish(rnd, prior=()):
    """The product's path: a new stored release (audited with the earlier ones), or a refusal."""
    rnd.refresh_from_db()
    return release(rnd).payload


@pytest.mark.django_db
def test_leak_1_raising_k_after_release_does_not_publish_a_new_complement():
    assert scenarios.raised_threshold(publish) == []


@pytest.mark.django_db
def test_leak_1b_lowering_k_after_release_shows_nothing_the_first_release_withheld():
    assert scenarios.lowered_threshold(publish) == []


@pytest.mark.django_db
def test_leak_2_a_reorganisation_after_release_does_not_change_the_released_groups():
    assert scenarios.reorganised(publish) == []


@pytest.mark.django_db
def test_leak_3_reason_codes_and_a_total_with_empty_categories_reveal_nothing():
    assert scenarios.reasons_and_empty_categories(publish) == []


@pytest.mark.django_db
def test_leak_4_a_unanimous_large_group_does_not_reveal_its_small_sub_unit():
    assert scenarios.unanimous_big_group(publish) == []


@pytest.mark.django_db
def test_leak_5_a_derived_group_of_exactly_k_is_not_published_unanimous():
    assert scenarios.derived_group_of_exactly_k(publish) == []


@pytest.mark.django_db
def test_leak_5b_the_remainder_of_withheld_siblings_is_not_published_unanimous():
    assert scenarios.remainder_of_withheld_siblings(publish) == []


@pytest.mark.django_db
def test_leak_6_the_response_overview_of_a_closed_round_adds_no_count():
    assert scenarios.closed_round_overview(publish) == []


@pytest.mark.django_db
def test_found_by_random_rounds_a_group_at_the_bottom_of_its_bands_pins_no_sibling():
    assert scenarios.group_at_the_bottom_of_its_bands(publish) == []


@pytest.mark.django_db
def test_found_by_random_rounds_a_group_filling_the_lowest_answers_pins_nothing():
    assert scenarios.filling_the_lowest_answers(publish) == []


@pytest.mark.django_db
def test_leak_7_a_withheld_group_shows_no_item_count_not_even_zero():
    assert scenarios.withheld_unit_all_skipped(publish) == []
    rnd = Round.objects.latest("pk")
    payload = released_results(rnd)
    hidden = {g["key"] for b_ in payload["breakdowns"] for g in b_["groups"]
              if g["responses"]["n"] is None}
    assert f"unit:{Unit.objects.get(name='Lille enhed').pk}" in hidden
    for item in payload["items"]:
        for key in hidden:
            assert item["cells"][key]["n"] is None, (item["code"], key)


@pytest.mark.django_db
def test_the_attacker_finds_what_it_should_on_an_unprotected_publication():
    """The harness is not blind: publishing every figure of the leak-1 round pins the school of 4."""
    study = make_study(k=5)
    rnd = make_round(study, status=Round.Status.CLOSED)
    root = Unit.objects.create(name="Kommunen")
    parent = Unit.objects.create(name="Skoleområdet", parent=root)
    small = Unit.objects.create(name="Lilleskolen", parent=parent)
    big = Unit.objects.create(name="Storskolen", parent=parent)
    add_responses(rnd, small, answers(1, 4), area="Skole")
    add_responses(rnd, big, answers(3, 6) + answers(4, 6), area="Skole")
    payload = released_results(rnd)
    leaky = {**payload, "items": [dict(i) for i in payload["items"]]}
    for item in leaky["items"]:
        cells = {}
        for key, cell in item["cells"].items():
            cells[key] = dict(cell)
        # Un-withhold the small school: n and mean as the truth has them.
        cells[f"unit:{small.pk}"] = {"n": 4, "mean": 1.0, "distribution": None, "reason": None,
                                     "withheld_figures": {}}
        item["cells"] = cells
    found = value_leaks(rnd, [leaky], codes=["R1"])
    assert any("all answered (1,)" in f for f in found), found
