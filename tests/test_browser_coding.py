"""In headless Chromium: notes → meaning units (job) → suggestions → confirm → synthesis → matrix."""

import pytest

from ledelsesrum.coding import workspace
from ledelsesrum.coding.models import CodingDecision, MeaningUnit
from ledelsesrum.interviews.models import Interview
from ledelsesrum.interviews.notes import TextInput, save_texts
from ledelsesrum.organisation.models import Leader
from ledelsesrum.studies.models import Study

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMARIES = [
    "Hanne Bøgh Madsen fortæller, at der er alt for lidt tid til ledelse. Driften og administrationen "
    "fylder hele kalenderen, og hun når sjældent at tale med medarbejderne.",
    "Lederen savner sparring og opbakning fra sin chef. Chefen er sjældent til stede og svarer sent på mails.",
    "Han har 48 medarbejdere og oplever, at ledelsesspændet er for stort. Der er ikke tid til den enkelte.",
    "Hun er glad for netværket med de andre ledere. Derudover ønsker hun mere tid til strategisk ledelse.",
]


@pytest.fixture(autouse=True)
def _char_embedder(monkeypatch):
    # The classical embedder keeps the test fast; production uses E5 (auto).
    monkeypatch.setenv(workspace.EMBEDDER_ENV, "char")
    yield
    workspace._suggesters.clear()


def test_the_whole_coding_loop_works_in_the_browser(live_server, login_page, analyst):
    study = Study.objects.create(name="Ledernes vilkår 2025")
    names = ["Hanne Bøgh Madsen", "Karsten Holm", "Birgit Lund", "Jonas Friis"]
    interviews = []
    for name in names:
        leader = Leader.objects.create(name=name, email=name.split()[0].lower() + "@kommune.dk", title="Skoleleder")
        interviews.append(Interview.objects.create(study=study, leader=leader, status=Interview.Status.DONE))
    for interview, text in zip(interviews[1:], SUMMARIES[1:], strict=True):
        save_texts(interview, [TextInput("summary", "3", text)], user=analyst)

    page = login_page("alice")
    # The first summary is typed on the interview page (pseudonymised on save).
    page.goto(f"{live_server.url}/undersoegelser/{study.pk}/interviews/{interviews[0].pk}/")
    page.fill("#id_summary_3", SUMMARIES[0])
    page.click("#notes-form button[type=submit]")
    page.wait_for_selector(".message.success")

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

    # Choose 3b for the unit about the chef's support, then one-click confirm a suggestion (htmx).
    unit = units.get(text__startswith="Lederen savner sparring")
    card = page.locator(f"#unit-{unit.pk}")
    card.locator("textarea").fill("Savner sparring fra chefen")
    card.locator("select[name=other_code]").select_option("4a")
    card.locator("button[name=use_other]").click()
    page.wait_for_selector(f"#unit-{unit.pk}", state="detached")
    unit.refresh_from_db()
    assert unit.code == "4a" and unit.condensed == "Savner sparring fra chefen"
    assert "Enheden er kodet som 4a." in page.inner_text("#unit-list")

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
    assert not any(name.split()[0] in matrix for name in names)
