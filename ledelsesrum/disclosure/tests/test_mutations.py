"""Mutation tests: every disclosure rule weakened by one step lets a leak through, and a test sees it.

A mutant is a one-line change to the source of one module (the way mutation-testing tools make
them), compiled into a copy of the module whose names then replace the real ones for one test.
Each entry of ``MUTANTS`` says what it weakens, the exact text it changes (checked to occur once,
so the list cannot silently go stale when the code moves) and the scenario that must expose it.

A mutant is *killed* when the scenario, run with it in place, exposes the weakness:

* policy and channel mutants (the rules that decide what to publish): the independent MILP
  attacker (``attacker.py``) pins a small group in what the weakened product publishes with its
  audit switched off, and — where the audit covers the channel — the audit refuses the release;
* audit mutants (the checks that refuse a release): paired with a policy mutant whose leak the
  real audit refuses, the weakened audit lets the release through while the attacker still pins
  the group.

``test_scenarios_are_safe_without_mutants`` runs every scenario on the real code: nothing found,
nothing refused. So each kill below is the mutation's doing.
"""

from __future__ import annotations

import importlib
import inspect
import types
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction

from ledelsesrum.analysis import results
from ledelsesrum.analysis.tests.factories import add_responses, answers, make_round, make_study
from ledelsesrum.organisation.models import Unit

from .test_leaks import _invite, _two_units_in_key_order, count_leaks, value_leaks

# -- applying a mutant ------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    module: str
    old: str
    new: str


def apply_edits(monkeypatch, edits: tuple[Edit, ...]) -> None:
    by_module: dict[str, list[Edit]] = {}
    for edit in edits:
        by_module.setdefault(edit.module, []).append(edit)
    for name, module_edits in by_module.items():
        module = importlib.import_module(name)
        source = inspect.getsource(module)
        for edit in module_edits:
            assert source.count(edit.old) == 1, f"{name}: mutant text not found once: {edit.old!r}"
            source = source.replace(edit.old, edit.new)
        copy = types.ModuleType(name)
        copy.__dict__.update(__file__=module.__file__, __package__=module.__package__)
        exec(compile(source, module.__file__, "exec"), copy.__dict__)
        for attr, value in copy.__dict__.items():
            if not attr.startswith("__"):
                monkeypatch.setattr(module, attr, value, raising=False)


# -- publishing and attacking -----------------------------------------------------------------


@dataclass
class Outcome:
    refused: bool  # the audit refused a release
    leaks: list[str]  # what the attacker pinned in the releases (audit off)


def publish(rnd, prior=(), *, audit: bool):
    rnd.refresh_from_db()
    return results.compute_results(rnd, audit=audit, prior=list(prior))


def run(scenario: Callable, *, audit: bool) -> Outcome:
    """Run ``scenario`` in a transaction that is rolled back, so a test can run it twice."""
    with transaction.atomic():
        try:
            outcome = Outcome(False, scenario(audit))
        except results.DisclosureError:
            outcome = Outcome(True, [])
        transaction.set_rollback(True)
    return outcome


def _three_schools(k: int = 5):
    study = make_study(k=k)
    rnd = make_round(study)
    root = Unit.objects.create(name="Kommunen")
    return study, rnd, root


# -- scenarios: each returns the attacker's findings ------------------------------------------


def unanimous_big_group(audit: bool) -> list[str]:
    """A shown group of 12 that all answered 1; its sub-unit of 4 would follow (leak 4)."""
    _study, rnd, root = _three_schools()
    big = Unit.objects.create(name="Hjemmeplejen", parent=root)
    sub = Unit.objects.create(name="Nattevagten", parent=big)
    other = Unit.objects.create(name="Sundhed", parent=root)
    add_responses(rnd, big, answers(1, 8), area="Ældre")
    add_responses(rnd, sub, answers(1, 4), area="Ældre")
    add_responses(rnd, other, answers(2, 5) + answers(4, 5), area="Sundhed")
    return value_leaks(rnd, [publish(rnd, audit=audit)])


