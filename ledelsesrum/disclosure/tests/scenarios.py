"""Rounds that leak when a disclosure rule is missing, for the leak tests and the mutation tests.

Each scenario builds a closed round, publishes it through ``publish(round, prior=())`` (one or
more releases: the caller decides how — the product's release path, or ``compute_results`` with
the audit on or off) and returns what the independent MILP attacker (``attacker.py``) pins in
everything published: an empty list when nothing leaks.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from ledelsesrum.analysis.tests.factories import (
    ITEMS,
    add_responses,
    answers,
    make_round,
    make_study,
)
from ledelsesrum.organisation.models import Unit
from ledelsesrum.surveys.models import Invitation, Response

from .attacker import (
    count_findings,
    item_model,
    parents_of,
    register_from_rows,
    responses_model,
    value_findings,
    withheld_groups,
)

CODES = [code for code, *_ in ITEMS]
Publish = Callable[..., dict]


def register_for(rnd, payloads):
    rows = [
        (answers, (unit_id, area, level, sen, span))
        for answers, unit_id, area, level, sen, span in Response.objects.filter(
            round=rnd, submitted_at__isnull=False
        ).values_list("answers", "unit_id", "area", "level", "seniority_band", "span_band")
    ]
    return register_from_rows(rows, parents_of(payloads))


def value_leaks(rnd, payloads, codes=CODES, k=None, **kw):
    """The counts-known attacker's findings per item (``k``: hold the items to this threshold
    instead of the one each payload states)."""
    reg = register_for(rnd, payloads)
    out = []
    for code in codes:
        model = item_model(reg, payloads, code, counts_known=True, k=k)
        out += [f"{code}: {f}" for f in value_findings(model, k=model.k, **kw)]
    return out


def count_leaks(rnd, payloads, codes=CODES, overviews=(), k=None):
    """The counts-unknown attacker's findings, held to ``k`` (default: the lowest threshold any
    of the releases was published under, the promise they all keep)."""
    reg = register_for(rnd, payloads)
    k = k or min(p["thresholds"]["k"] for p in payloads)
    out = [f"responses: {f}" for f in count_findings(
        responses_model(reg, payloads, k=k, overviews=overviews), k=k,
        withheld=withheld_groups(payloads, reg, None))]
    for code in codes:
        model = item_model(reg, payloads, code, counts_known=False, k=k)
        out += [f"{code}: {f}" for f in count_findings(
            model, k=model.k, withheld=withheld_groups(payloads, reg, code))]
    return out


def _two_units_in_key_order(parent):
    """Two sibling units, returned so that the first one's key sorts before the second's."""
    a = Unit.objects.create(name="Skole A", parent=parent)
    b = Unit.objects.create(name="Skole B", parent=parent)
    return sorted([a, b], key=lambda u: f"unit:{u.pk}")


def _invite(rnd, unit, area, invited, submitted, value=3):
    now = timezone.now()
    for i in range(invited):
        inv = Invitation.objects.create(round=rnd, unit=unit, area=area, level="Leder",
                                        seniority_band="3-5 år", span_band="11-25")
        if i < submitted:
            inv.submitted_at = now
            inv.save()
            Response.objects.create(round=rnd, unit=unit, area=area, level="Leder",
                                    seniority_band="3-5 år", span_band="11-25",
                                    answers={c: value for c in CODES}, submitted_at=now)


def store(rnd, payload: dict) -> None:
    """Store ``payload`` as the round's next release (what the closed round's overview reads)."""
    from ledelsesrum.analysis.models import Release
    from ledelsesrum.analysis.release import settings_key

    version = Release.objects.filter(round=rnd).count() + 1
    if not Release.objects.filter(round=rnd, settings_key=settings_key(rnd)).exists():
        Release.objects.create(round=rnd, version=version, settings_key=settings_key(rnd),
                               payload=payload, audited=bool(payload.get("audited")), seconds=0)


def _three_schools(k: int = 5):
    study = make_study(k=k)
    rnd = make_round(study)
    root = Unit.objects.create(name="Kommunen")
    return study, rnd, root


def unanimous_big_group(publish: Publish) -> list[str]:
    """A shown group of 12 that all answered 1; its sub-unit of 4 would follow (leak 4)."""
    _study, rnd, root = _three_schools()
    big = Unit.objects.create(name="Hjemmeplejen", parent=root)
    sub = Unit.objects.create(name="Nattevagten", parent=big)
    other = Unit.objects.create(name="Sundhed", parent=root)
    add_responses(rnd, big, answers(1, 8), area="Ældre")
    add_responses(rnd, sub, answers(1, 4), area="Ældre")
    add_responses(rnd, other, answers(2, 5) + answers(4, 5), area="Sundhed")
    return value_leaks(rnd, [publish(rnd)])


def nearly_unanimous_big_group(publish: Publish) -> list[str]:
    """As above but one of the 12 answered 2: the mean 1.08 still puts everyone in band 1-2."""
    _study, rnd, root = _three_schools()
    big = Unit.objects.create(name="Hjemmeplejen", parent=root)
    sub = Unit.objects.create(name="Nattevagten", parent=big)
    other = Unit.objects.create(name="Sundhed", parent=root)
    add_responses(rnd, big, answers(1, 7) + answers(2, 1), area="Ældre")
    add_responses(rnd, sub, answers(1, 4), area="Ældre")
    add_responses(rnd, other, answers(2, 5) + answers(4, 5), area="Sundhed")
    return value_leaks(rnd, [publish(rnd)])


def _six_all_1_beside(publish: Publish, first: list[dict], second: list[dict]) -> list[str]:
    _study, rnd, root = _three_schools()
    six = Unit.objects.create(name="Hjemmeplejen", parent=root)
    others = [Unit.objects.create(name=f"Sundhed {i}", parent=root) for i in range(2)]
    add_responses(rnd, six, answers(1, 6), area="Ældre")
    add_responses(rnd, others[0], first, area="Sundhed")
    add_responses(rnd, others[1], second, area="Sundhed")
    return value_leaks(rnd, [publish(rnd)])


def unanimous_group_of_six(publish: Publish) -> list[str]:
    """A unit of 6 (>= k, < 2k) where everyone answered 1. Nobody answered 4 or 5, so no
    distribution is shown anywhere (an empty band) and only the bounds rule stands guard."""
    return _six_all_1_beside(publish, answers(1, 2) + answers(3, 8),
                             answers(3, 5) + answers(1, 5))


def unanimous_six_beside_spread_answers(publish: Publish) -> list[str]:
    """A unit of 6 that all answered 1, beside units whose answers spread over the scale."""
    return _six_all_1_beside(publish, answers(2, 5) + answers(4, 5),
                             answers(3, 5) + answers(5, 5))


def filling_the_lowest_answers(publish: Publish) -> list[str]:
    """k = 3, found by the random rounds: area A (seven 1s, three 3s; 1.60) and area B
    (3, 3, 3, 5, 5, 4, 4) in one unit; the total's bands [7, 6, 4]. A's 10 answers hold at
    least three of the ten non-low ones, so A's sum is at least 16 — and is: every low answer is
    a 1, and the total's categories 4 and 5 follow (2 each)."""
    _study, rnd, root = _three_schools(k=3)
    unit = Unit.objects.create(name="Enheden", parent=root)
    add_responses(rnd, unit, answers(1, 7) + answers(3, 3), area="A")
    add_responses(rnd, unit, answers(3, 3) + answers(5, 2) + answers(4, 2), area="B")
    return value_leaks(rnd, [publish(rnd)], codes=["R1"])


