"""The issue's acceptance test: a school of 4 whose figures could be worked out as parent minus
siblings never appears — not in the page, the CSV, the XLSX, the JSON, the CLI or a chart — and
the attacker harness can derive nothing from everything a board reader sees."""

from __future__ import annotations

import json
import re

import pytest
import typer
from django.urls import reverse
from typer.testing import CliRunner

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.analysis.cli import register
from ledelsesrum.analysis.results import REASON_TEXT, compute_results
from ledelsesrum.disclosure.lp_audit import attack_values
from ledelsesrum.disclosure.tests.lp_harness import findings

from .channels import Atoms, csv_rows, svg_desc_entries, table_rows, xlsx_rows
from .factories import ITEMS, suppression_scenario

# The school of 4 answers 1,1,1,2: mean 1.25, 93.8 on 0–100. No other group has these.
SECRET = re.compile(r"(?<![\d.,])(1[.,]25|93[.,]8|93[.,]75)(?!\d)")


@pytest.fixture
def scenario(db):
    return suppression_scenario(k=5)


def _reason_free(text: str) -> str:
    for reason in REASON_TEXT.values():
        text = text.replace(reason.format(k=5), "")
    return text


def test_the_group_of_4_is_withheld_in_the_json_structure(scenario):
    result = compute_results(scenario["round"], audit=True)
    key = f"unit:{scenario['small'].pk}"
    for item in result["items"]:
        cell = item["cells"][key]
        assert cell["withheld"] is True and cell["reason"] == "withheld"
        assert cell["n"] is None and cell["mean"] is None and cell["sd"] is None
        assert cell["distribution"] is None
    for scale in result["scales"]:
        assert scale["cells"][key]["n"] is None and scale["cells"][key]["withheld"]
    group = next(g for b in result["breakdowns"] for g in b["groups"] if g["key"] == key)
    assert group["responses"] == {"n": None, "withheld": True, "reason": "withheld"}
    # Its siblings and parent cannot all be shown, or 17 − 6 − 7 would give it away.
    skole, mid, big = (f"unit:{scenario[x].pk}" for x in ("skole", "mid", "big"))
    for item in result["items"]:
        shown = [k for k in (skole, mid, big) if not item["cells"][k]["withheld"]]
        assert len(shown) < 3
    assert result["audited"] is True


def test_a_board_reader_sees_nothing_derivable_in_the_json_export(scenario, board_client):
    response = board_client.get(reverse("analysis:export", args=[scenario["study"].pk, "json"]))
    assert response.status_code == 200
    result = json.loads(response.content)
    assert not SECRET.search(response.content.decode())
    atoms = Atoms(scenario["round"])
    k = result["thresholds"]["k"]
    # Every count family a reader sees, as (cell, n) pairs, against the true atom counts.
    for item in result["items"]:
        counts = atoms.item_counts(item["code"])
        seen = [(atoms.cell(key), c["n"]) for key, c in item["cells"].items() if c["n"] is not None]
        withheld = [atoms.cell(key) for key, c in item["cells"].items() if c["n"] is None]
        assert findings(seen, counts, k, withheld=withheld) == []
        # Means: published sums must not pin the mean of any withheld group.
        sums = atoms.item_sums(item["code"])
        pub = [(atoms.cell(key), c) for key, c in item["cells"].items() if c["mean"] is not None]
        pub_sums = [sum(sums[a] for a in cell.atoms) for cell, _c in pub]
        assert attack_values([cell for cell, _c in pub], pub_sums, counts, k, min_value=1,
                             max_value=5, targets=withheld) == []
    responses = atoms.response_counts()
    seen = [(atoms.cell(g["key"]), g["responses"]["n"]) for b in result["breakdowns"]
            for g in b["groups"] if g["responses"]["n"] is not None]
    assert findings(seen, responses, k) == []
    assert AuditEvent.objects.filter(action="results.export", study_id=scenario["study"].pk,
                                     detail__format="json").count() == 1


