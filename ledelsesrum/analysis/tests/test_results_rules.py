"""Per-item n, unanimous groups, k=3 vs k=5, sensitive items, distributions."""

from __future__ import annotations

import pytest

from ledelsesrum.analysis.results import compute_results
from ledelsesrum.disclosure.lp_audit import attack_values
from ledelsesrum.organisation.models import Unit

from .channels import Atoms
from .factories import add_responses, answers, make_round, make_study, suppression_scenario


def _cell(result, code, key):
    item = next(i for i in result["items"] if i["code"] == code)
    return item["cells"][key]


def _scale(result, code, key):
    return next(s for s in result["scales"] if s["code"] == code)["cells"][key]


@pytest.mark.django_db
def test_n_is_counted_per_item_when_items_are_skipped():
    study = make_study(k=5)
    rnd = make_round(study)
    root = Unit.objects.create(name="Kommunen")
    u = Unit.objects.create(name="Enhed med spring", parent=root)
    other = Unit.objects.create(name="Anden enhed", parent=root)
    # Two of six answer "Ved ikke" (0) on T2 and one leaves it out: T2 has n=3 here.
    rows = answers(2, 3) + answers(3, 1, T2=0) + answers(3, 1, T2=0) + [
        {"R1": 4, "R2": 4, "R3": 4, "T1": 4}
    ]
    add_responses(rnd, u, rows, area="A")
    add_responses(rnd, other, answers(2, 5) + answers(3, 5), area="A")
    result = compute_results(rnd, audit=True)
    key = f"unit:{u.pk}"
    assert _cell(result, "T2", key)["n"] is None
    assert _cell(result, "T2", key)["reason"] == "withheld"
    assert _cell(result, "T2", "total")["n"] == 13
    # One withheld set for every count: the group's T1 count (6), its response count and its
    # scale counts go too, or "6 answered T1" next to a withheld T2 would be a second family of
    # figures about the same people (docs/anonymity.md, "one withheld set").
    assert _cell(result, "T1", key)["n"] is None
    assert _scale(result, "tid", key)["withheld"] is True
    assert _scale(result, "raaderum", key)["withheld"] is True
    group = next(g for b in result["breakdowns"] for g in b["groups"] if g["key"] == key)
    assert group["responses"]["n"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "shown"), [(2, True), (1, False), (5, False)])
def test_a_unanimous_group_loses_its_mean_only_where_the_mean_would_show_it(value, shown):
    """Six who all answered 2 have mean 2.00 — so would 1, 3, 2, 2, 2, 2: the mean alone does not
    show unanimity. Six who all answered 1 (or 5) have the bound as mean: that shows it."""
    study = make_study(k=5)
    rnd = make_round(study)
    root = Unit.objects.create(name="Kommunen")
    parent = Unit.objects.create(name="Område", parent=root)
    same = Unit.objects.create(name="Enige", parent=parent)
    mixed = Unit.objects.create(name="Blandede", parent=parent)
    other = Unit.objects.create(name="Andet område", parent=root)
    add_responses(rnd, same, [dict(a, R1=value) for a in answers(3, 3) + answers(4, 3)], area="A")
    add_responses(rnd, mixed, answers(1, 4) + answers(3, 4) + answers(5, 4), area="A")
    add_responses(rnd, other, answers(2, 5) + answers(4, 5), area="B")
    result = compute_results(rnd, audit=True)
    key = f"unit:{same.pk}"
    cell = _cell(result, "R1", key)
    assert cell["n"] == 6 and cell["withheld"] is False
    assert cell["distribution"] is None  # 6 < 2k: never a distribution
    if shown:
        assert cell["mean"] == 2.0
    else:
        assert cell["mean"] is None and cell["mean_100"] is None
        # The reason does not say "unanimous": that would be the figure itself.
        assert cell["withheld_figures"]["mean"] == "withheld"
    # Not unanimous on R2: the mean is shown there.
    assert _cell(result, "R2", key)["mean"] == 3.5
    # And no published mean, difference or bound pins the group (the MILP attacker).
    from ledelsesrum.disclosure.tests.test_leaks import value_leaks

    assert value_leaks(rnd, [result], codes=["R1"]) == []
    # The LP on means agrees: the withheld group's mean is not pinned.
    atoms = Atoms(rnd)
    item = next(i for i in result["items"] if i["code"] == "R1")
    pub = [atoms.cell(k) for k, c in item["cells"].items() if c["mean"] is not None]
    sums = atoms.item_sums("R1")
    found = attack_values(pub, [sum(sums[a] for a in c.atoms) for c in pub],
                          atoms.item_counts("R1"), 5, min_value=1, max_value=5,
                          targets=[atoms.cell(key)] if not shown else [])
    assert found == []


@pytest.mark.django_db
def test_a_group_of_4_is_shown_with_k_3_and_withheld_with_k_5():
    shown = suppression_scenario(k=3)
    result = compute_results(shown["round"], audit=True)
    cell = _cell(result, "R1", f"unit:{shown['small'].pk}")
    assert cell["n"] == 4
    assert cell["distribution"] is None  # 4 < 2k = 6: never a distribution
    # 1, 1, 1, 2: the mean 1.25 is within one step of the bound, which would show that all four
    # answered "I meget høj grad" or "I høj grad" — a group under 2k in one band.
    assert cell["mean"] is None
    assert result["thresholds"]["k"] == 3
    from ledelsesrum.disclosure.tests.test_leaks import value_leaks

    assert value_leaks(shown["round"], [result], codes=["R1"]) == []