def small_category_in_the_total(publish: Publish) -> list[str]:
    """k = 3. One leader of 13 answered 2: the total's five categories would show that 1."""
    _study, rnd, root = _three_schools(k=3)
    a = Unit.objects.create(name="A", parent=root)
    add_responses(rnd, a, answers(1, 3) + answers(2, 1) + answers(3, 3) + answers(4, 3)
                  + answers(5, 3), area="X")
    return value_leaks(rnd, [publish(rnd)], codes=["R1"])


def raised_threshold(publish: Publish) -> list[str]:
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
    first = publish(rnd)
    study.anonymity_threshold = 7
    study.save()
    second = publish(rnd, [first])
    return value_leaks(rnd, [first, second]) + count_leaks(rnd, [first, second])


def lowered_threshold(publish: Publish) -> list[str]:
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
    first = publish(rnd)
    study.anonymity_threshold = 5
    study.save()
    second = publish(rnd, [first])
    return value_leaks(rnd, [first, second], k=5) + count_leaks(rnd, [first, second])


def reorganised(publish: Publish) -> list[str]:
    """Leak 2: a unit moved to another parent between two releases."""
    study, rnd, root = _three_schools()
    parent = Unit.objects.create(name="Socialområdet", parent=root)
    moved = Unit.objects.create(name="Botilbuddet", parent=parent)
    stays = Unit.objects.create(name="Myndighed", parent=parent)
    other = Unit.objects.create(name="Kultur", parent=root)
    add_responses(rnd, moved, answers(5, 3), area="Kommune")
    add_responses(rnd, stays, answers(2, 9) + answers(3, 8), area="Kommune")
    add_responses(rnd, other, answers(2, 5) + answers(4, 5), area="Kommune")
    first = publish(rnd)
    moved.parent = other
    moved.save()
    study.open_text_threshold = 12
    study.save()
    second = publish(rnd, [first])
    return value_leaks(rnd, [first, second]) + count_leaks(rnd, [first, second])


