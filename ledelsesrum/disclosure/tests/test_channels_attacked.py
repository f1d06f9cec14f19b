"""The MILP attacker over every channel a board reader has: JSON, CSV, XLSX and the CLI.

For each fixture, every figure of the CSV, the XLSX and the CLI's JSON is read back and checked
against the web JSON export (a channel may not hold a number the JSON does not); the attacker then
works on the payloads the exports were built from, across every release of the round. So what the
attacker cannot pin in the JSON it cannot pin in any channel.
"""

from __future__ import annotations

import json

import pytest
import typer
from django.urls import reverse
from typer.testing import CliRunner

from ledelsesrum.analysis.cli import register
from ledelsesrum.analysis.release import released_results
from ledelsesrum.analysis.tests.channels import csv_rows, xlsx_rows
from ledelsesrum.analysis.tests.factories import (
    add_responses,
    answers,
    make_round,
    make_study,
    suppression_scenario,
)
from ledelsesrum.organisation.models import Unit

from .scenarios import count_leaks, value_leaks


def _number(value):
    if value in (None, ""):
        return None
    return float(str(value).replace(",", "."))


def _json_figures(payload: dict) -> dict[tuple, float | None]:
    """(record, code, group, column) -> value, for the columns the CSV/XLSX carry."""
    out: dict[tuple, float | None] = {}
    for b in payload["breakdowns"]:
        for g in b["groups"]:
            out[("responses", "", g["key"], "n")] = g["responses"]["n"]
    for scale in payload["scales"]:
        for key, c in scale["cells"].items():
            out[("scale", scale["code"], key, "n")] = c["n"]
            out[("scale", scale["code"], key, "score_0_100")] = c["mean"]
    for item in payload["items"]:
        for key, c in item["cells"].items():
            out[("item", item["code"], key, "n")] = c["n"]
            out[("item", item["code"], key, "mean_1_5")] = c["mean"]
            out[("item", item["code"], key, "score_0_100")] = c["mean_100"]
            dist = c["distribution"]
            pct = dist["percent"] if dist else None
            names = (["pct_1", "pct_2", "pct_3", "pct_4", "pct_5"] if dist and dist["bands"] == 5
                     else ["pct_high", "pct_mid", "pct_low"])
            for name in ("pct_1", "pct_2", "pct_3", "pct_4", "pct_5", "pct_high", "pct_mid",
                         "pct_low"):
                out[("item", item["code"], key, name)] = (
                    pct[names.index(name)] if pct and name in names else None)
    return out


def _check_rows(rows: list[dict], figures: dict[tuple, float | None], channel: str) -> int:
    checked = 0
    for row in rows:
        record, code, key = row["record"], row.get("code") or "", row["group_key"]
        for column in ("n", "mean_1_5", "score_0_100", "pct_1", "pct_2", "pct_3", "pct_4",
                       "pct_5", "pct_high", "pct_mid", "pct_low"):
            if column not in row:
                continue
            value = _number(row[column])
            want = figures.get((record, code, key, column))
            if value is None:
                continue
            assert want is not None, f"{channel}: {record} {code} {key} {column} = {value}, " \
                                     "withheld in the JSON"
            assert abs(value - float(want)) < 0.051, (channel, record, code, key, column)
            checked += 1
    return checked


def _attack_every_channel(client, study, rnd, payloads, tmp_path):
    web = json.loads(client.get(reverse("analysis:export", args=[study.pk, "json"])).content)
    figures = _json_figures(web)
    csv_text = client.get(reverse("analysis:export", args=[study.pk, "csv"])).content.decode()
    assert _check_rows(csv_rows(csv_text), figures, "csv") > 0
    xlsx = client.get(reverse("analysis:export", args=[study.pk, "xlsx"])).content
    assert _check_rows(xlsx_rows(xlsx), figures, "xlsx") > 0

    app = typer.Typer()
    register(app)

    @app.command("noop")
    def _noop() -> None:  # a second command keeps typer from flattening the app
        pass

    out = tmp_path / "cli.json"
    result = CliRunner().invoke(app, ["results", "--study", str(study.pk), "--format", "json",
                                      "--output", str(out)])
    assert result.exit_code == 0, result.output
    cli = json.loads(out.read_text(encoding="utf-8"))
    assert _json_figures(cli) == figures
    # The attacker on everything published for the round (the exports show the latest release).
    assert _json_figures(payloads[-1]) == figures
    assert value_leaks(rnd, payloads) == []
    assert count_leaks(rnd, payloads) == []


@pytest.mark.django_db
def test_the_school_of_4_fixture_leaks_nothing_in_any_channel(board_client, tmp_path):
    scenario = suppression_scenario(k=5)
    payload = released_results(scenario["round"])
    _attack_every_channel(board_client, scenario["study"], scenario["round"], [payload], tmp_path)


@pytest.mark.django_db
def test_a_round_released_twice_leaks_nothing_in_any_channel(board_client, tmp_path):
    study = make_study(k=5)
    rnd = make_round(study)
    root = Unit.objects.create(name="Kommunen")
    parent = Unit.objects.create(name="Skoleområdet", parent=root)
    small = Unit.objects.create(name="Lilleskolen", parent=parent)
    six = Unit.objects.create(name="Skole A", parent=parent)
    seven = Unit.objects.create(name="Skole B", parent=parent)
    other = Unit.objects.create(name="Ældreområdet", parent=root)
    add_responses(rnd, small, answers(1, 4), area="Skole")
    add_responses(rnd, six, answers(3, 3) + answers(4, 3), area="Skole")
    add_responses(rnd, seven, answers(2, 5) + answers(3, 2), area="Skole")
    add_responses(rnd, other, answers(2, 6) + answers(3, 6) + answers(5, 2), area="Ældre")
    first = released_results(rnd)
    study.anonymity_threshold = 7
    study.save()
    second = released_results(rnd)
    assert second["release"]["version"] == 2
    _attack_every_channel(board_client, study, rnd, [first, second], tmp_path)
