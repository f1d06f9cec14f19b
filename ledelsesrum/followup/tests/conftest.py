from __future__ import annotations

import pytest


@pytest.fixture
def study(db):
    from ledelsesrum.studies.models import Study

    return Study.objects.create(name="Ledernes vilkår 2026")


@pytest.fixture
def adopted(study):
    from ledelsesrum.followup import decisions

    rec = decisions.add_recommendation(study, subtheme="1d", text="Giv lederne mere råderum.")
    decisions.record_decision(rec, outcome="adopted")
    return rec