def nearly_unanimous_big_group(audit: bool) -> list[str]:
    """As above but one of the 12 answered 2: the mean 1.08 still puts everyone in band 1-2."""
    _study, rnd, root = _three_schools()
    big = Unit.objects.create(name="Hjemmeplejen", parent=root)
    sub = Unit.objects.create(name="Nattevagten", parent=big)
    other = Unit.objects.create(name="Sundhed", parent=root)
    add_responses(rnd, big, answers(1, 7) + answers(2, 1), area="Ældre")
    add_responses(rnd, sub, answers(1, 4), area="Ældre")
    add_responses(rnd, other, answers(2, 5) + answers(4, 5), area="Sundhed")
    return value_leaks(rnd, [publish(rnd, audit=audit)])


def unanimous_group_of_six(audit: bool) -> list[str]:
    """A unit of 6 (>= k, < 2k) where everyone answered 1."""
    _study, rnd, root = _three_schools()
    six = Unit.objects.create(name="Hjemmeplejen", parent=root)
    others = [Unit.objects.create(name=f"Sundhed {i}", parent=root) for i in range(2)]
    add_responses(rnd, six, answers(1, 6), area="Ældre")
    add_responses(rnd, others[0], answers(2, 5) + answers(4, 5), area="Sundhed")
    add_responses(rnd, others[1], answers(3, 5) + answers(5, 5), area="Sundhed")
    return value_leaks(rnd, [publish(rnd, audit=audit)])


def small_category_in_the_total(audit: bool) -> list[str]:
    """k = 3. One leader of 13 answered 2: the total's five categories would show that 1."""
    _study, rnd, root = _three_schools(k=3)
    a = Unit.objects.create(name="A", parent=root)
    add_responses(rnd, a, answers(1, 3) + answers(2, 1) + answers(3, 3) + answers(4, 3)
                  + answers(5, 3), area="X")
    return value_leaks(rnd, [publish(rnd, audit=audit)], codes=["R1"])


def raised_threshold(audit: bool) -> list[str]:
    """Leak 1: k raised from 5 to 7 after the first release."""
    study, rnd, root = _three_schools()
    parent = Unit.objects.create(name="Skoleområdet", parent=root)
    small = Unit.objects.create(name="Lilleskolen", parent=parent)
    six, seven = _two_units_in_key_order(parent)
    other = Unit.objects.create(name="Ældreområdet", parent=root)
    add_responses(rnd, small, answers(1, 4), area="Skole")
    add_responses(rnd, six, answers(3, 3) + answers(4, 3), area="Skole")
    add_responses(rnd, seven, answers(2, 5) + answers(3, 2), area="Skole")
    add_responses(rnd, other, answers(2, 6) + answers(3, 6), area="Ældre")
    first = publish(rnd, audit=audit)
    study.anonymity_threshold = 7
    study.save()
    second = publish(rnd, [first], audit=audit)
    return value_leaks(rnd, [first, second]) + count_leaks(rnd, [first, second])


def lowered_threshold(audit: bool) -> list[str]:
    """k lowered from 6 to 5 after the first release (found by a random search with the
    earlier release ignored): the second release, alone safe, shows a complement the first
    one did not, and together they give the sum of a group of 3."""
    study, rnd, root = _three_schools(k=6)
    mids = [Unit.objects.create(name=f"Område {i}", parent=root) for i in range(2)]
    u0 = Unit.objects.create(name="Enhed 0", parent=mids[0])
    u1 = Unit.objects.create(name="Enhed 1", parent=mids[1])
    add_responses(rnd, u0, answers(3, 3) + answers(1, 2), area="B")
    add_responses(rnd, u1, answers(1, 4) + answers(3, 3), area="A")
    add_responses(rnd, u1, answers(3, 2) + answers(4, 1), area="B")
    first = publish(rnd, audit=audit)
    study.anonymity_threshold = 5
    study.save()
    second = publish(rnd, [first], audit=audit)
    return value_leaks(rnd, [first, second], k=5) + count_leaks(rnd, [first, second])


