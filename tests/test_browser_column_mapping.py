"""The column step of the leader import in Chromium (issue 12, item 14): an HR export with
Fornavn/Efternavn/Arbejdsmail is recognised, the analyst changes one column, sees the preview
again without uploading again, imports, and the leaders land under the existing units."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# "Afdeling" is the team in the payroll system; "Organisationsenhed" is the unit of the register.
# Both are unit headings, and "Afdeling" is listed first, so it is what is recognised.
HR_EXPORT = (
    "Medarbejdernr;Fornavn;Efternavn;Arbejdsmail;Afdeling;Organisationsenhed;Stilling\n"
    "1001;Mette;Hansen;Mette.Hansen@kommune.dk;Team Syd;Skolen;Skoleleder\n"
    "1002;Jens;Ørsted;jens.orsted@kommune.dk;Team Nord;Børnehuset Solsikken;Dagtilbudsleder\n"
)


def _axe_violations(page) -> list[str]:
    import axe_playwright_python

    page.evaluate((Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8"))
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
    )
    return [f"{v['id']}: {[n['target'] for n in v['nodes'][:3]]}" for v in found["violations"]]


def test_an_analyst_maps_the_columns_of_an_hr_export_and_imports_it(live_server, login_page, analyst, tmp_path):
    from ledelsesrum.organisation.models import Leader, Unit

    root = Unit.objects.create(name="Kommunen", kind=Unit.Kind.ORGANISATION)
    school = Unit.objects.create(name="Skolen", parent=root)
    nursery = Unit.objects.create(name="Børnehuset Solsikken", parent=root)
    path = tmp_path / "hr-eksport.csv"
    path.write_bytes(HR_EXPORT.encode("cp1252"))  # as Danish Excel saves "CSV (semikolonsepareret)"

    page = login_page("alice")
    page.wait_for_url("**/undersoegelser/")
    page.goto(live_server.url + reverse("organisation:import"))
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Vis forhåndsvisning").click()
    expect(page.locator("h1")).to_have_text("Forhåndsvisning af import")

    # The recognised columns, each <select> reachable by its Danish label.
    mapping = page.locator("#column-mapping")
    expect(mapping.get_by_label("Fornavn", exact=True).locator("option:checked")).to_have_text("Fornavn")
    expect(mapping.get_by_label("Efternavn", exact=True).locator("option:checked")).to_have_text("Efternavn")
    expect(mapping.get_by_label("E-mail", exact=True).locator("option:checked")).to_have_text("Arbejdsmail")
    expect(mapping.get_by_label("Stillingsbetegnelse").locator("option:checked")).to_have_text("Stilling")
    expect(mapping.get_by_label("Navn", exact=True).locator("option:checked")).to_have_text("— ikke brugt —")
    unit_select = mapping.get_by_label("Enhed", exact=True)
    expect(unit_select.locator("option:checked")).to_have_text("Afdeling")
    expect(page.locator("#name-from-parts")).to_contain_text("Fornavn + Efternavn")
    # With the team as the unit, two units would be created.
    expect(page.locator('[data-count="units"]')).to_have_text("2")
    expect(page.locator("#new-units")).to_contain_text("Team Syd")
    assert _axe_violations(page) == []

    # The analyst takes the register's unit column instead.
    unit_select.select_option(label="Organisationsenhed")
    page.get_by_role("button", name="Opdatér forhåndsvisningen").click()
    expect(page.locator(".messages")).to_contain_text("Kolonnevalget er gemt")
    expect(page.locator("#column-mapping").get_by_label("Enhed", exact=True).locator("option:checked")).to_have_text(
        "Organisationsenhed")
    expect(page.locator('[data-count="units"]')).to_have_text("0")
    expect(page.locator('[data-count="create"]')).to_have_text("2")
    rows = page.locator("table").last
    expect(rows).to_contain_text("Mette Hansen")
    expect(rows).to_contain_text("mette.hansen@kommune.dk")
    expect(rows).to_contain_text("Kommunen › Børnehuset Solsikken")
    expect(page.locator("body")).not_to_contain_text("Team Syd ›")
    assert _axe_violations(page) == []
    assert not Leader.objects.exists()  # nothing before "Importér"

    page.get_by_role("button", name="Importér", exact=True).click()
    expect(page.locator("#job-status")).to_contain_text("Fortsæt")
    page.get_by_role("link", name="Fortsæt").click()
    expect(page.locator("h1")).to_have_text("Importen er færdig")

    leaders = {leader.email: (leader.name, leader.unit_id, leader.title) for leader in Leader.objects.all()}
    assert leaders == {
        "mette.hansen@kommune.dk": ("Mette Hansen", school.pk, "Skoleleder"),
        "jens.orsted@kommune.dk": ("Jens Ørsted", nursery.pk, "Dagtilbudsleder"),
    }
    assert Unit.objects.count() == 3


def test_a_file_without_an_email_column_names_what_it_found_and_imports_nothing(
        live_server, login_page, analyst, tmp_path):
    from ledelsesrum.organisation.models import Leader

    path = tmp_path / "hr.csv"
    path.write_text("Fornavn;Efternavn;Kontakt\nMette;Hansen;mette@kommune.dk\n", encoding="utf-8")
    page = login_page("alice")
    page.wait_for_url("**/undersoegelser/")
    page.goto(live_server.url + reverse("organisation:import"))
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Vis forhåndsvisning").click()
    expect(page.locator("#file-errors")).to_contain_text(
        "Filen mangler kolonnen/kolonnerne 'e-mail'. Fundne kolonner: Fornavn, Efternavn, Kontakt.")
    expect(page.get_by_role("button", name="Importér", exact=True)).to_have_count(0)
    assert _axe_violations(page) == []

    page.locator("#column-mapping").get_by_label("E-mail", exact=True).select_option(label="Kontakt")
    page.get_by_role("button", name="Opdatér forhåndsvisningen").click()
    expect(page.locator('[data-count="create"]')).to_have_text("1")
    expect(page.get_by_role("button", name="Importér", exact=True)).to_be_visible()
    assert not Leader.objects.exists()
