"""The page "Udvikling mellem runder", its exports and the CLI, on two real closed rounds.

The area "Lille" has 3 respondents in round 1 (under k = 5) and 6 in round 2: it must never appear
with a number in any channel of the change table, although round 2 alone publishes its score.
"""

from __future__ import annotations

import io
import json
import re

import pytest
import typer
from django.urls import reverse
from openpyxl import load_workbook
from typer.testing import CliRunner

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.analysis.change import BETTER, WITHHELD, change_for_study
from ledelsesrum.analysis.cli import register
from ledelsesrum.analysis.release import released_results
from ledelsesrum.studies.models import Round

from .channels import csv_rows
from .factories import add_responses, answers, make_round, make_study


def _html_row(html: str, key: str) -> str:
    match = re.search(rf'<tr data-group="{re.escape(key)}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, key
    return match.group(1)


@pytest.fixture
def two_rounds(db):
    study = make_study(k=5)
    r1 = make_round(study, number=1)
    add_responses(r1, None, answers(3, 7) + answers(4, 7), area="Skole")
    add_responses(r1, None, answers(2, 6) + answers(3, 6), area="Ældre")
    add_responses(r1, None, answers(3, 5) + answers(2, 5), area="Midt")
    add_responses(r1, None, answers(1, 2) + answers(2, 1), area="Lille")
    r2 = make_round(study, number=2)
    add_responses(r2, None, answers(1, 7) + answers(2, 7), area="Skole")
    add_responses(r2, None, answers(2, 6) + answers(3, 6), area="Ældre")
    add_responses(r2, None, answers(3, 5) + answers(2, 5), area="Midt")
    add_responses(r2, None, answers(4, 3) + answers(5, 3), area="Lille")
    return study, r1, r2


def test_the_change_table_from_two_real_releases(two_rounds):
    study, r1, r2 = two_rounds
    table = change_for_study(study)
    assert (table["from_round"]["number"], table["to_round"]["number"]) == (1, 2)
    rows = {r["group_key"]: r for r in table["scales"][0]["rows"]}
    skole = rows["area:Skole"]
    assert skole["delta"] > 10 and skole["verdict"] == BETTER
    # Round 2 alone publishes Lille (6 respondents); the change table still shows no number.
    lille_r2 = released_results(r2)["scales"][0]["cells"]["area:Lille"]
    assert lille_r2["withheld"] is False and lille_r2["mean"] is not None
    assert rows["area:Lille"]["verdict"] == WITHHELD
    assert all(rows["area:Lille"][f] is None for f in
               ("n_before", "n_after", "score_before", "score_after", "delta", "p"))


def test_the_page_shows_verdicts_as_text_and_lille_without_numbers(two_rounds, board_client):
    study, _r1, _r2 = two_rounds
    response = board_client.get(reverse("analysis:change", args=[study.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Udvikling mellem runder" in html
    skole = _html_row(html, "area:Skole")
    assert "Tydelig forbedring" in skole and "↑" in skole and "+" in skole
    lille = _html_row(html, "area:Lille")
    text = re.sub(r"runde \d", "", re.sub(r"<[^>]+>", "", lille))
    assert not re.search(r"\d", text), text
    assert "Skjult i en af runderne" in lille
    assert AuditEvent.objects.filter(action="results.change.view", detail__shown=True).exists()


def test_exports_follow_the_same_rules(two_rounds, board_client):
    study, _r1, _r2 = two_rounds
    body = board_client.get(reverse("analysis:change_export", args=[study.pk, "csv"])).content
    rows = csv_rows(body.decode("utf-8-sig"))
    lille = [r for r in rows if r["group_key"] == "area:Lille"]
    assert lille and all(r["verdict"] == "withheld" for r in lille)
    for r in lille:
        assert all(r[c] == "" for c in ("n_before", "score_before", "n_after", "score_after",
                                        "delta", "p", "p_adjusted"))
    skole = next(r for r in rows if r["group_key"] == "area:Skole" and r["scale"] == "raaderum")
    assert skole["verdict_text"] == "Tydelig forbedring" and float(skole["delta"]) > 10

    xlsx = board_client.get(reverse("analysis:change_export", args=[study.pk, "xlsx"]))
    wb = load_workbook(io.BytesIO(xlsx.content))
    sheet = wb["Udvikling"]
    from ledelsesrum.analysis.change_exports import HEADINGS

    key_of = {heading: key for key, heading in HEADINGS.items()}
    header = [key_of[c.value] for c in sheet[1]]
    for values in sheet.iter_rows(min_row=2, values_only=True):
        row = dict(zip(header, values, strict=True))
        if row["group_key"] == "area:Lille":
            assert row["delta"] is None and row["score_after"] is None and row["n_after"] is None

    data = json.loads(board_client.get(
        reverse("analysis:change_export", args=[study.pk, "json"])).content)
    assert data["format"] == "ledelsesrum.change/1"
    assert AuditEvent.objects.filter(action="results.change.export").count() == 3


def test_roles_and_a_study_with_one_round(two_rounds, django_user_model, board_client):
    from django.test import Client

    from ledelsesrum.accounts.roles import INTERVIEWER, grant

    study, _r1, r2 = two_rounds
    client = Client()
    user = django_user_model.objects.create_user("ivan", password="korrekt-hest-batteri-42")
    grant(user, INTERVIEWER)
    client.force_login(user)
    assert client.get(reverse("analysis:change", args=[study.pk])).status_code == 403
    assert client.get(reverse("analysis:change_export", args=[study.pk, "csv"])).status_code == 403

    Round.objects.filter(pk=r2.pk).delete()
    response = board_client.get(reverse("analysis:change", args=[study.pk]))
    assert response.status_code == 200
    assert "kun én afsluttet runde" in response.content.decode()
    assert board_client.get(
        reverse("analysis:change_export", args=[study.pk, "csv"])).status_code == 409


def test_the_results_page_links_to_the_change(two_rounds, board_client):
    study, _r1, _r2 = two_rounds
    html = board_client.get(reverse("analysis:results", args=[study.pk])).content.decode()
    assert reverse("analysis:change", args=[study.pk]) in html


def test_choosing_rounds_in_the_wrong_order_gives_a_danish_message(two_rounds, board_client):
    study, _r1, _r2 = two_rounds
    response = board_client.get(reverse("analysis:change", args=[study.pk]) + "?fra=2&til=1")
    assert response.status_code == 200
    assert "tidligere runde" in response.content.decode()


def test_the_cli_writes_the_change_table(two_rounds, tmp_path):
    study, _r1, _r2 = two_rounds
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)
    out = tmp_path / "udvikling.csv"
    res = CliRunner().invoke(app, ["results", "change", "--study", str(study.pk), "--from", "1",
                                   "--to", "2", "--format", "csv", "--output", str(out)])
    assert res.exit_code == 0, res.output
    rows = csv_rows(out.read_text(encoding="utf-8-sig"))
    assert any(r["group_key"] == "area:Skole" and r["verdict"] == "better" for r in rows)
    res = CliRunner().invoke(app, ["results", "change", "--study", str(study.pk), "--from", "2",
                                   "--to", "1"])
    assert res.exit_code == 1 and "tidligere runde" in res.output
    # The plain results command still works beside the sub-command.
    res = CliRunner().invoke(app, ["results", "--study", str(study.pk), "--format", "json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["round"]["number"] == 2
    assert AuditEvent.objects.filter(action="results.change.export", detail__channel="cli").exists()


def test_the_page_has_an_overview_one_scale_at_a_time_and_leaves_out_groups_without_figures(
        two_rounds, board_client):
    from ledelsesrum.analysis import presentation

    study, _r1, _r2 = two_rounds
    table = change_for_study(study)
    codes = [s["code"] for s in table["scales"]]
    html = board_client.get(reverse("analysis:change", args=[study.pk])).content.decode()
    overview = html.split('<table class="change-overview">', 1)[1].split("</table>", 1)[0]
    assert overview.count("<tr>") == len(codes) + 1  # header + one row per scale
    from ledelsesrum.analysis.change import verdict_text

    total = next(r for r in table["scales"][0]["rows"] if r["group_key"] == "total")
    assert verdict_text(total["verdict"]) in overview and total["verdict"] != WITHHELD
    # One scale at a time.
    one = presentation.change_context(table, "area", scale=codes[0])
    assert [s["scale"]["code"] for s in one["scales"]] == [codes[0]]
    assert len(presentation.change_context(table, "area")["scales"]) == len(codes)
    # Lille has no figures in the change table: left out, and counted.
    short = presentation.change_context(table, "area", only_shown=True)
    assert all(r["group_key"] != "area:Lille" for s in short["scales"] for r in s["rows"])
    blank = {r["group_key"] for s in table["scales"] for r in s["rows"]
             if r["breakdown"] == "area" and r["delta"] is None}
    assert "area:Lille" in blank
    assert short["hidden_count"] == len(blank), blank
    page = board_client.get(reverse("analysis:change", args=[study.pk]), {"kun_viste": "1"})
    assert 'data-group="area:Lille"' not in page.content.decode()
    assert f"{len(blank)} grupper uden tal er udeladt." in page.content.decode()
