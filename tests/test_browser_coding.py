"""In headless Chromium: import notes → meaning units (job) → suggestions → confirm → synthesis → matrix."""

import docx
import pytest
from playwright.sync_api import expect

from ledelsesrum.coding import workspace
from ledelsesrum.coding.models import CodingDecision, MeaningUnit
from ledelsesrum.interviews.models import Interview, InterviewNote
from ledelsesrum.organisation.models import Leader
from ledelsesrum.studies.models import Study

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = ["Hanne Bøgh Madsen", "Karsten Holm", "Birgit Lund", "Jonas Friis"]


def _email(name: str) -> str:
    return name.split()[0].lower() + "@kommune.dk"


def _write_note_files(folder) -> list:
    """One file per leader, named after the leader's e-mail, as an interviewer would save them."""
    hanne = folder / "hanne@kommune.dk.txt"
    hanne.write_text(
        "Hanne Bøgh Madsen fortæller, at der er alt for lidt tid til ledelse. Driften og administrationen "
        "fylder hele kalenderen, og hun når sjældent at tale med medarbejderne.\n",
        encoding="utf-8",
    )
    karsten = folder / "karsten@kommune.dk.docx"
    document = docx.Document()
    document.add_heading("Opbakning og sparring fra chef/leder", level=2)
    document.add_paragraph("Lederen savner sparring og opbakning fra sin chef. Chefen er sjældent til stede og svarer sent på mails.")
    document.save(karsten)
    birgit = folder / "birgit@kommune.dk.txt"
    birgit.write_text(
        "3b Tid til ledelse\n"
        "Han har 48 medarbejdere og oplever, at ledelsesspændet er for stort. Der er ikke tid til den enkelte.\n",
        encoding="utf-8",
    )
    jonas = folder / "jonas@kommune.dk.md"
    jonas.write_text(
        "# Ledernetværk\n\n"
        "Hun er glad for netværket med de andre ledere. Derudover ønsker hun mere tid til strategisk ledelse.\n",
        encoding="utf-8",
    )
    return [hanne, karsten, birgit, jonas]


@pytest.fixture(autouse=True)
def _char_embedder(monkeypatch):
    # The classical embedder keeps the test fast; production uses E5 (auto).
    monkeypatch.setenv(workspace.EMBEDDER_ENV, "char")
    yield
    workspace._suggesters.clear()


