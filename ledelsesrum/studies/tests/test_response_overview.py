"""The response overview never shows a group under k alone, nor lets one be derived by
subtraction (ANONYMITY.md, rules 1 and 3)."""

import itertools

import numpy as np
import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledelsesrum.studies.models import Round
from ledelsesrum.studies.rounds import close_round, response_overview
from ledelsesrum.surveys.models import Invitation, Response


def _round(study, groups, submitted=None):
    """A collecting round with ``groups[(unit, area)] = invited``; ``submitted`` likewise."""
    round_ = Round.objects.create(study=study, status=Round.Status.COLLECTING, launched_at=timezone.now())
    submitted = submitted or {}
    invitations, responses = [], []
    for (unit, area), count in groups.items():
        for i in range(count):
            invitations.append(Invitation(round=round_, unit=unit, area=area))
            if i < submitted.get((unit, area), 0):
                responses.append(
                    Response(round=round_, unit=unit, area=area, submitted_at=timezone.now())
                )
    Invitation.objects.bulk_create(invitations)
    Response.objects.bulk_create(responses)
    return round_


@pytest.mark.django_db
def test_a_unit_under_k_is_folded_into_its_parent_and_never_shown_alone(org, study):
    groups = {
        (org["skole_a"], "Skole"): 6,
        (org["skole_b"], "Skole"): 4,
        (org["boern"], "Skole"): 2,
        (org["center_c"], "Ældre"): 7,
    }
    overview = response_overview(_round(study, groups, {
        (org["skole_b"], "Skole"): 4, (org["skole_a"], "Skole"): 6, (org["center_c"], "Ældre"): 7}))

    assert [(row["label"], row["invited"]) for row in overview["units"]] == [
        ("Børn og Unge (øvrige)", 6),  # Skole B with the forvaltning's own 2
        ("Center C", 7),
        ("Skole A", 6),
    ]
    assert sum(row["invited"] for row in overview["units"]) == overview["invited"] == 19
    assert overview["folded"] is True
    # Skole B's 4 submitted are never shown, nor the total minus the other rows.
    rows = {row["label"]: row for row in overview["units"]}
    assert rows["Børn og Unge (øvrige)"]["submitted"] is None
    assert rows["Center C"]["submitted"] is None or rows["Skole A"]["submitted"] is None
    assert overview["submitted"] == 17 and overview["withheld"] is True


@pytest.mark.django_db
def test_a_small_residual_is_folded_further_so_it_cannot_be_derived_from_the_total(org, study):
    groups = {(org["skole_a"], ""): 10, (org["skole_b"], ""): 11, (org["center_c"], ""): 2}
    overview = response_overview(_round(study, groups, {(org["center_c"], ""): 2}))

    rows = overview["units"]
    assert [row["label"] for row in rows] == ["Skole B", "Øvrige enheder"]
    assert [row["invited"] for row in rows] == [11, 12]
    assert all(row["invited"] >= 5 for row in rows)
    # Two submitted in all: neither the total nor the residual row shows them.
    assert overview["submitted"] is None and rows[-1]["submitted"] is None


@pytest.mark.django_db
def test_with_fewer_than_k_invited_only_the_invitation_count_is_shown(org, study):
    overview = response_overview(_round(study, {(org["skole_a"], "Skole"): 4}, {(org["skole_a"], "Skole"): 2}))
    assert overview["invited"] == 4
    assert overview["submitted"] is None and overview["started"] is None and overview["rate"] is None
    assert overview["units"] == [] and overview["areas"] == []


@pytest.mark.django_db
def test_an_area_that_differs_from_a_unit_by_a_small_group_is_not_shown(org, study):
    groups = {
        (org["skole_a"], "Skole"): 10,
        (org["skole_b"], "Skole"): 6,
        (org["center_c"], "Ældre"): 6,
        (org["center_c"], "Skole"): 1,  # Center C minus Ældre would be this one leader
    }
    overview = response_overview(_round(study, groups, {(org["center_c"], "Skole"): 1}))
    assert [row["label"] for row in overview["units"]] == ["Center C", "Skole A", "Skole B"]
    assert overview["areas"] == []


@pytest.mark.django_db
def test_areas_aligned_with_units_are_shown_side_by_side(org, study):
    groups = {(org["skole_a"], "Skole"): 6, (org["skole_b"], "Skole"): 6, (org["center_c"], "Ældre"): 6}
    overview = response_overview(_round(study, groups, {
        (org["skole_a"], "Skole"): 6, (org["skole_b"], "Skole"): 3}))
    assert [(r["label"], r["invited"], r["submitted"], r["rate"]) for r in overview["areas"]] == [
        ("Skole", 12, 9, 75), ("Ældre", 6, 0, 0),
    ]
    assert (overview["invited"], overview["submitted"], overview["rate"]) == (18, 9, 50)
    # Skole B's 3 are withheld, and so is Skole A: Skole minus Skole A would be Skole B.
    units = {r["label"]: r["submitted"] for r in overview["units"]}
    assert units["Skole B"] is None and units["Skole A"] is None