def reorganised(audit: bool) -> list[str]:
    """Leak 2: a unit moved to another parent between two releases."""
    study, rnd, root = _three_schools()
    parent = Unit.objects.create(name="Socialområdet", parent=root)
    moved = Unit.objects.create(name="Botilbuddet", parent=parent)
    stays = Unit.objects.create(name="Myndighed", parent=parent)
    other = Unit.objects.create(name="Kultur", parent=root)
    add_responses(rnd, moved, answers(5, 3), area="Kommune")
    add_responses(rnd, stays, answers(2, 9) + answers(3, 8), area="Kommune")
    add_responses(rnd, other, answers(2, 5) + answers(4, 5), area="Kommune")
    first = publish(rnd, audit=audit)
    moved.parent = other
    moved.save()
    study.open_text_threshold = 12
    study.save()
    second = publish(rnd, [first], audit=audit)
    return value_leaks(rnd, [first, second]) + count_leaks(rnd, [first, second])


def reasons_and_empty_categories(audit: bool) -> list[str]:
    """Leak 3: a total with empty categories, and why each group is hidden."""
    _study, rnd, root = _three_schools()
    g = Unit.objects.create(name="Dagtilbud", parent=root)
    g1 = Unit.objects.create(name="Vuggestuen", parent=g)
    g2 = Unit.objects.create(name="Børnehaven", parent=g)
    h = Unit.objects.create(name="Skoler", parent=root)
    add_responses(rnd, g1, answers(1, 3), area="Børn")
    add_responses(rnd, g2, answers(1, 4), area="Børn")
    add_responses(rnd, h, answers(1, 3) + answers(4, 6), area="Skole")
    payload = publish(rnd, audit=audit)
    return value_leaks(rnd, [payload]) + count_leaks(rnd, [payload])


def derived_empty_band(audit: bool) -> list[str]:
    """k = 3. A (withheld: a band is empty) = total − B in bands: [3, 3, 0]; with A's mean the
    empty high band pins A's five categories (one 2, two 1s)."""
    _study, rnd, root = _three_schools(k=3)
    a = Unit.objects.create(name="A", parent=root)
    b = Unit.objects.create(name="B", parent=root)
    add_responses(rnd, a, answers(1, 2) + answers(2, 1) + answers(3, 3), area="X")
    add_responses(rnd, b, answers(1, 3) + answers(3, 3) + answers(5, 3), area="X")
    return value_leaks(rnd, [publish(rnd, audit=audit)], codes=["R1"])


def derived_small_band(audit: bool) -> list[str]:
    """k = 3. A's high band holds 1 (withheld), total − B gives it, and A's mean says it is a 4."""
    _study, rnd, root = _three_schools(k=3)
    a = Unit.objects.create(name="A", parent=root)
    b = Unit.objects.create(name="B", parent=root)
    add_responses(rnd, a, answers(1, 3) + answers(3, 3) + answers(4, 1), area="X")
    add_responses(rnd, b, answers(1, 3) + answers(3, 3) + answers(5, 3), area="X")
    return value_leaks(rnd, [publish(rnd, audit=audit)], codes=["R1"])


def sensitive_item(audit: bool) -> list[str]:
    """T2 is sensitive (threshold 10): units of 6 and 7 show no mean of T2."""
    study = make_study(k=5, sensitive=True)
    rnd = make_round(study)
    root = Unit.objects.create(name="Kommunen")
    units = [Unit.objects.create(name=f"Enhed {i}", parent=root) for i in range(3)]
    add_responses(rnd, units[0], answers(2, 6), area="X")
    add_responses(rnd, units[1], answers(3, 4) + answers(4, 3), area="X")
    add_responses(rnd, units[2], answers(3, 6) + answers(5, 6), area="X")
    payload = publish(rnd, audit=audit)
    # The attacker holds the product to the study's threshold, not to what the payload says.
    return value_leaks(rnd, [payload], codes=["T2"], k=study.sensitive_threshold)


