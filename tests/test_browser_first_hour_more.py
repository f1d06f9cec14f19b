"""What a new analyst meets in the first hour (issue 12), items 1, 6 and 7, in Chromium.

Item 1: the leader lists of docs/file-formats.md (read from the doc, so doc and test cannot drift
apart) import into the demo below "Demo Kommune", never beside it, and the preview names the new
units; the anonymous answers example imports into the demo's collecting round, its unit path read
below Demo Kommune too. The answers-by-e-mail example imports too, linked to the two leaders.
Item 6: one wording for rounds ("Runde 1", "Pilottest 1") on every page that shows them and in
file names, the menu entry and the page heading alike, dates in Danish, "Rediger" spelled one way.
Item 7: intercoder agreement can be tried on the demo: a second coder other than the first, and a
message with the real reason when no sample can be drawn.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[1] / "docs" / "file-formats.md"


def _csv_examples(header_start: str) -> list[str]:
    """The ```csv blocks of docs/file-formats.md whose header starts with ``header_start``."""
    blocks = re.findall(r"```csv\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    return [b for b in blocks if b.lower().startswith(header_start)]


def _demo(demo_build, **options):
    """The demo of 8 leaders, as ``build_demo(seed=2026, size=8, **options)`` leaves it."""
    return demo_build(size=8, **options)


def _login(login_page, live_server, username: str, password: str):
    page = login_page(username, password)
    page.wait_for_url("**/undersoegelser/")
    return page


def _upload_leaders(page, live_server, path: Path):
    page.goto(live_server.url + reverse("organisation:import"))
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Vis forhåndsvisning").click()
    expect(page.locator("h1")).to_have_text("Forhåndsvisning af import")


def _confirm_import(page, done_heading: str):
    page.get_by_role("button", name="Importér", exact=True).click()
    expect(page.locator("#job-status")).to_contain_text("Fortsæt")
    page.get_by_role("link", name="Fortsæt").click()
    expect(page.locator("h1")).to_have_text(done_heading)


# --- item 1: the documented leader list imports into the demo --------------------------------


def _upload_responses(page, live_server, study_id: int, path: Path):
    page.goto(live_server.url + reverse("surveys:import_responses", kwargs={"study_id": study_id}))
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Vis forhåndsvisning").click()
    expect(page.locator("h1")).to_have_text("Forhåndsvisning af svarimport")


def _import_documented_leaders(page, live_server, tmp_path):
    path = tmp_path / "ledere.csv"
    path.write_text(_csv_examples("navn;e-mail;")[0], encoding="utf-8")
    _upload_leaders(page, live_server, path)
    _confirm_import(page, "Importen er færdig")


def test_the_documented_examples_import_into_the_demo_below_demo_kommune(demo_build, live_server, login_page,
                                                                         tmp_path):
    from ledelsesrum.organisation.models import Leader, Unit
    from ledelsesrum.studies.models import Study
    from ledelsesrum.studies.population import population_for
    from ledelsesrum.surveys.models import Response

    examples = _csv_examples("navn;e-mail;")
    assert len(examples) == 2, "docs/file-formats.md should show two leader lists"
    paths_file, columns_file = examples
    emails = [line.split(";")[1] for line in paths_file.strip().splitlines()[1:]]
    result = _demo(demo_build, with_responses=False)
    root = Unit.objects.get(parent__isnull=True)
    assert root.name == "Demo Kommune"
    path = tmp_path / "ledere.csv"
    path.write_bytes(paths_file.encode("cp1252"))  # "cp1252 or UTF-8": as Danish Excel saves it

    page = _login(login_page, live_server, "analytiker", result.password)
    _upload_leaders(page, live_server, path)
    expect(page.locator('[data-count="create"]')).to_have_text(str(len(emails)))
    expect(page.locator('[data-count="errors"]')).to_have_text("0")
    # The new units are named with their whole path below the one top unit, not just counted.
    expect(page.locator('[data-count="units"]')).to_have_text("2")
    expect(page.get_by_text("2 nye enheder oprettes")).to_be_visible()
    assert page.locator("#new-units li").all_inner_texts() == [
        "Demo Kommune › Børn og Unge › Dagtilbud Nord",
        "Demo Kommune › Børn og Unge › Dagtilbud Nord › Børnehuset Solsikken",
    ]

    _confirm_import(page, "Importen er færdig")
    assert list(Unit.objects.filter(parent__isnull=True)) == [root]  # no second organisation
    assert Unit.objects.filter(name="Børn og Unge").count() == 1
    nord = Unit.objects.get(name="Dagtilbud Nord")
    assert nord.parent.name == "Børn og Unge" and nord.parent.parent == root
    mette = Leader.objects.get(email="mette@kommune.dk")
    assert mette.unit.name == "Børnehuset Solsikken" and mette.unit.parent == nord
    study = Study.objects.get(pk=result.study_id)
    assert set(emails) <= set(population_for(study).values_list("email", flat=True))

    # The study page counts the new leaders in its population.
    page.goto(live_server.url + reverse("studies:detail", kwargs={"pk": study.pk}))
    population = page.locator("section.card", has=page.get_by_role("heading", name="Population"))
    expect(population.locator(".stat")).to_have_text(str(8 + len(emails)))

    # "Equivalent with separate columns": the same units, found again, nothing new, no error.
    path.write_text(columns_file, encoding="utf-8")
    _upload_leaders(page, live_server, path)
    expect(page.locator('[data-count="errors"]')).to_have_text("0")
    expect(page.locator('[data-count="create"]')).to_have_text("0")
    expect(page.locator('[data-count="units"]')).to_have_text("0")
    expect(page.locator("#new-units")).to_have_count(0)
    page.get_by_role("button", name="Annullér").click()
    expect(page.locator(".messages")).to_contain_text("Importen er annulleret")
    assert Unit.objects.filter(parent__isnull=True).count() == 1

    # The anonymous paper forms go into the collecting round; "Børn og Unge > Dagtilbud Nord" is
    # read below Demo Kommune here too.
    (answers_file,) = _csv_examples("id;")
    path = tmp_path / "svar.csv"
    path.write_text(answers_file, encoding="utf-8")
    _upload_responses(page, live_server, study.pk, path)
    expect(page.locator('[data-count="errors"]')).to_have_text("0")
    expect(page.locator('[data-count="create"]')).to_have_text("2")
    _confirm_import(page, "Svarene er importeret")
    imported = Response.objects.filter(round__study=study, source="import")
    assert sorted(imported.values_list("external_id", flat=True)) == ["P-001", "P-002"]
    assert imported.get(external_id="P-001").unit == nord


