"""Building the demo municipality through the product's own code paths."""

from collections import Counter

import pytest

from ledelsesrum.demo import build
from ledelsesrum.demo.org import ORGANISATION_NAME
from ledelsesrum.organisation.models import Leader, Unit
from ledelsesrum.studies.models import Round, Study
from ledelsesrum.surveys.models import Invitation, Question, Response

pytestmark = pytest.mark.django_db


def _demo_units():
    root = Unit.objects.get(name=ORGANISATION_NAME, parent__isnull=True)
    return root, build._subtree(root)


def test_the_full_demo_has_about_120_leaders_in_a_tree_and_a_closed_round_with_answers(full_demo):
    result = full_demo  # build.build_demo(seed=2026), built once per session (demo/tests/conftest.py)

    assert result.created
    root, units = _demo_units()
    leaders = Leader.objects.filter(unit__in=units)
    assert 110 <= leaders.count() <= 130
    assert result.leaders == leaders.count()
    kinds = Counter(u.kind for u in units)
    assert kinds["organisation"] == 1 and kinds["forvaltning"] >= 4
    assert kinds["omraade"] >= 5 and kinds["tilbud"] >= 30
    # A tree: every unit but the root hangs under another demo unit.
    ids = {u.pk for u in units}
    assert all(u.parent_id in ids for u in units if u.pk != root.pk)
    assert all(leader.email.endswith("@demo-kommune.dk") for leader in leaders)

    study = Study.objects.get(pk=result.study_id)
    assert study.name == build.STUDY_NAME and study.research_questions and study.purpose
    main_round = study.main_round
    assert main_round.status == Round.Status.CLOSED
    invitations = Invitation.objects.filter(round=main_round)
    assert invitations.count() == leaders.count()
    assert not invitations.exclude(token=None).exists()  # closing cleared the links
    submitted = Response.objects.filter(round=main_round, submitted_at__isnull=False)
    assert 0.78 <= submitted.count() / invitations.count() <= 0.93
    assert result.submitted == submitted.count()
    assert not Response.objects.filter(round=main_round).exclude(invitation=None).exists()

    scale_codes = set(
        Question.objects.filter(questionnaire__study=study, kind="scale").values_list("code", flat=True)
    )
    values = Counter(v for r in submitted for c, v in r.answers.items() if c in scale_codes)
    assert set(values) == {0, 1, 2, 3, 4, 5}
    assert values[0] < 0.05 * sum(values.values())  # a few "Ved ikke"
    answered = [len(scale_codes & set(r.answers)) for r in submitted]
    assert min(answered) < len(scale_codes)  # some skipped items
    assert sum(answered) > 0.9 * len(scale_codes) * submitted.count()
    assert 0.4 < sum(1 for r in submitted if r.open_answers) / submitted.count() < 0.95
    # Areas differ in size, and some are smaller than the threshold.
    areas = Counter(r.area for r in submitted)
    assert min(areas.values()) < study.anonymity_threshold <= max(areas.values())


def test_a_second_build_reuses_the_demo_and_creates_no_duplicates():
    first = build.build_demo(seed=1, size=20)
    counts = (Unit.objects.count(), Leader.objects.count(), Study.objects.count(),
              Response.objects.count(), Invitation.objects.count())

    second = build.build_demo(seed=1, size=20)

    assert not second.created
    assert second.study_id == first.study_id
    assert (Unit.objects.count(), Leader.objects.count(), Study.objects.count(),
            Response.objects.count(), Invitation.objects.count()) == counts


def test_reset_rebuilds_the_demo_and_leaves_everything_else_alone():
    other_unit = Unit.objects.create(name="Anden Kommune", kind="organisation")
    other_leader = Leader.objects.create(name="Ulla Udenfor", email="ulla@anden.dk", unit=other_unit)
    other_study = Study.objects.create(name="En anden undersøgelse")
    first = build.build_demo(seed=1, size=20)

    second = build.build_demo(seed=3, size=25, reset=True)

    assert second.created and second.study_id != first.study_id
    assert not Study.objects.filter(pk=first.study_id).exists()
    assert Study.objects.filter(name=build.STUDY_NAME).count() == 1
    assert Unit.objects.filter(name=ORGANISATION_NAME).count() == 1
    _root, units = _demo_units()
    assert Leader.objects.filter(unit__in=units).count() == 25
    assert Leader.objects.filter(pk=other_leader.pk).exists()
    assert Study.objects.filter(pk=other_study.pk).exists()
    assert Unit.objects.filter(pk=other_unit.pk).exists()


def test_a_leader_elsewhere_with_a_demo_address_does_not_block_the_build():
    Leader.objects.create(name="Anja Clausen", email="anja.clausen@demo-kommune.dk")
    result = build.build_demo(seed=2026, size=10)
    assert result.leaders == 10
    assert Leader.objects.filter(email="anja.clausen@demo-kommune.dk").count() == 1


def test_without_responses_the_round_stays_open_with_a_link_per_leader():
    result = build.build_demo(seed=1, size=15, with_responses=False)

    study = Study.objects.get(pk=result.study_id)
    assert study.main_round.status == Round.Status.COLLECTING
    invitations = Invitation.objects.filter(round=study.main_round)
    assert invitations.count() == 15
    assert invitations.filter(token__isnull=False).count() == 15
    assert not Response.objects.filter(round=study.main_round).exists()
