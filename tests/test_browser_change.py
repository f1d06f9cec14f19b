"""The board reader follows the results page to the change between rounds, in real Chromium."""

from __future__ import annotations

import re

import pytest

from ledelsesrum.analysis.tests.channels import csv_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_board_reader_sees_the_change_with_verdicts_and_no_small_group_numbers(
    board_reader, login_page, live_server
):
    from ledelsesrum.analysis.tests.factories import add_responses, answers, make_round, make_study

    study = make_study(k=5)
    r1 = make_round(study, number=1)
    add_responses(r1, None, answers(3, 7) + answers(4, 7), area="Skole")
    add_responses(r1, None, answers(2, 6) + answers(3, 6), area="Ældre")
    add_responses(r1, None, answers(1, 2) + answers(2, 1), area="Lille")  # 3 < k in round 1
    r2 = make_round(study, number=2)
    add_responses(r2, None, answers(1, 7) + answers(2, 7), area="Skole")
    add_responses(r2, None, answers(2, 6) + answers(3, 6), area="Ældre")
    add_responses(r2, None, answers(4, 3) + answers(5, 3), area="Lille")

    page = login_page("bob")
    page.goto(f"{live_server.url}/undersoegelser/{study.pk}/resultater/")
    page.get_by_role("link", name="Udvikling mellem runder").click()
    page.get_by_role("heading", name=re.compile("Udvikling mellem runder")).wait_for()

    skole = page.locator('tr[data-group="area:Skole"]').first
    assert "Tydelig forbedring" in skole.inner_text()
    lille = page.locator('tr[data-group="area:Lille"]').first
    lille_text = re.sub(r"runde \d", "", lille.inner_text())
    assert "Skjult i en af runderne" in lille_text and not re.search(r"\d", lille_text)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    with open(download_info.value.path(), encoding="utf-8-sig") as fh:
        rows = csv_rows(fh.read())
    lille_rows = [r for r in rows if r["group_key"] == "area:Lille"]
    assert lille_rows and all(r["verdict"] == "withheld" for r in lille_rows)
    figures = ("n_before", "score_before", "n_after", "score_after", "delta", "p", "p_adjusted")
    assert all(r[c] == "" for r in lille_rows for c in figures)
    assert any(r["group_key"] == "area:Skole" and r["verdict_text"] == "Tydelig forbedring" for r in rows)
