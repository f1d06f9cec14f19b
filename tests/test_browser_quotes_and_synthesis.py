"""Acceptance (issue 12, item 8) in a real headless Chromium.

- The report and the dialogue edition of the demo (many leaders say nearly the same thing) quote
  every statement once and never stop mid-sentence without " …".
- The synthesis overview shows a suggestion confirmed on the coding page at once.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# "Mange ledere (12 af 30): <the gist>": the gist is the quote.
FINDING_RE = re.compile(r"^.*?\(\d+ af \d+\): (?P<gist>.+)$", re.S)


@pytest.fixture(autouse=True)
def _char_embedder(monkeypatch):
    from ledelsesrum.coding import workspace

    # The classical embedder keeps the test fast; production uses E5 (auto).
    monkeypatch.setenv(workspace.EMBEDDER_ENV, "char")
    yield
    workspace._suggesters.clear()
    workspace._statement_spaces.clear()


def test_report_and_dialogue_quotes_are_distinct_and_whole_sentences(demo_build, login_page, live_server, request):
    from ledelsesrum.reports.quotes import find_repeats, is_whole_or_marked

    study_id = demo_build(size=30).study_id
    request.getfixturevalue("analyst")  # Alice, after the demo: restoring it replaces every row
    page = login_page("alice")

    page.goto(f"{live_server.url}/undersoegelser/{study_id}/rapport/")
    statements = page.locator(".report-statements li")
    expect(statements.first).to_be_visible()
    quotes = [" ".join(t.split()).removeprefix("»").removesuffix("«") for t in statements.all_inner_texts()]
    assert len(quotes) >= 15
    assert find_repeats(quotes) == []
    assert [q for q in quotes if not is_whole_or_marked(q)] == []
    # Within a sub-theme too (the same words never twice in one list).
    for sub in page.locator(".report-subtheme").all():
        own = [" ".join(t.split()) for t in sub.locator(".report-statements li").all_inner_texts()]
        assert len(set(own)) == len(own)

    page.goto(f"{live_server.url}/undersoegelser/{study_id}/rapport/dialog/")
    findings = page.locator(".dialogue-finding-text")
    expect(findings.first).to_be_visible()
    texts = [" ".join(t.split()) for t in findings.all_inner_texts()]
    assert len(set(texts)) == len(texts)
    gists = [m.group("gist") for m in map(FINDING_RE.match, texts) if m]
    assert len(gists) >= 6
    assert find_repeats(gists) == []
    assert [g for g in gists if not is_whole_or_marked(g)] == []
    # Scores stand apart from the text ("… af 100 · Værdier …", never "af 100Værdier").
    assert not re.search(r"af 100[^\W\d_]", page.locator("main").inner_text())


def _cells(page, code: str) -> list[str]:
    return [" ".join(t.split()) for t in page.locator(f"tr[data-code='{code}'] td").all_inner_texts()]


def test_the_synthesis_overview_changes_after_a_confirmation_in_the_ui(analyst, login_page, live_server):
    from ledelsesrum.coding import workspace
    from ledelsesrum.coding.models import MeaningUnit
    from ledelsesrum.interviews.models import Interview, InterviewNote
    from ledelsesrum.organisation.models import Leader
    from ledelsesrum.studies.models import Study

    study = Study.objects.create(name="Ledernes vilkår 2026")
    notes = [
        "Lederen har for lidt tid til ledelse. Driften fylder hele kalenderen.",
        "Lederen savner sparring og opbakning fra sin chef. Chefen er svær at få fat i.",
        "Lederen har 45 medarbejdere og et alt for stort ledelsesspænd.",
    ]
    for i, text in enumerate(notes):
        leader = Leader.objects.create(name=f"Hanne Testesen{i}", email=f"h{i}@kommune.dk")
        interview = Interview.objects.create(study=study, leader=leader, status=Interview.Status.DONE)
        InterviewNote.objects.create(interview=interview, kind="summary", theme_id="3", text=text)
    workspace.build_units(study)

    page = login_page("alice")
    overview = f"{live_server.url}/undersoegelser/{study.pk}/kodning/syntese/"
    page.goto(overview)
    expect(page.locator("#synthesis-table")).to_be_visible()
    # Visit a sub-theme's page too, so every cache behind the synthesis is warm before the change.
    page.goto(f"{overview}3b/")
    panel_loaded = page.locator("#knowledge-panel")
    expect(panel_loaded).to_contain_text("Forslag fra vidensbasen")  # its htmx request is done

    page.goto(f"{live_server.url}/undersoegelser/{study.pk}/kodning/")
    card = page.locator(".unit").first
    unit_id = int(card.get_attribute("data-unit"))
    button = card.locator("button.suggestion").first
    code = button.get_attribute("data-code")
    page.goto(overview)
    before = _cells(page, code)
    assert before[1:3] == ["0", "0"]  # units, leaders

    page.goto(f"{live_server.url}/undersoegelser/{study.pk}/kodning/")
    page.locator(f"#unit-{unit_id} button.suggestion[data-code='{code}']").click()
    expect(page.locator(f"#unit-{unit_id}")).to_have_count(0)
    expect(page.locator("#unit-counts")).to_contain_text("1 af")
    assert MeaningUnit.objects.get(pk=unit_id).code == code

    page.get_by_role("navigation", name="Kodning").get_by_role("link", name="Syntese").click()
    row = page.locator(f"tr[data-code='{code}']")
    expect(row.locator("td").nth(1)).to_have_text("1")
    expect(row.locator("td").nth(2)).to_have_text("1")
    expect(row.locator("td.quantifier")).to_have_text("nogle")  # 1 of 3 interviewed leaders
    row.get_by_role("link").click()
    expect(page.locator("#quantifier")).to_contain_text("nogle ledere (1 af 3)")
    text = MeaningUnit.objects.get(pk=unit_id).text
    expect(page.locator("main")).to_contain_text(text)
    expect(panel_loaded).to_contain_text("Forslag fra vidensbasen")