def test_the_page_shows_a_dash_and_a_reason_for_the_group_of_4(scenario, board_client):
    url = reverse("analysis:results", args=[scenario["study"].pk])
    response = board_client.get(url, {"by": "unit", "skala": "alle"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lilleskolen" in html
    assert not SECRET.search(html)
    rows = table_rows(html, "Lilleskolen")
    assert len(rows) == len(ITEMS) + 2  # every item and both scales
    for row in rows:
        assert "–" in row
        assert not re.search(r"\d", _reason_free(row)), row
    # No hidden carrier of a value: no data attributes, no title tooltips with numbers.
    assert "data-" not in re.sub(r"<script.*?</script>", "", html, flags=re.S).replace(
        "data-bs", "")
    assert not re.search(r'title="[^"]*\d', html)
    assert AuditEvent.objects.filter(action="results.view", study_id=scenario["study"].pk,
                                     detail__by="unit").exists()


def test_the_charts_draw_the_group_of_4_as_a_labelled_gap(scenario, board_client):
    url = reverse("analysis:results", args=[scenario["study"].pk])
    html = board_client.get(url, {"by": "unit", "skala": "alle"}).content.decode()
    entries = [e for e in svg_desc_entries(html) if e.startswith("Lilleskolen:")]
    assert len(entries) == len(ITEMS) + 2
    for entry in entries:
        assert entry == "Lilleskolen: Skjult af hensyn til anonymiteten"
    for svg in re.findall(r"<svg.*?</svg>", html, flags=re.S):
        assert 'role="img"' in svg and "<title" in svg


def test_the_csv_export_has_empty_figures_for_the_group_of_4(scenario, board_client):
    response = board_client.get(reverse("analysis:export", args=[scenario["study"].pk, "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert not SECRET.search(text)
    rows = [r for r in csv_rows(text) if r["group_key"] == f"unit:{scenario['small'].pk}"]
    assert len(rows) == 1 + 2 + len(ITEMS)  # group size, two scales, items
    for row in rows:
        assert row["withheld"] == "1"
        figures = {k: v for k, v in row.items() if k.startswith(("n", "mean", "score", "sd", "pct"))}
        assert set(figures.values()) == {""}, figures
    assert AuditEvent.objects.filter(action="results.export", detail__format="csv").count() == 1


def test_the_xlsx_export_has_empty_figures_for_the_group_of_4(scenario, board_client):
    response = board_client.get(reverse("analysis:export", args=[scenario["study"].pk, "xlsx"]))
    assert response.status_code == 200
    rows = xlsx_rows(response.content)
    mine = [r for r in rows if r["group_key"] == f"unit:{scenario['small'].pk}"]
    assert len(mine) == 1 + 2 + len(ITEMS)
    for row in mine:
        assert row["withheld"] == 1
        for name in ("n", "mean_1_5", "score_0_100", "sd", "pct_1", "pct_high", "pct_low"):
            assert row[name] is None
    for row in rows:
        assert not SECRET.search(" ".join(str(v) for v in row.values() if v is not None))
    assert AuditEvent.objects.filter(action="results.export", detail__format="xlsx").count() == 1


def test_the_cli_prints_the_same_suppressed_structure(scenario, tmp_path):
    app = typer.Typer()
    register(app)

    @app.command("noop")
    def _noop() -> None:  # a second command keeps typer from flattening the app
        pass

    runner = CliRunner()
    res = runner.invoke(app, ["results", "--study", str(scenario["study"].pk), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    key = f"unit:{scenario['small'].pk}"
    assert all(item["cells"][key]["n"] is None for item in data["items"])
    assert not SECRET.search(res.stdout)
    res = runner.invoke(app, ["results", "--study", str(scenario["study"].pk), "--format", "csv"])
    assert res.exit_code == 0 and not SECRET.search(res.stdout)
    out = tmp_path / "r.xlsx"
    res = runner.invoke(app, ["results", "--study", str(scenario["study"].pk), "--format", "xlsx",
                              "--output", str(out)])
    assert res.exit_code == 0
    mine = [r for r in xlsx_rows(out.read_bytes()) if r["group_key"] == key]
    assert mine and all(r["n"] is None for r in mine)
    assert AuditEvent.objects.filter(action="results.export", detail__channel="cli").count() == 3


def test_the_cli_requires_an_output_file_for_xlsx_and_a_known_study(scenario):
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)
    runner = CliRunner()
    res = runner.invoke(app, ["results", "--study", str(scenario["study"].pk), "--format", "xlsx"])
    assert res.exit_code == 1 and "--output" in res.stderr
    res = runner.invoke(app, ["results", "--study", "999999", "--format", "json"])
    assert res.exit_code == 1 and "ingen undersøgelse" in res.stderr
    res = runner.invoke(app, ["results", "--study", str(scenario["study"].pk), "--format", "pdf"])
    assert res.exit_code == 1 and "Ukendt format" in res.stderr
    assert not AuditEvent.objects.filter(action="results.export").exists()
