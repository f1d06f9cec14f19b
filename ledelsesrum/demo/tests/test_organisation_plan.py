"""The fictional organisation: a three-level tree, about 120 leaders, realistic spread."""

from collections import Counter

from ledelsesrum.demo.org import (
    FULL_SIZE,
    LEVEL_AREA,
    LEVEL_DEPARTMENT,
    LEVEL_UNIT,
    ORGANISATION_NAME,
    plan_leaders,
    unit_tree,
)


def _paths(node, prefix=()):
    for child in node.children:
        yield (*prefix, child.name), child.kind
        yield from _paths(child, (*prefix, child.name))


def test_the_tree_goes_from_forvaltning_over_omraade_to_tilbud():
    root = unit_tree()
    assert root.name == ORGANISATION_NAME and root.kind == "organisation"
    assert "Kommune" in root.name and root.name.startswith("Demo")
    kinds = dict(_paths(root))
    assert {kinds[(c.name,)] for c in root.children} == {"forvaltning"}
    assert kinds[("Børn og Unge", "Dagtilbud")] == "omraade"
    assert kinds[("Social og Sundhed", "Ældre og Pleje", "Plejecenter Lindehaven")] == "tilbud"


def test_every_leader_sits_in_a_unit_of_the_tree():
    paths = dict(_paths(unit_tree()))
    for leader in plan_leaders(2026):
        assert leader.unit_path in paths


def test_the_full_demo_has_about_120_leaders_on_three_levels():
    leaders = plan_leaders(2026)
    assert len(leaders) == FULL_SIZE
    assert 110 <= FULL_SIZE <= 130
    levels = Counter(p.level for p in leaders)
    assert set(levels) == {LEVEL_AREA, LEVEL_UNIT, LEVEL_DEPARTMENT}
    assert len({p.email for p in leaders}) == len(leaders)


def test_some_areas_are_smaller_than_the_anonymity_threshold_so_suppression_shows():
    areas = Counter(p.area for p in plan_leaders(2026))
    assert any(n < 5 for n in areas.values())
    assert any(n >= 20 for n in areas.values())


def test_the_same_seed_gives_the_same_leaders_and_another_seed_other_people():
    assert plan_leaders(7) == plan_leaders(7)
    assert [p.name for p in plan_leaders(7)] != [p.name for p in plan_leaders(8)]


def test_size_shrinks_or_grows_the_organisation():
    assert len(plan_leaders(1, 30)) == 30
    big = plan_leaders(1, 200)
    assert len(big) == 200
    assert len({p.email for p in big}) == 200


def test_years_span_and_education_are_plausible():
    leaders = plan_leaders(2026)
    assert all(0 <= p.years_as_leader <= 35 for p in leaders)
    assert all(1 <= p.span_of_control <= 100 for p in leaders)
    educations = Counter(p.leadership_education for p in leaders)
    assert educations["diplom"] > educations["ingen"] > 0
