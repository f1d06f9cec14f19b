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

from .scenarios import SCENARIOS

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


def run(scenario: Callable, *, audit: bool) -> Outcome:
    """Run ``scenario`` with ``compute_results`` (audit on or off) in a transaction that is
    rolled back, so a test can run it twice."""

    def publish(rnd, prior=()):
        rnd.refresh_from_db()
        return results.compute_results(rnd, audit=audit, prior=list(prior))

    with transaction.atomic():
        try:
            outcome = Outcome(False, scenario(publish))
        except results.DisclosureError:
            outcome = Outcome(True, [])
        transaction.set_rollback(True)
    return outcome


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
    # The integer check (small rounds only) would catch what most single rules let through on
    # these small scenarios; it is switched off for them so each rule is tested on its own (on
    # a municipality-sized round, where the integer check does not run, the rules stand alone).
    integer_check: bool = False


INTEGER_OFF = (Edit("ledelsesrum.disclosure.policy", "INTEGER_MAX_CLASSES = 16",
                    "INTEGER_MAX_CLASSES = 0"),
               Edit("ledelsesrum.disclosure.audit", "INTEGER_MAX_CLASSES = 16",
                    "INTEGER_MAX_CLASSES = 0"))


NO_BOUNDS_ITEM = Edit(POLICY, "            for distance in (s - n, N_CATEGORIES * n - s)]",
                      "            for distance in ()]")
NO_PRIOR = Edit(POLICY, "    if prior is not None:\n        restrict_to_prior(",
                "    if False:\n        restrict_to_prior(")
# "alle svarede det samme" as the reason a mean is withheld
REASON_UNANIMOUS = Edit(
    RESULTS, '            wf["mean"] = wf["distribution"] = R_WITHHELD\n',
    '            wf["mean"] = wf["distribution"] = "unanimous" if f.sd[i] < 1e-9 else R_WITHHELD\n')
NO_SHARE = Edit(POLICY, "        more = share_pins(layout, cell_n, cell_s, cell_bands, mean_w, dist_w) - pinned",
               "        more = set()")
NO_EMPTY_BAND = Edit(POLICY, "        dist_w |= _derived_empty(layout, live, live & (band == 0), "
                     "dist_w, cell_n)", "        pass")
NO_SLACK = "        dist_w |= _derived_empty(layout, live, live & (slack == 0), dist_w, cell_n)"
NO_SLACK_AUDIT = Edit(
    AUDIT, '            a.empty_within(fam + " distribution", f"derivable group with nobody in {cats}",',
    '            (lambda *a: None)(fam + " distribution", f"derivable group with nobody in {cats}",')

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
           (REASON_UNANIMOUS,), "unanimous_six_beside_spread_answers"),
    Mutant("five categories with empty ones allowed",
           (Edit(POLICY, "    return bool((np.asarray(total_counts) >= kv).all())",
                 "    return True"),), "small_category_in_the_total"),
    Mutant("derived empty bands not checked", (NO_EMPTY_BAND,), "derived_empty_band"),
    Mutant("derived band counts not checked",
           (Edit(POLICY, "    return [Criterion.counts(np.minimum(band, kv), kv)]", "    return []"),),
           "derived_small_band"),
    Mutant("within-band slack: slack == 0 -> slack < 0",
           (Edit(POLICY, NO_SLACK, NO_SLACK.replace("slack == 0", "slack < 0")),),
           "nobody_in_2_or_5_by_subtraction"),
    Mutant("within-band slack: result dropped (|= -> |)",
           (Edit(POLICY, NO_SLACK, NO_SLACK.replace("dist_w |= ", "dist_w | ")),),
           "nobody_in_1_or_4_by_subtraction"),
    Mutant("within-band slack: only nobody in 2 and 5 checked",
           (Edit(POLICY, "    for slack in within_band_slacks(counts):",
                 "    for slack in within_band_slacks(counts)[:1]:"),),
           "nobody_in_1_or_4_by_subtraction"),
    Mutant("within-band slack: only nobody in 1 and 4 checked",
           (Edit(POLICY, "    for slack in within_band_slacks(counts):",
                 "    for slack in within_band_slacks(counts)[1:]:"),),
           "nobody_in_2_or_5_by_subtraction"),
    Mutant("a mean at the bound of its share of a shown distribution allowed",
           (NO_SHARE,), "filling_the_lowest_answers"),
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
    Mutant("integer check off", (INTEGER_OFF[0],), "integer_only", integer_check=True),
    Mutant("five-category share rule dropped",
           (Edit(POLICY, "        if five and five_share_pins(", "        if False and five_share_pins("),),
           "five_categories_share"),
    Mutant("audit: integer programme off", INTEGER_OFF, "integer_only", weakens_audit=True,
           integer_check=True),
    Mutant("audit: five-category share not checked",
           (Edit(POLICY, "        if five and five_share_pins(", "        if False and five_share_pins("),
            Edit(AUDIT, "if 0 < g_n < t_n and any(_at_five_share_bound(",
                 "if False and any(_at_five_share_bound(")),
           "five_categories_share", weakens_audit=True),
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
           "unanimous_six_beside_spread_answers", weakens_audit=True),
    Mutant("audit: derived empty bands not checked",
           (NO_EMPTY_BAND, Edit(AUDIT, '            a.empty_within(fam + " distribution", f"derivable group with band',
                                 '            (lambda *a: None)(fam + " distribution", f"derivable group with band')),
           "derived_empty_band", weakens_audit=True),
    Mutant("audit: within-band slack not checked",
           (Edit(POLICY, NO_SLACK, "        pass"), NO_SLACK_AUDIT),
           "nobody_in_2_or_5_by_subtraction", weakens_audit=True),
    Mutant("audit: means at the bound of their share not checked",
           (NO_SHARE, Edit(AUDIT, "                if m and _at_share_bound(m, total, d_bands):",
                           "                if False:")),
           "filling_the_lowest_answers", weakens_audit=True),
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
    apply_edits(monkeypatch, mutant.edits if mutant.integer_check else mutant.edits + INTEGER_OFF)
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
