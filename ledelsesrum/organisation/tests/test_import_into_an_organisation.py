"""The examples of docs/file-formats.md import into an existing organisation as documented:
paths are read below its top unit, never as a second organisation beside it (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ledelsesrum.organisation.importer import import_leaders
from ledelsesrum.organisation.models import Leader, Unit

DOCS = Path(__file__).resolve().parents[3] / "docs" / "file-formats.md"

pytestmark = pytest.mark.django_db


def _leader_examples() -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"```csv\n(.*?)```", text, flags=re.S)
    leader_blocks = [b for b in blocks if b.startswith("navn;e-mail;")]
    assert len(leader_blocks) >= 2
    return leader_blocks


@pytest.fixture
def demo_kommune():
    root = Unit.objects.create(name="Demo Kommune", kind=Unit.Kind.ORGANISATION)
    boern = Unit.objects.create(name="Børn og Unge", kind=Unit.Kind.FORVALTNING, parent=root)
    Unit.objects.create(name="Social og Sundhed", kind=Unit.Kind.FORVALTNING, parent=root)
    return root, boern


@pytest.mark.parametrize("example", range(2))
def test_the_documented_examples_land_below_the_organisation(demo_kommune, example):
    root, boern = demo_kommune
    block = _leader_examples()[example]
    plan = import_leaders(block.encode("utf-8"), "ledere.csv")
    assert plan.ok
    assert list(Unit.objects.filter(parent__isnull=True)) == [root]  # no second organisation
    assert Unit.objects.filter(name="Børn og Unge").count() == 1
    nord = Unit.objects.get(name="Dagtilbud Nord")
    assert nord.parent == boern and nord.kind == Unit.Kind.OMRAADE
    mette = Leader.objects.get(email="mette@kommune.dk")
    assert mette.unit.name == "Børnehuset Solsikken" and mette.unit.parent == nord
    # A second import of the same file is possible (no "findes flere steder").
    again = import_leaders(block.encode("utf-8"), "ledere.csv")
    assert again.ok and again.counts["units"] == 0


def test_a_new_forvaltning_is_created_below_the_organisation_as_a_forvaltning(demo_kommune):
    root, _boern = demo_kommune
    import_leaders(b"navn;e-mail;enhed\nKaren Holm;karen@kommune.dk;Kultur og Fritid > Biblioteket\n", "l.csv")
    kultur = Unit.objects.get(name="Kultur og Fritid")
    assert kultur.parent == root and kultur.kind == Unit.Kind.FORVALTNING
    assert Unit.objects.get(name="Biblioteket").parent == kultur


def test_the_full_path_from_the_top_still_works(demo_kommune):
    import_leaders("navn;e-mail;enhed\nOle Bak;ole@kommune.dk;Demo Kommune > Børn og Unge > Skolen\n".encode(), "l.csv")
    assert Leader.objects.get(email="ole@kommune.dk").unit.parent.name == "Børn og Unge"
    assert Unit.objects.filter(parent__isnull=True).count() == 1


def test_the_preview_lists_every_new_unit_with_its_path(analyst_client, demo_kommune):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    response = analyst_client.post(reverse("organisation:import"), {
        "file": SimpleUploadedFile("ledere.csv", _leader_examples()[0].encode("utf-8")),
    })
    assert response.status_code == 302
    html = analyst_client.get(response.url).content.decode()
    assert "Demo Kommune › Børn og Unge › Dagtilbud Nord › Børnehuset Solsikken" in html
    assert "2 nye enheder oprettes" in html