def test_the_documented_answers_by_email_import_into_the_demo(demo_build, live_server, login_page, tmp_path):
    from ledelsesrum.surveys.models import Invitation, Response

    (block,) = _csv_examples("email;")
    result = _demo(demo_build, with_responses=False)
    page = _login(login_page, live_server, "analytiker", result.password)
    _import_documented_leaders(page, live_server, tmp_path)  # mette@ and jens@ are leaders now
    path = tmp_path / "svar.csv"
    path.write_text(block, encoding="utf-8")
    _upload_responses(page, live_server, result.study_id, path)
    assert page.locator(".errorlist").count() == 0, page.locator(".errorlist").first.inner_text()
    expect(page.locator('[data-count="linked"]')).to_have_text("2")
    _confirm_import(page, "Svarene er importeret")
    imported = Response.objects.filter(round__study_id=result.study_id, source="import")
    assert imported.count() == 2
    # Leaders added after the launch get an invitation now, marked answered (docs/file-formats.md).
    invitations = Invitation.objects.filter(round__study_id=result.study_id,
                                            leader__email__in=["mette@kommune.dk", "jens@kommune.dk"])
    assert invitations.count() == 2 and all(i.submitted_at for i in invitations)


# --- item 6: one wording for rounds, Danish dates ----------------------------------------------


def _study_with_two_rounds_and_a_pilot(demo_build):
    """The demo's study (two closed main rounds) with a pilot of three leaders, on known dates."""
    from ledelsesrum.organisation.models import Leader
    from ledelsesrum.studies.models import Round, Study
    from ledelsesrum.studies.rounds import create_round, launch_round

    result = _demo(demo_build)
    study = Study.objects.get(pk=result.study_id)
    pilot = create_round(study, Round.Kind.PILOT)
    launch_round(pilot, leaders=list(Leader.objects.order_by("pk")[:3]))
    tz = timezone.get_current_timezone()
    Round.objects.filter(study=study, kind=Round.Kind.MAIN, number=1).update(
        launched_at=dt.datetime(2026, 2, 9, 8, 0, tzinfo=tz), closed_at=dt.datetime(2026, 3, 5, 15, 0, tzinfo=tz))
    Round.objects.filter(study=study, kind=Round.Kind.MAIN, number=2).update(
        launched_at=dt.datetime(2026, 9, 1, 10, 0, tzinfo=tz), closes_on=dt.date(2026, 9, 23),
        closed_at=dt.datetime(2026, 9, 23, 12, 0, tzinfo=tz))
    Round.objects.filter(pk=pilot.pk).update(
        closes_on=dt.date(2026, 10, 2), launched_at=dt.datetime(2026, 8, 17, 9, 30, tzinfo=tz))
    return result, study, pilot


