import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledelsesrum.studies.population import population_for

from .factories import make_leader


@pytest.mark.django_db
def test_an_empty_rule_takes_every_active_leader(org, study):
    a = make_leader(org["skole_a"])
    b = make_leader(org["center_c"])
    make_leader(org["skole_b"], active=False)
    assert set(population_for(study)) == {a, b}


@pytest.mark.django_db
def test_a_unit_takes_its_whole_subtree_and_nothing_else(org, study):
    at_forvaltning = make_leader(org["boern"])
    in_school = make_leader(org["skole_a"])
    in_other_school = make_leader(org["skole_b"])
    make_leader(org["center_c"])
    make_leader(org["kommune"])
    make_leader(None)
    study.population_unit = org["boern"]
    study.save()
    assert set(population_for(study)) == {at_forvaltning, in_school, in_other_school}


@pytest.mark.django_db
def test_levels_and_areas_narrow_the_population_when_listed(org, study):
    keep = make_leader(org["skole_a"], level="Institutionsleder", area="Skole")
    make_leader(org["skole_a"], level="Afdelingsleder", area="Skole")
    make_leader(org["center_c"], level="Institutionsleder", area="Ældre")
    study.population_levels = ["Institutionsleder"]
    study.population_areas = ["Skole"]
    study.save()
    assert list(population_for(study)) == [keep]


@pytest.mark.django_db
def test_inactive_leaders_are_never_in_the_population_even_when_the_rule_fits(org, study):
    make_leader(org["skole_a"], level="Institutionsleder", active=False)
    study.population_unit = org["skole_a"]
    study.population_levels = ["Institutionsleder"]
    study.save()
    assert population_for(study).count() == 0


@pytest.mark.django_db
def test_the_rule_is_a_fixed_number_of_queries_however_many_leaders(org, study):
    for i in range(30):
        make_leader(org["skole_a"] if i % 2 else org["skole_b"], level="Leder")
    study.population_unit = org["boern"]
    study.save()
    with CaptureQueriesContext(connection) as queries:
        count = population_for(study).count()
    assert count == 30
    assert len(queries) == 2  # the unit tree once, then the leaders