def withheld_unit_all_skipped(audit: bool) -> list[str]:
    """Leak 7: a unit of 3 where nobody answered T2."""
    _study, rnd, root = _three_schools()
    small = Unit.objects.create(name="Lille enhed", parent=root)
    a = Unit.objects.create(name="Stor enhed", parent=root)
    b = Unit.objects.create(name="Anden enhed", parent=root)
    add_responses(rnd, small, answers(3, 3, T2=0), area="A")
    add_responses(rnd, a, answers(2, 6) + answers(4, 6), area="A")
    add_responses(rnd, b, answers(3, 6) + answers(5, 6), area="B")
    return count_leaks(rnd, [publish(rnd, audit=audit)])


def closed_round_overview(audit: bool) -> list[str]:
    """Leak 6: the response overview of a closed round beside its results."""
    from ledelsesrum.studies import rounds

    _study, rnd, root = _three_schools()
    parent = Unit.objects.create(name="Skoleområdet", parent=root)
    small = Unit.objects.create(name="Lilleskolen", parent=parent)
    seven, six = _two_units_in_key_order(parent)
    thin = Unit.objects.create(name="Ungdomsskolen", parent=root)
    other = Unit.objects.create(name="Ældre", parent=root)
    _invite(rnd, small, "Skole", 5, 4, value=1)
    _invite(rnd, seven, "Skole", 7, 7, value=2)
    _invite(rnd, six, "Skole", 8, 6, value=4)
    _invite(rnd, thin, "Skole", 8, 3, value=1)
    _invite(rnd, other, "Ældre", 14, 12, value=3)
    from ledelsesrum.analysis.release import release

    payload = release(rnd).payload  # the overview of a closed round reads the stored release
    return count_leaks(rnd, [payload], overviews=[rounds.response_overview(rnd)])


SCENARIOS = {
    f.__name__: f
    for f in (
        unanimous_big_group, unanimous_group_of_six, nearly_unanimous_big_group,
        small_category_in_the_total, raised_threshold, lowered_threshold, reorganised,
        reasons_and_empty_categories, derived_empty_band, derived_small_band, sensitive_item,
        withheld_unit_all_skipped, closed_round_overview,
    )
}

# -- the mutants ------------------------------------------------------------------------------

POLICY = "ledelsesrum.disclosure.policy"
AUDIT = "ledelsesrum.disclosure.audit"
RESULTS = "ledelsesrum.analysis.results"
ROUNDS = "ledelsesrum.studies.rounds"


@dataclass(frozen=True)
class Mutant:
    name: str
    edits: tuple[Edit, ...]
    scenario: str
    audited: bool = True  # the audit covers this channel and must refuse the release
    weakens_audit: bool = False


NO_BOUNDS_ITEM = Edit(POLICY, "            for distance in (s - n, N_CATEGORIES * n - s)]",
                      "            for distance in ()]")
NO_PRIOR = Edit(POLICY, "    if prior is not None:\n        restrict_to_prior(",
                "    if False:\n        restrict_to_prior(")
# "alle svarede det samme" as the reason a mean is withheld
REASON_UNANIMOUS = Edit(
    RESULTS, '            wf["mean"] = wf["distribution"] = R_WITHHELD\n',
    '            wf["mean"] = wf["distribution"] = "unanimous" if f.sd[i] < 1e-9 else R_WITHHELD\n')
NO_EMPTY_BAND = Edit(POLICY, "        dist_w |= _derived_empty(layout, live, live & (band == 0), "
                     "dist_w, cell_n)", "        pass")

