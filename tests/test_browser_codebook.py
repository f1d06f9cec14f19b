"""In headless Chromium: import a custom codebook on the Kodebog page → its codes are suggested and
offered on the unit coding page → change a quantifier threshold (live validation) → the synthesis
page uses the new word."""

import json

import pytest

from ledelsesrum.coding import study_codebook, workspace
from ledelsesrum.coding.models import MeaningUnit, StudyCodingSetup
from ledelsesrum.interviews.models import Interview, InterviewNote
from ledelsesrum.organisation.models import Leader
from ledelsesrum.studies.models import Study

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODEBOOK = [
    {"id": "D", "label": "Digital ledelse", "description": "Ledelse med og af digitale værktøjer.", "subthemes": [
        {"id": "D1", "label": "Fagsystemer og skærme",
         "description": "Nye it-systemer, fagsystemer, skærme og digitale værktøjer i hverdagen.",
         "examples": ["Det nye fagsystem tager alt for meget af min tid.", "Vi mangler skærme i mødelokalerne."]},
        {"id": "D2", "label": "Ledelse på afstand",
         "description": "At lede medarbejdere, der arbejder hjemme eller på andre matrikler, via Teams og skærm.",
         "examples": ["Halvdelen af mine medarbejdere sidder hjemme, og jeg ser dem kun på Teams."]},
    ]},
    {"id": "R", "label": "Ressourcer", "subthemes": [
        {"id": "R1", "label": "Budget og økonomi", "description": "Budgetter, besparelser og økonomistyring.",
         "examples": ["Budgettet er skåret igen, og jeg skal finde besparelser."]},
    ]},
]

NOTES = [
    "Lederen fortæller, at det nye fagsystem og de mange skærme tager tid fra ledelse.",
    "Hun leder medarbejdere på tre matrikler og ser mange af dem kun på Teams.",
    "Budgettet er skåret, og hun bruger meget tid på besparelser og økonomi.",
]


@pytest.fixture(autouse=True)
def _char_embedder(monkeypatch):
    monkeypatch.setenv(workspace.EMBEDDER_ENV, "char")
    yield
    workspace._suggesters.clear()
    study_codebook._custom.clear()


def test_import_a_codebook_see_its_codes_and_change_a_threshold(live_server, login_page, analyst, tmp_path):
    study = Study.objects.create(name="Digitale vilkår")
    for i, text in enumerate(NOTES):
        leader = Leader.objects.create(name=f"Leder Nummer{i}", email=f"l{i}@kommune.dk")
        interview = Interview.objects.create(study=study, leader=leader, status=Interview.Status.DONE)
        InterviewNote.objects.create(interview=interview, kind="summary", theme_id="3", text=text)
    workspace.build_units(study)
    assert MeaningUnit.objects.filter(study=study).count() == 3
    path = tmp_path / "digital.json"
    path.write_text(json.dumps(CODEBOOK, ensure_ascii=False), encoding="utf-8")

    page = login_page("alice")
    page.goto(f"{live_server.url}/undersoegelser/{study.pk}/kodning/kodebog/")
    assert "den indbyggede kodebog" in page.inner_text("#codebook-kind")
    assert page.locator("tr[data-code='3b']").count() == 1

    # A broken file first: a Danish message and nothing changes.
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": "D", "label": "Digital ledelse", "subthemes": [', encoding="utf-8")
    page.set_input_files("#import-form input[type=file]", str(broken))
    page.click("#import-form button[type=submit]")
    assert "Filen er ikke gyldig JSON" in page.inner_text(".messages")
    assert not study_codebook.is_custom(study)

    page.set_input_files("#import-form input[type=file]", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("tr[data-code='D1']")
    assert "Kodebogen er importeret: 2 temaer og 3 undertemaer." in page.inner_text(".messages")
    assert "sin egen kodebog" in page.inner_text("#codebook-kind")
    assert page.locator("tr[data-code='3b']").count() == 0
    assert "Ledelse på afstand" in page.inner_text("tr[data-code='D2']")
    assert workspace.codebook_for(study).code_ids == ["D1", "D2", "R1"]

    # The unit page suggests and offers the new codes only.
    page.goto(f"{live_server.url}/undersoegelser/{study.pk}/kodning/")
    page.wait_for_selector(".unit")
    suggested = set(page.locator("button.suggestion").evaluate_all("els => els.map(e => e.dataset.code)"))
    assert suggested == {"D1", "D2", "R1"}
    options = page.locator(".unit select[name=other_code]").first.locator("option").evaluate_all(
        "els => els.map(e => e.value)")
    assert options == ["D1", "D2", "R1"]
    budget = MeaningUnit.objects.get(study=study, text__startswith="Budgettet")
    card = page.locator(f"#unit-{budget.pk}")
    assert card.locator("button.suggestion").first.get_attribute("data-code") == "R1"
    card.locator("button.suggestion").first.click()
    page.wait_for_selector(f"#unit-{budget.pk}", state="detached")
    assert MeaningUnit.objects.get(pk=budget.pk).code == "R1"

    # Thresholds: live validation while typing, then save.
    page.goto(f"{live_server.url}/undersoegelser/{study.pk}/kodning/kodebog/#kvantorer")
    assert page.input_value("#id_mange") == "40"
    page.fill("#id_mange", "80")
    page.wait_for_selector("#threshold-errors")
    assert "»mange« skal være lavere end »langt de fleste« (75 %)." in page.inner_text("#threshold-errors")
    page.fill("#id_mange", "30")
    page.wait_for_selector("#threshold-ok")
    assert "1–2 af 3" in page.inner_text("#threshold-preview tr[data-word='mange']")
    assert not StudyCodingSetup.objects.get(study=study).thresholds  # live checks save nothing
    page.click("#thresholds-form button[type=submit]:has-text('Gem tærskler')")
    page.wait_for_selector(".messages :text('Tærsklerne er gemt.')")
    assert StudyCodingSetup.objects.get(study=study).thresholds["mange"] == 0.3

    # One leader of three voiced R1: "nogle" by default, "mange" with the study's threshold.
    page.goto(f"{live_server.url}/undersoegelser/{study.pk}/kodning/syntese/")
    assert page.inner_text("tr[data-code='R1'] td.quantifier") == "mange"
    assert page.locator("tr[data-code='3b']").count() == 0