@pytest.mark.django_db
def test_the_same_group_is_withheld_with_k_5():
    hidden = suppression_scenario(k=5)
    result = compute_results(hidden["round"], audit=True)
    assert _cell(result, "R1", f"unit:{hidden['small'].pk}")["n"] is None


@pytest.mark.django_db
def test_sensitive_items_use_the_sensitive_threshold():
    study = make_study(k=5, sensitive=True)  # T2 sensitive; threshold 10
    rnd = make_round(study)
    a = Unit.objects.create(name="A")
    b = Unit.objects.create(name="B")
    add_responses(rnd, a, answers(2, 4) + answers(3, 3), area="A")  # 7
    add_responses(rnd, b, answers(2, 8) + answers(4, 8), area="B")  # 16
    result = compute_results(rnd, audit=True)
    t2 = next(i for i in result["items"] if i["code"] == "T2")
    assert t2["sensitive"] is True and t2["k"] == 10
    assert _cell(result, "T1", f"unit:{a.pk}")["n"] == 7
    assert _cell(result, "T2", f"unit:{a.pk}")["n"] is None
    assert _scale(result, "tid", f"unit:{a.pk}")["n"] is None


@pytest.mark.django_db
def test_distributions_need_2k_and_collapse_to_three_bands_in_breakdowns():
    study = make_study(k=3)
    rnd = make_round(study)
    a = Unit.objects.create(name="A")
    b = Unit.objects.create(name="B")
    add_responses(rnd, a, answers(1, 3) + answers(2, 3) + answers(4, 3), area="A")  # 9
    add_responses(rnd, b, answers(1, 3) + answers(3, 3) + answers(5, 3), area="B")  # 9
    result = compute_results(rnd, audit=True)
    total = _cell(result, "R1", "total")
    # Total: 6, 3, 3, 3, 3 per category – none under k=3, so five categories and an sd.
    assert total["distribution"]["bands"] == 5
    assert total["distribution"]["counts"] == [6, 3, 3, 3, 3]
    assert total["sd"] is not None
    a_cell = _cell(result, "R1", f"unit:{a.pk}")
    # A's bands are 6, 0, 3: an empty band (with the mean it would pin the five categories).
    assert a_cell["distribution"] is None and a_cell["mean"] is not None
    assert a_cell["sd"] is None and a_cell["withheld_figures"]["sd"] == "total_only"



@pytest.mark.django_db
def test_a_distribution_with_every_band_at_least_k_is_shown_and_the_total_hides_empty_categories():
    study = make_study(k=3)
    rnd = make_round(study)
    a = Unit.objects.create(name="A")
    b = Unit.objects.create(name="B")
    add_responses(rnd, a, answers(1, 3) + answers(3, 3) + answers(5, 3), area="A")
    add_responses(rnd, b, answers(2, 3) + answers(3, 3) + answers(4, 3), area="B")
    result = compute_results(rnd, audit=True)
    assert _cell(result, "R1", f"unit:{a.pk}")["distribution"] == {
        "bands": 3, "counts": [3, 3, 3], "percent": [33, 33, 33]}
    total = _cell(result, "R1", "total")
    assert total["distribution"] == {"bands": 5, "counts": [3, 3, 6, 3, 3],
                                     "percent": [17, 17, 33, 17, 17]}
    only_a = make_study(k=3, name="Kun A")
    rnd2 = make_round(only_a)
    add_responses(rnd2, a, answers(1, 3) + answers(3, 3) + answers(5, 3), area="A")
    add_responses(rnd2, b, answers(1, 3) + answers(3, 3) + answers(5, 3), area="B")
    total = _cell(compute_results(rnd2, audit=True), "R1", "total")
    # 6, 0, 6, 0, 6: an empty category would tell every sub-group it holds nobody there.
    assert total["distribution"]["bands"] == 3 and total["sd"] is None


@pytest.mark.django_db
def test_a_distribution_with_a_small_band_is_withheld_but_the_mean_stays():
    study = make_study(k=3)
    rnd = make_round(study)
    a = Unit.objects.create(name="A")
    b = Unit.objects.create(name="B")
    add_responses(rnd, a, answers(1, 7) + answers(5, 2), area="A")  # lav grad = 2 < k
    add_responses(rnd, b, answers(2, 4) + answers(3, 4) + answers(4, 4), area="B")
    result = compute_results(rnd, audit=True)
    cell = _cell(result, "R1", f"unit:{a.pk}")
    assert cell["n"] == 9 and cell["mean"] is not None
    assert cell["distribution"] is None
    assert cell["withheld_figures"]["distribution"] == "withheld"
    # B's bands would then give A's away through the total: B or the total must be withheld.
    shown = [k for k in ("total", f"unit:{b.pk}") if _cell(result, "R1", k)["distribution"]]
    assert len(shown) < 2
