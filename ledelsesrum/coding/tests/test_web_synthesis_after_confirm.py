"""The synthesis follows a confirmation at once (issue 12, item 8): the overview, the sub-theme's
page and the report, with every in-process cache (suggester, statement space) warm beforehand."""

import re

import pytest
from django.urls import reverse

from ledelsesrum.coding.models import MeaningUnit

pytestmark = pytest.mark.django_db


def url(name, study, **kw):
    return reverse(f"coding:{name}", kwargs={"study_id": study.pk, **kw})


def _row(client, study, code) -> list[str]:
    """The overview's cells for ``code``: units, leaders, quantifier, open answers."""
    body = client.get(url("synthesis", study)).content.decode()
    row = re.search(rf'<tr data-code="{re.escape(code)}">(.*?)</tr>', body, re.S).group(1)
    return [re.sub(r"<[^>]+>|\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)][1:]


def _warm(client, study):
    # Every page that keeps something in the process: suggester, statement space, the report.
    client.get(url("units", study))
    for code in ("3b", "4a"):
        client.get(url("synthesis_detail", study, code=code))
    client.get(reverse("reports:view", kwargs={"study_id": study.pk}))


def test_the_overview_shows_a_confirmed_suggestion_at_once(analyst_client, char_workspace, three_notes_study):
    study = three_notes_study
    _warm(analyst_client, study)
    assert _row(analyst_client, study, "3b") == ["0", "0", "ingen", "0"]
    unit = MeaningUnit.objects.filter(study=study).order_by("id").first()

    # One click on a suggestion, through htmx as the page does it.
    response = analyst_client.post(url("confirm", study, pk=unit.pk), {"code": "3b", "status": "uncoded"},
                                   HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert _row(analyst_client, study, "3b") == ["1", "1", "nogle", "0"]
    detail = analyst_client.get(url("synthesis_detail", study, code="3b")).content.decode()
    assert "nogle ledere (1 af 3)" in detail and unit.text in detail
    report = analyst_client.get(reverse("reports:view", kwargs={"study_id": study.pk})).content.decode()
    section = report.split('id="undertema-3b"', 1)[1].split('id="undertema-', 1)[0]
    assert "nogle ledere (1 af 3)" in section and unit.text.split(".")[0] in section

    # A second leader's unit, then the first unit moved to another sub-theme (plain POST).
    second = MeaningUnit.objects.filter(study=study).exclude(leader=unit.leader).order_by("id").first()
    analyst_client.post(url("confirm", study, pk=second.pk), {"code": "3b"})
    assert _row(analyst_client, study, "3b") == ["2", "2", "mange", "0"]
    analyst_client.post(url("confirm", study, pk=unit.pk), {"other_code": "4a", "use_other": "1", "status": "coded"})
    assert _row(analyst_client, study, "3b") == ["1", "1", "nogle", "0"]
    assert _row(analyst_client, study, "4a") == ["1", "1", "nogle", "0"]
    detail = analyst_client.get(url("synthesis_detail", study, code="3b")).content.decode()
    assert unit.text not in detail and second.text in detail