# A date in Danish: "23. sep. 2026" (the short form of ``kort_dato``) or "23. september 2026".
def _danish(day: int, short: str, long: str, year: int = 2026) -> re.Pattern:
    return re.compile(rf"\b{day}\. (?:{re.escape(short)}|{long}) {year}")


# What Django's English-ish month formats give ("23. Sept 2026", "5. Mar 2026"): not Danish.
NOT_DANISH_DATE = re.compile(r"\b\d{1,2}\. (?:Sept|Sep|Oct|Okt|May|Aug|Jan|Feb|Mar|Apr|Jun|Jul|Nov|Dec)\b")


def test_rounds_are_runde_and_pilottest_with_danish_dates_everywhere(demo_build, live_server, login_page,
                                                                     settings):
    from ledelsesrum.interviews.models import Interview

    settings.SITE_URL = ""  # links follow the address the browser uses
    result, study, pilot = _study_with_two_rounds_and_a_pilot(demo_build)
    interview = Interview.objects.filter(study=study).order_by("pk").first()
    Interview.objects.filter(pk=interview.pk).update(planned_at=dt.date(2026, 9, 23))
    page = _login(login_page, live_server, "analytiker", result.password)
    seen: dict[str, str] = {}

    def visit(url: str) -> str:
        page.goto(live_server.url + url)
        seen[url] = page.locator("body").inner_text()
        return seen[url]

    # The study page: the rounds table and the live overview of the pilot.
    visit(reverse("studies:detail", kwargs={"pk": study.pk}))
    rounds_table = page.locator("table", has=page.get_by_role("columnheader", name="Inviteret"))
    assert rounds_table.locator("tbody th").all_inner_texts() == ["Runde 1", "Runde 2", "Pilottest 1"]
    expect(page.get_by_role("heading", name="Svar i Pilottest 1")).to_be_visible()
    table_text = rounds_table.inner_text()
    for day, short, long in ((9, "feb.", "februar"), (5, "mar.", "marts"), (1, "sep.", "september"),
                             (23, "sep.", "september"), (17, "aug.", "august")):
        assert _danish(day, short, long).search(table_text), table_text

    # The menu entry and the page it leads to are called the same.
    link = page.get_by_role("link", name=re.compile("^Udsendelse"))
    menu_word = link.inner_text().split()[0]
    link.click()
    expect(page.locator("h1")).to_have_text(re.compile("^Udsendelse"))
    assert page.locator("h1").inner_text().split()[0] == menu_word == "Udsendelse"
    assert page.title().startswith("Udsendelse")

    # The distribution page of the pilot, and its links download named after it.
    dist = visit(reverse("surveys:distribution", kwargs={"study_id": study.pk}) + f"?runde={pilot.pk}")
    assert page.locator("#runde option").all_inner_texts() == [
        "Runde 1 – Afsluttet – resultater frigivet", "Runde 2 – Afsluttet – resultater frigivet",
        "Pilottest 1 – Indsamler svar"]
    expect(page.get_by_role("heading", name="Pilottest 1: Indsamler svar")).to_be_visible()
    assert _danish(2, "okt.", "oktober").search(dist), dist
    with page.expect_download() as pilot_download:
        page.get_by_role("link", name="Hent links som CSV (til brevfletning)").click()
    assert pilot_download.value.suggested_filename == f"links-undersoegelse-{study.pk}-pilottest-1.csv"
    round_two = visit(reverse("surveys:distribution", kwargs={"study_id": study.pk})
                      + f"?runde={study.rounds.get(kind='main', number=2).pk}")
    expect(page.get_by_role("heading", name="Runde 2: Afsluttet – resultater frigivet")).to_be_visible()
    assert _danish(23, "sep.", "september").search(round_two), round_two

    # The response import offers the rounds by the same names.
    visit(reverse("surveys:import_responses", kwargs={"study_id": study.pk}))
    options = page.get_by_label("Runde").locator("option").all_inner_texts()
    assert {o.split(" – ")[0] for o in options} == {"Runde 1", "Runde 2", "Pilottest 1"}, options

    # The results, their download, and the change between rounds.
    results = visit(reverse("analysis:results", kwargs={"study_id": study.pk}))
    assert "Runde 2" in results and _danish(23, "sep.", "september").search(results), results
    with page.expect_download() as results_download:
        page.get_by_role("link", name="CSV", exact=True).click()
    assert results_download.value.suggested_filename == f"resultater-undersoegelse-{study.pk}-runde-2.csv"
    change = visit(reverse("analysis:change", kwargs={"study_id": study.pk}))
    assert "Runde 1" in change and _danish(5, "mar.", "marts").search(change), change

    # The study list, the interview register (the short form of kort_dato) and the interview.
    visit(reverse("studies:list"))
    expect(page.locator(".badge").first).to_have_text(re.compile(r"^(Runde \d|Pilottest 1): "))
    register = visit(reverse("interviews:register", kwargs={"study_id": study.pk}))
    assert "23. sep. 2026" in register, register
    visit(reverse("interviews:detail", kwargs={"study_id": study.pk, "pk": interview.pk}))
    visit(reverse("surveys:builder", kwargs={"study_id": study.pk}))
    visit(reverse("coding:codebook", kwargs={"study_id": study.pk}))
    visit(reverse("followup:overview", kwargs={"study_id": study.pk}))
    visit(reverse("organisation:leaders"))

    for url, text in seen.items():
        assert not re.search(r"Undersøgelse \d", text), url  # a round is never "Undersøgelse 1"
        assert "Distribution" not in text, url
        assert "Redigér" not in text, url
        assert not NOT_DANISH_DATE.search(text), (url, NOT_DANISH_DATE.search(text).group())
    assert any("Rediger" in text for text in seen.values())  # the one spelling is there