MUTANTS = [
    # rules of what may be published
    Mutant("unanimity under 2k -> under k",
           (Edit(POLICY, "UNANIMITY_FACTOR = 2 ", "UNANIMITY_FACTOR = 1 "),),
           "unanimous_group_of_six"),
    Mutant("scale bounds dropped", (NO_BOUNDS_ITEM,), "unanimous_big_group"),
    Mutant("bound margin 1 -> 0",
           (Edit(POLICY, "BOUND_MARGIN = 1 ", "BOUND_MARGIN = 0 "),), "nearly_unanimous_big_group"),
    Mutant("versions not compared (a release may show what an earlier one withheld)",
           (NO_PRIOR,), "lowered_threshold"),
    Mutant("unit tree not frozen (today's tree after a reorganisation)",
           (Edit(ROUNDS, "    tree = round.unit_tree\n", "    tree = snapshot_unit_tree()\n"),),
           "reorganised"),
    Mutant("reason code added (everyone answered the same)",
           (REASON_UNANIMOUS,), "unanimous_group_of_six"),
    Mutant("five categories with empty ones allowed",
           (Edit(POLICY, "    return bool((np.asarray(total_counts) >= kv).all())",
                 "    return True"),), "small_category_in_the_total"),
    Mutant("derived empty bands not checked", (NO_EMPTY_BAND,), "derived_empty_band"),
    Mutant("derived band counts not checked",
           (Edit(POLICY, "    return [Criterion.counts(np.minimum(band, kv), kv)]", "    return []"),),
           "derived_small_band"),
    Mutant("sensitive threshold ignored",
           (Edit(POLICY, "        return max(self.sensitive, self.k) if sensitive else self.k",
                 "        return self.k"),), "sensitive_item"),
    Mutant("closed round's overview shows the submitted count of a withheld unit",
           (Edit(ROUNDS, '        n = g["responses"].get("n")\n        any_withheld |= n is None\n'
                 '        overview["units"]',
                 '        n = g["responses"].get("n")\n        if n is None:\n'
                 '            from ledelsesrum.surveys.models import Response\n'
                 '            n = Response.objects.filter(round=round, unit_id__in=members,\n'
                 '                                        submitted_at__isnull=False).count()\n'
                 '        any_withheld |= n is None\n        overview["units"]'),),
           "closed_round_overview", audited=False),
    # the audit's checks, each paired with a policy mutant whose leak the real audit refuses
    Mutant("audit: earlier releases not compared",
           (NO_PRIOR, Edit(RESULTS, "        if prior:\n            # Together", "        if False:\n"
                           "            # Together")), "lowered_threshold", weakens_audit=True),
    Mutant("audit: scale bounds dropped",
           (NO_BOUNDS_ITEM,
            Edit(AUDIT, '        a.derived(fam + " sum", "derivable group at the low bound", shown_mean, '
                 "live,\n                  np.minimum(s - n, 2), 1, near)", "        pass")),
           "unanimous_big_group", weakens_audit=True),
    Mutant("audit: reason codes not checked",
           (REASON_UNANIMOUS,
            Edit(AUDIT, "        if bad:\n", "        if False:\n")),
           "unanimous_group_of_six", weakens_audit=True),
    Mutant("audit: derived empty bands not checked",
           (NO_EMPTY_BAND, Edit(AUDIT, "            a.empty_within(fam", "            (lambda *a: None)(fam")),
           "derived_empty_band", weakens_audit=True),
    Mutant("audit: payload's thresholds trusted",
           (Edit(POLICY, "        return max(self.sensitive, self.k) if sensitive else self.k",
                 "        return self.k"),
            Edit(AUDIT, "                 data.item_k.get(code, 0), k)", "                 k)"),
            Edit(AUDIT, "                 data.scale_k.get(code, 0), k)", "                 k)")),
           "sensitive_item", weakens_audit=True),
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenarios_are_safe_without_mutants(name):
    scenario = SCENARIOS[name]
    outcome = run(scenario, audit=True)
    assert not outcome.refused, f"{name}: the real audit refused the real policy's release"
    assert outcome.leaks == [], outcome.leaks


@pytest.mark.django_db
@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_each_mutant_is_killed(mutant, monkeypatch):
    apply_edits(monkeypatch, mutant.edits)
    scenario = SCENARIOS[mutant.scenario]
    if mutant.weakens_audit:
        outcome = run(scenario, audit=True)
        assert not outcome.refused and outcome.leaks, (
            f"{mutant.name}: the weakened audit should let the leak through "
            f"(refused={outcome.refused}, leaks={outcome.leaks})")
        return
    attacked = run(scenario, audit=False)
    assert attacked.leaks, f"{mutant.name}: the attacker found nothing in the weakened release"
    if mutant.audited:
        audited = run(scenario, audit=True)
        assert audited.refused, f"{mutant.name}: the audit let the weakened release through"