def reasons_and_empty_categories(publish: Publish) -> list[str]:
    """Leak 3: a total with empty categories, and why each group is hidden."""
    _study, rnd, root = _three_schools()
    g = Unit.objects.create(name="Dagtilbud", parent=root)
    g1 = Unit.objects.create(name="Vuggestuen", parent=g)
    g2 = Unit.objects.create(name="Børnehaven", parent=g)
    h = Unit.objects.create(name="Skoler", parent=root)
    add_responses(rnd, g1, answers(1, 3), area="Børn")
    add_responses(rnd, g2, answers(1, 4), area="Børn")
    add_responses(rnd, h, answers(1, 3) + answers(4, 6), area="Skole")
    payload = publish(rnd)
    return value_leaks(rnd, [payload]) + count_leaks(rnd, [payload])


def derived_empty_band(publish: Publish) -> list[str]:
    """k = 3. A (withheld: a band is empty) = total − B in bands: [3, 3, 0]; with A's mean the
    empty high band pins A's five categories (one 2, two 1s)."""
    _study, rnd, root = _three_schools(k=3)
    a = Unit.objects.create(name="A", parent=root)
    b = Unit.objects.create(name="B", parent=root)
    add_responses(rnd, a, answers(1, 2) + answers(2, 1) + answers(3, 3), area="X")
    add_responses(rnd, b, answers(1, 3) + answers(3, 3) + answers(5, 3), area="X")
    return value_leaks(rnd, [publish(rnd)], codes=["R1"])


def derived_small_band(publish: Publish) -> list[str]:
    """k = 3. A's middle band holds 1 (withheld); total - B would give it: one leader of A
    answered 3."""
    _study, rnd, root = _three_schools(k=3)
    a = Unit.objects.create(name="A", parent=root)
    b = Unit.objects.create(name="B", parent=root)
    add_responses(rnd, a, answers(1, 2) + answers(2, 1) + answers(3, 1) + answers(4, 2)
                  + answers(5, 1), area="X")
    add_responses(rnd, b, answers(1, 3) + answers(3, 3) + answers(5, 3), area="X")
    return value_leaks(rnd, [publish(rnd)], codes=["R1"])


def group_at_the_bottom_of_its_bands(publish: Publish) -> list[str]:
    """k = 3, found by the random rounds: area A (seven 1s, three 3s) and area B (three 4s) in
    one unit. With the total's bands [7, 3, 3], A's mean 1.60 is the least A's bands allow, so
    nobody in the total answered 2 or 5 and B's three are the band 4-5: all 4s."""
    _study, rnd, root = _three_schools(k=3)
    unit = Unit.objects.create(name="Enheden", parent=root)
    add_responses(rnd, unit, answers(1, 7) + answers(3, 3), area="A")
    add_responses(rnd, unit, answers(4, 3), area="B")
    return value_leaks(rnd, [publish(rnd)], codes=["R1"])