# --- item 7: intercoder agreement can be tried on the demo -------------------------------------


def _draw(page, live_server, study_id: int, coder: str) -> str:
    page.goto(live_server.url + reverse("coding:agreement", kwargs={"study_id": study_id}))
    page.select_option("#s-coder", label=coder)
    page.locator("#sample-form").get_by_role("button", name="Udtræk stikprøve").click()
    expect(page.locator(".messages")).to_be_visible()
    return page.locator(".messages").inner_text()


def test_the_demo_offers_a_second_coder_and_says_why_no_sample_can_be_drawn(demo_build, live_server, login_page):
    from django.contrib.auth import get_user_model

    from ledelsesrum.coding.models import MeaningUnit, SecondCoding
    from ledelsesrum.studies.models import Study

    result = _demo(demo_build)
    study = Study.objects.get(pk=result.study_id)
    coded = MeaningUnit.objects.filter(study=study).exclude(code="")
    first_coders = set(coded.values_list("coded_by__username", flat=True))
    assert coded.count() == result.coded_units > 0 and first_coders == {"analytiker"}

    page = _login(login_page, live_server, "analytiker", result.password)
    page.goto(live_server.url + reverse("coding:agreement", kwargs={"study_id": study.pk}))
    offered = page.locator("#s-coder option").all_inner_texts()
    assert set(offered) - first_coders, f"only the first coder is offered: {offered}"
    assert "interviewer" in offered
    # … and the one offered first is not the person who coded everything.
    chosen = page.locator("#s-coder").evaluate("select => select.selectedOptions[0].textContent")
    assert chosen not in first_coders, chosen

    # The first coder cannot agree with themself, and the message says so (not "no coded units").
    message = _draw(page, live_server, study.pk, "analytiker")
    assert "Alle kodede enheder er kodet af analytiker selv" in message, message
    assert "ingen kodede enheder" not in message.lower()
    assert not SecondCoding.objects.exists()

    # The demo's second coder gets a stratified sample …
    message = _draw(page, live_server, study.pk, "interviewer")
    drawn = SecondCoding.objects.filter(coder__username="interviewer", unit__study=study).count()
    assert drawn > 0 and f"{drawn} enheder er udtrukket til anden kodning." in message, message
    cells = page.locator("#agreement-progress tbody tr td").all_inner_texts()
    assert cells == ["interviewer", str(drawn), "0"], cells

    # … where the other reasons are named as well: nothing coded yet, and only open answers, which
    # an interviewer may not read.
    empty = Study.objects.create(name="Uden kodning")
    message = _draw(page, live_server, empty.pk, "interviewer")
    assert "Der er ingen kodede enheder endnu" in message, message
    answers = Study.objects.create(name="Kun åbne svar")
    MeaningUnit.objects.create(
        study=answers, response_id=1, question_code="AABEN01", source_key="answer:1:AABEN01",
        text="Mere tid til faglig ledelse.", code="1a",
        coded_by=get_user_model().objects.get(username="analytiker"),
    )
    message = _draw(page, live_server, answers.pk, "interviewer")
    assert "åbne svar, som interviewer ikke må læse" in message, message

    # The second coder logs in and finds the sample waiting, blind.
    page.get_by_role("button", name=re.compile("^Log ud")).click()
    page = _login(login_page, live_server, "interviewer", result.password)
    page.goto(live_server.url + reverse("coding:agreement_code", kwargs={"study_id": study.pk}))
    expect(page.locator("#second-coding-form")).to_be_visible()
    expect(page.get_by_text(f"{drawn} af {drawn} udtrukne enheder mangler")).to_be_visible()
