"""Random rounds through the whole product, attacked: whatever the tree, the sizes, the answers and
a later threshold change, the MILP attacker pins nothing in what the releases publish (and the
audit never refuses what the policy chose)."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledelsesrum.analysis import results
from ledelsesrum.analysis.tests.factories import add_responses, answers, make_round, make_study
from ledelsesrum.organisation.models import Unit

from .scenarios import count_leaks, value_leaks

CODES = ["R1", "T2"]

group = st.tuples(
    st.integers(0, 4),  # unit
    st.sampled_from(["A", "B"]),  # area
    st.integers(1, 8),  # respondents
    st.integers(1, 5),  # most answer this
    st.integers(0, 5),  # the rest answer this (0 = "Ved ikke")
)
rounds = st.fixed_dictionaries({
    "groups": st.lists(group, min_size=2, max_size=7),
    "k": st.sampled_from([3, 5]),
    "raise_to": st.sampled_from([None, 6, 7]),
    "nested": st.booleans(),
})


def _build(spec):
    study = make_study(k=spec["k"])
    rnd = make_round(study)
    root = Unit.objects.create(name="Kommunen")
    mids = [Unit.objects.create(name=f"Område {i}", parent=root) for i in range(2)]
    units = []
    for i in range(5):
        parent = mids[i % 2] if spec["nested"] else root
        units.append(Unit.objects.create(name=f"Enhed {i}", parent=parent))
    for unit, area, n, main, rest in spec["groups"]:
        first = n // 2 + 1
        add_responses(rnd, units[unit], answers(main, first) + answers(rest, n - first),
                      area=area)
    return study, rnd


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=rounds)
def test_random_rounds_leak_nothing_across_releases(spec):
    with transaction.atomic():
        study, rnd = _build(spec)
        payloads = [results.compute_results(rnd, audit=True)]
        if spec["raise_to"] and spec["raise_to"] > spec["k"]:
            study.anonymity_threshold = spec["raise_to"]
            study.save()
            rnd.refresh_from_db()
            payloads.append(results.compute_results(rnd, audit=True, prior=payloads))
        assert value_leaks(rnd, payloads, codes=CODES) == []
        assert count_leaks(rnd, payloads, codes=CODES) == []
        transaction.set_rollback(True)



@pytest.mark.django_db
@pytest.mark.xfail(strict=True, reason="known open leak (issue 9): a group's sum at the least its "
                   "share of a shown distribution allows; see docs/anonymity.md, 'Known gap'")
def test_a_group_filling_the_lowest_answers_of_its_parent_pins_the_rest():
    """Found by the random rounds (300 examples). k = 3, one unit: area A (seven 1s, three 3s;
    mean 1.60) and area B (3, 3, 3, 5, 5, 4, 4; mean 3.86); the total's bands [7, 6, 4]. A's 10
    answers hold at least three of the total's 10 non-low answers, so A's sum is at least
    7 + 3 · 3 = 16 — which it is: every low answer is a 1, and x2 + x5 = 2 (sum and bands) puts
    both in 5: the total's categories 4 and 5 hold 2 each. An inequality, not a combination."""
    spec = {"groups": [(0, "A", 1, 1, 0)] * 3 + [(0, "A", 7, 1, 3), (0, "B", 5, 3, 5),
                                                  (0, "B", 2, 4, 0)],
            "k": 3, "raise_to": None, "nested": False}
    with transaction.atomic():
        _study, rnd = _build(spec)
        payload = results.compute_results(rnd, audit=True)
        assert value_leaks(rnd, [payload], codes=["R1"]) == []
        transaction.set_rollback(True)
