import io

import pytest
import typer
from docx import Document
from typer.testing import CliRunner

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.jobs.models import Job
from ledelsesrum.reports.cli import register

from .builders import report_study


@pytest.fixture
def app():
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # a second command keeps typer from flattening the app
    return app


@pytest.mark.django_db(transaction=True)
def test_the_cli_writes_html_pdf_and_docx(app, tmp_path):
    study = report_study()["study"]
    runner = CliRunner()
    for fmt in ("html", "pdf", "docx"):
        out = tmp_path / f"rapport.{fmt}"
        res = runner.invoke(app, ["report", "--study", str(study.pk), "--format", fmt,
                                  "--output", str(out), "--quiet"])
        assert res.exit_code == 0, res.output
        assert out.stat().st_size > 1000
    assert (tmp_path / "rapport.pdf").read_bytes().startswith(b"%PDF")
    assert "Motivation og trivsel" in (tmp_path / "rapport.html").read_text(encoding="utf-8")
    assert Document(io.BytesIO((tmp_path / "rapport.docx").read_bytes())).tables
    assert AuditEvent.objects.filter(action="report.download", detail__channel="cli").count() == 3
    assert Job.objects.filter(status=Job.Status.DONE, study_id=study.pk).count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_cli_refuses_unknown_formats_studies_and_folders_in_danish(app, tmp_path):
    study = report_study()["study"]
    runner = CliRunner()
    res = runner.invoke(app, ["report", "--study", str(study.pk), "--format", "odt",
                              "--output", str(tmp_path / "r.odt")])
    assert res.exit_code == 1 and "Ukendt format" in res.stderr
    res = runner.invoke(app, ["report", "--study", "999999", "--output", str(tmp_path / "r.pdf")])
    assert res.exit_code == 1 and "ingen undersøgelse" in res.stderr
    res = runner.invoke(app, ["report", "--study", str(study.pk),
                              "--output", str(tmp_path / "mangler" / "r.pdf")])
    assert res.exit_code == 1 and "findes ikke" in res.stderr
    assert not AuditEvent.objects.filter(action="report.download").exists()