def _at_the_bottom_by_subtraction(publish: Publish, flip: bool) -> list[str]:
    """k = 3. The leaders placed directly in the municipality (area A: 4, 4, 3; area B: 1, 1,
    1, 3, 3, 4) are the total minus unit V: in bands [3, 3, 3] and in sum 24, the least those
    bands allow, so nobody among them answered 2 or 5, and area A's three (mean 3.67, their
    distribution withheld) can only be 4, 4 and 3. ``flip`` mirrors every answer (v -> 6 - v):
    then the sum is the most the bands allow, nobody answered 1 or 4, and area A's 2, 2, 3
    follow. The group is no published cell and no derived band is small or empty, so only the
    within-band slack rule stops it."""
    def given(value: int, n: int) -> list[dict]:
        return answers(6 - value if flip else value, n)

    _study, rnd, root = _three_schools(k=3)
    unit = Unit.objects.create(name="V", parent=root)
    add_responses(rnd, root, given(4, 2) + given(3, 1), area="A")
    add_responses(rnd, root, given(1, 3) + given(3, 2) + given(4, 1), area="B")
    add_responses(rnd, unit, given(1, 1) + given(2, 2) + given(3, 3) + given(4, 1)
                  + given(5, 2), area="B")
    return value_leaks(rnd, [publish(rnd)], codes=["R1"])


def nobody_in_2_or_5_by_subtraction(publish: Publish) -> list[str]:
    return _at_the_bottom_by_subtraction(publish, flip=False)


def nobody_in_1_or_4_by_subtraction(publish: Publish) -> list[str]:
    return _at_the_bottom_by_subtraction(publish, flip=True)


def _spec_round(spec: dict):
    """A round as the random rounds build it (test_random_rounds): five units under one root,
    groups of (unit, area, respondents, most answer this, the rest answer this)."""
    study = make_study(k=spec["k"])
    rnd = make_round(study)
    root = Unit.objects.create(name="Kommunen")
    units = [Unit.objects.create(name=f"Enhed {i}", parent=root) for i in range(5)]
    for unit, area, n, main, rest in spec["groups"]:
        first = n // 2 + 1
        add_responses(rnd, units[unit], answers(main, first) + answers(rest, n - first),
                      area=area)
    return rnd


def five_categories_share(publish: Publish) -> list[str]:
    """k = 3, found by the random rounds: the total's five categories [10, 3, 3, 3, 3] with B's
    mean 4.60 (the most five of those answers can have) pin B, and with A's mean exactly one
    of A answered 4. Stopped by the five-category share rule (and the integer check)."""
    rnd = _spec_round({"k": 3, "groups": [
        (0, "A", 1, 1, 0), (0, "A", 1, 1, 0), (0, "A", 1, 4, 0), (0, "A", 7, 1, 2),
        (0, "A", 7, 1, 3), (0, "B", 2, 4, 0), (0, "B", 4, 5, 0)]})
    return value_leaks(rnd, [publish(rnd)], codes=["R1"])


def integer_only(publish: Publish) -> list[str]:
    """k = 3, found by the random rounds with the integer check off: no single rule fires, but
    together the figures place the one leader of unit 0 in area A, and five of unit 3, in band
    1-2. Only the integer check (``policy.integer_pins``) stops it."""
    rnd = _spec_round({"k": 3, "groups": [
        (0, "A", 1, 1, 0), (2, "A", 6, 2, 0), (0, "B", 7, 5, 3), (3, "A", 5, 2, 1),
        (2, "A", 4, 3, 4), (2, "A", 5, 1, 4)]})
    return value_leaks(rnd, [publish(rnd)], codes=["R1"])