def test_the_whole_coding_loop_works_in_the_browser(live_server, login_page, analyst, tmp_path):
    study = Study.objects.create(name="Ledernes vilkår 2025")
    interviews = []
    for name in NAMES:
        leader = Leader.objects.create(name=name, email=_email(name), title="Skoleleder")
        interviews.append(Interview.objects.create(study=study, leader=leader, status=Interview.Status.DONE))
    files = _write_note_files(tmp_path)

    page = login_page("alice")
    # The notes enter through the import page: upload, preview (matched by e-mail), confirm, job.
    page.goto(f"{live_server.url}/undersoegelser/{study.pk}/interviews/import/")
    page.set_input_files("input[type=file][name=files]", [str(f) for f in files])
    page.click("main form button[type=submit]")
    page.wait_for_selector("tr[data-file]")
    assert page.locator("tr[data-file]").count() == 4
    assert not page.locator("[role=alert]").count()
    for index, interview in enumerate(interviews):
        assert page.input_value(f"#interview_{index}") == str(interview.pk)
    assert "1b) Opbakning og sparring fra chef/leder" in page.inner_text("tr[data-file='1']")
    assert "3b) Tid til ledelse" in page.inner_text("tr[data-file='2']")
    assert "1c) Ledernetværk" in page.inner_text("tr[data-file='3']")
    assert "Noter" in page.inner_text("tr[data-file='0']")
    assert not InterviewNote.objects.filter(interview__study=study).exists()  # nothing saved before "Importér"
    page.click("main form button[type=submit]:has-text('Importér')")
    page.wait_for_selector("#job-status a.button:has-text('Fortsæt')")
    notes = InterviewNote.objects.filter(interview__study=study).exclude(text="")
    assert sorted(notes.values_list("interview_id", flat=True)) == [i.pk for i in interviews]
    assert notes.get(interview=interviews[1]).theme_id == "1b"
    assert "Hanne" not in notes.get(interview=interviews[0]).text  # pseudonymised on import

    page.goto(f"{live_server.url}/undersoegelser/{study.pk}/kodning/")
    page.click("#build-form button[type=submit]")
    page.wait_for_selector("#job-status a.button:has-text('Fortsæt')")
    page.click("#job-status a.button:has-text('Fortsæt')")
    page.wait_for_selector(".unit")
    units = MeaningUnit.objects.filter(study=study)
    assert units.count() >= 4
    assert "Hanne" not in page.inner_text("#unit-list")
    assert "Forslag – du bestemmer" in page.inner_text("#unit-list")
    first = page.locator(".unit").first
    assert first.locator("button.suggestion").count() == 5
    assert "%" in first.locator("button.suggestion").first.inner_text()

    # Choose 4a for the unit about the chef's support, then one-click confirm a suggestion (htmx).
    unit = units.get(text__startswith="Lederen savner sparring")
    card = page.locator(f"#unit-{unit.pk}")
    card.locator("textarea[name=condensed]").fill("Savner sparring fra chefen")
    card.locator("select[name=other_code]").select_option("4a")
    card.locator("button[name=use_other]").click()
    page.wait_for_selector(f"#unit-{unit.pk}", state="detached")
    unit.refresh_from_db()
    assert unit.code == "4a" and unit.condensed == "Savner sparring fra chefen"
    assert "Enheden er kodet som 4a." in page.inner_text("#unit-list")

    # Correct a unit's text in place (htmx); the new text is saved and shown.
    edited = page.locator(".unit").first
    edited_id = int(edited.get_attribute("data-unit"))
    edited.locator("details.unit-tools summary").click()
    edited.locator("textarea[name=text]").fill("Lederen savner tid til at lede sine medarbejdere.")
    edited.get_by_role("button", name="Gem teksten").click()
    # expect() polls without eval, which the CSP forbids (wait_for_function would compile a string).
    expect(page.locator("#unit-list")).to_contain_text("Enhedens tekst er gemt.")
    assert MeaningUnit.objects.get(pk=edited_id).text == "Lederen savner tid til at lede sine medarbejdere."
    assert "Lederen savner tid til at lede sine medarbejdere." in page.inner_text(f"#unit-{edited_id} .unit-text")

    other = page.locator(".unit").first
    other_id = int(other.get_attribute("data-unit"))
    suggested = other.locator("button.suggestion").first.get_attribute("data-code")
    other.locator("button.suggestion").first.click()
    page.wait_for_selector(f"#unit-{other_id}", state="detached")
    assert MeaningUnit.objects.get(pk=other_id).code == suggested
    assert CodingDecision.objects.filter(unit_id=other_id, suggestion_rank=1).exists()

    page.goto(f"{live_server.url}/undersoegelser/{study.pk}/kodning/syntese/")
    # Distinct leaders of 4 interviewed behind 4a (the suggestion clicked may also have been 4a).
    leaders = MeaningUnit.objects.filter(study=study, code="4a").values("leader").distinct().count()
    word = {1: "nogle", 2: "mange", 3: "langt de fleste", 4: "alle"}[leaders]
    assert page.inner_text("tr[data-code='4a'] td.quantifier") == word
    page.click("tr[data-code='4a'] a")
    assert f"{word} ledere ({leaders} af 4)" in page.inner_text("#quantifier")
    assert "Lederen savner sparring" in page.inner_text("main")

    page.goto(f"{live_server.url}/undersoegelser/{study.pk}/kodning/matrix/")
    matrix = page.inner_text("#matrix")
    assert "Leder A" in matrix and "Leder D" in matrix
    assert not any(part in matrix for name in NAMES for part in name.split())