@pytest.mark.django_db
def test_the_overview_never_names_who_answered_and_still_works_after_close(org, study):
    groups = {(org["skole_a"], "Skole"): 6, (org["center_c"], "Ældre"): 6}
    round_ = _round(study, groups, {(org["skole_a"], "Skole"): 5})
    close_round(round_)
    assert response_overview(round_)["pending"] is True  # the release is computed after close
    from ledelsesrum.analysis.release import release

    release(round_)
    overview = response_overview(round_)
    assert overview["submitted"] == 5
    for row in overview["units"] + overview["areas"]:
        assert set(row) <= {"label", "invited", "started", "submitted", "rate", "members", "withheld",
                            "depth"}
    assert "leader" not in repr(overview) and "@" not in repr(overview)


# --- an attacker who knows every leader's unit and area and sees every published row ---------

def _derivable(published: np.ndarray, target: np.ndarray) -> bool:
    return np.linalg.matrix_rank(np.vstack([published, target])) == np.linalg.matrix_rank(published)


UNITS = ["kommune", "boern", "aeldre", "skole_a", "skole_b", "center_c", None]
AREAS = ["", "Skole", "Ældre", "Dagtilbud"]


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    counts=st.dictionaries(
        st.tuples(st.sampled_from(UNITS), st.sampled_from(AREAS)), st.integers(1, 8), max_size=10
    ),
    k=st.sampled_from([3, 5]),
)
def test_no_group_under_k_can_be_derived_from_any_published_rows(org, study, counts, k):
    Round.objects.all().delete()
    study.anonymity_threshold = k
    study.save()
    groups = {(org[u] if u else None, a): n for (u, a), n in counts.items()}
    overview = response_overview(_round(study, groups))

    atoms = list(counts)  # the finest groups the attacker can name
    size = np.array([counts[a] for a in atoms])
    vectors = [np.ones(len(atoms))] if overview["rate"] is not None else []
    for row in overview["units"]:
        assert row["invited"] >= k
        members = {m for m in row["members"]}
        vectors.append(np.array([1.0 if (org[u].pk if u else None) in members else 0.0 for u, _a in atoms]))
    for row in overview["areas"]:
        assert row["invited"] >= k
        vectors.append(np.array([1.0 if a in row["members"] else 0.0 for _u, a in atoms]))
    if not vectors:
        return
    published = np.vstack(vectors)
    # every single small group, and every pair of groups together under k
    for combo in itertools.chain(
        itertools.combinations(range(len(atoms)), 1), itertools.combinations(range(len(atoms)), 2)
    ):
        total = sum(size[i] for i in combo)
        if 0 < total < k:
            target = np.zeros(len(atoms))
            target[list(combo)] = 1
            assert not _derivable(published, target), (combo, overview)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    counts=st.dictionaries(
        st.tuples(st.sampled_from(UNITS), st.sampled_from(AREAS)),
        st.tuples(st.integers(1, 8), st.integers(0, 8)), max_size=10,
    ),
    k=st.sampled_from([3, 5]),
)
def test_no_small_number_of_submitted_answers_can_be_derived_while_collecting(org, study, counts, k):
    """The submitted counts of the rows: an attacker who knows every leader's unit and area (and
    which groups nobody has answered in yet) cannot work out 1..k-1 submitted for any group."""
    Round.objects.all().delete()
    study.anonymity_threshold = k
    study.save()
    groups = {(org[u] if u else None, a): inv for (u, a), (inv, _s) in counts.items()}
    done = {(org[u] if u else None, a): min(s, inv) for (u, a), (inv, s) in counts.items()}
    overview = response_overview(_round(study, groups, done))
    atoms = [a for a in counts if done[(org[a[0]] if a[0] else None, a[1])] > 0]
    size = np.array([done[(org[u] if u else None, a)] for u, a in atoms])
    vectors = [np.ones(len(atoms))] if overview["submitted"] is not None else []
    for part, rows in ((0, overview["units"]), (1, overview["areas"])):
        for row in rows:
            if row["submitted"] is None:
                continue
            assert not 0 < row["submitted"] < k
            members = set(row["members"])
            vectors.append(np.array([
                1.0 if ((org[u].pk if u else None) if part == 0 else a) in members else 0.0
                for u, a in atoms]))
    if not vectors or not atoms:
        return
    published = np.vstack(vectors)
    for r in (1, 2, 3):
        for combo in itertools.combinations(range(len(atoms)), r):
            if 0 < sum(size[i] for i in combo) < k:
                target = np.zeros(len(atoms))
                target[list(combo)] = 1
                assert not _derivable(published, target), (combo, overview)
