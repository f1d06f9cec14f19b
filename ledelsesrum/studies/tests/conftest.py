"""Named fixtures for the studies tests: an organisation tree and a study (with a questionnaire)."""

from __future__ import annotations

import pytest

from ledelsesrum.organisation.models import Unit
from ledelsesrum.studies.models import Study

from .factories import add_questionnaire


@pytest.fixture
def org(db):
    """Kommune › {Børn og Unge › {Skole A, Skole B}, Ældre › {Center C}}."""
    kommune = Unit.objects.create(name="Kommune", kind=Unit.Kind.ORGANISATION)
    boern = Unit.objects.create(name="Børn og Unge", kind=Unit.Kind.FORVALTNING, parent=kommune)
    aeldre = Unit.objects.create(name="Ældre", kind=Unit.Kind.FORVALTNING, parent=kommune)
    return {
        "kommune": kommune,
        "boern": boern,
        "aeldre": aeldre,
        "skole_a": Unit.objects.create(name="Skole A", parent=boern),
        "skole_b": Unit.objects.create(name="Skole B", parent=boern),
        "center_c": Unit.objects.create(name="Center C", parent=aeldre),
    }


@pytest.fixture
def study(db):
    return Study.objects.create(name="Vilkår for ledelse 2026")


@pytest.fixture
def ready_study(study):
    add_questionnaire(study)
    return study