def sensitive_item(publish: Publish) -> list[str]:
    """T2 is sensitive (threshold 10): units of 6 and 7 show no mean of T2."""
    study = make_study(k=5, sensitive=True)
    rnd = make_round(study)
    root = Unit.objects.create(name="Kommunen")
    units = [Unit.objects.create(name=f"Enhed {i}", parent=root) for i in range(3)]
    add_responses(rnd, units[0], answers(2, 6), area="X")
    add_responses(rnd, units[1], answers(3, 4) + answers(4, 3), area="X")
    add_responses(rnd, units[2], answers(3, 6) + answers(5, 6), area="X")
    payload = publish(rnd)
    # The attacker holds the product to the study's threshold, not to what the payload says.
    return value_leaks(rnd, [payload], codes=["T2"], k=study.sensitive_threshold)


def withheld_unit_all_skipped(publish: Publish) -> list[str]:
    """Leak 7: a unit of 3 where nobody answered T2."""
    _study, rnd, root = _three_schools()
    small = Unit.objects.create(name="Lille enhed", parent=root)
    a = Unit.objects.create(name="Stor enhed", parent=root)
    b = Unit.objects.create(name="Anden enhed", parent=root)
    add_responses(rnd, small, answers(3, 3, T2=0), area="A")
    add_responses(rnd, a, answers(2, 6) + answers(4, 6), area="A")
    add_responses(rnd, b, answers(3, 6) + answers(5, 6), area="B")
    return count_leaks(rnd, [publish(rnd)])


def closed_round_overview(publish: Publish) -> list[str]:
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
    payload = publish(rnd)
    store(rnd, payload)  # the overview of a closed round reads the stored release
    return count_leaks(rnd, [payload], overviews=[rounds.response_overview(rnd)])


def derived_group_of_exactly_k(publish: Publish) -> list[str]:
    """Leak 5: five leaders placed directly in a parent = parent minus its two child units."""
    _study, rnd, root = _three_schools()
    parent = Unit.objects.create(name="Børn og Unge", parent=root)
    a = Unit.objects.create(name="Skole Nord", parent=parent)
    b = Unit.objects.create(name="Skole Syd", parent=parent)
    other = Unit.objects.create(name="Teknik", parent=root)
    add_responses(rnd, parent, answers(5, 5), area="Børn")
    add_responses(rnd, a, answers(2, 4) + answers(3, 4) + answers(4, 2), area="Børn")  # 2.80
    add_responses(rnd, b, answers(2, 3) + answers(3, 3) + answers(4, 4), area="Børn")  # 3.10
    add_responses(rnd, other, answers(2, 6) + answers(3, 6), area="Teknik")
    return value_leaks(rnd, [publish(rnd)])


def remainder_of_withheld_siblings(publish: Publish) -> list[str]:
    """Leak 5b: children of 1, 4, 12 and 12; the five withheld all answered 5."""
    _study, rnd, root = _three_schools()
    parent = Unit.objects.create(name="Social", parent=root)
    kids = [Unit.objects.create(name=f"Tilbud {i}", parent=parent) for i in range(4)]
    add_responses(rnd, kids[0], answers(5, 1), area="Social")
    add_responses(rnd, kids[1], answers(5, 4), area="Social")
    add_responses(rnd, kids[2], answers(2, 6) + answers(3, 6), area="Social")
    add_responses(rnd, kids[3], answers(3, 6) + answers(4, 6), area="Social")
    other = Unit.objects.create(name="Kultur", parent=root)
    add_responses(rnd, other, answers(2, 6) + answers(3, 6), area="Kultur")
    return value_leaks(rnd, [publish(rnd)])


SCENARIOS = {
    f.__name__: f
    for f in (
        unanimous_big_group, unanimous_group_of_six, nearly_unanimous_big_group,
        small_category_in_the_total, raised_threshold, lowered_threshold, reorganised,
        reasons_and_empty_categories, group_at_the_bottom_of_its_bands,
        nobody_in_2_or_5_by_subtraction, nobody_in_1_or_4_by_subtraction,
        filling_the_lowest_answers, unanimous_six_beside_spread_answers,
        derived_group_of_exactly_k,
        remainder_of_withheld_siblings, derived_empty_band, derived_small_band, sensitive_item,
        withheld_unit_all_skipped, closed_round_overview, five_categories_share, integer_only,
    )
}
