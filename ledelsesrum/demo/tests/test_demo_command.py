"""``ledelsesrum demo``: prints the logins, the study id on the last line, or serves."""

import pytest
from typer.testing import CliRunner

from ledelsesrum import cli
from ledelsesrum.demo import build
from ledelsesrum.studies.models import Study

pytestmark = pytest.mark.django_db


@pytest.fixture
def run():
    if not any(getattr(c.callback, "__name__", "") == "demo" for c in cli.app.registered_commands):
        cli._register_context_commands()
    runner = CliRunner()
    return lambda *args: runner.invoke(cli.app, list(args))


def test_no_serve_builds_the_demo_and_prints_the_study_id_alone_on_the_last_line(run):
    result = run("demo", "--no-serve", "--size", "12")

    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    study = Study.objects.get(name=build.STUDY_NAME)
    assert lines[-1] == str(study.pk)
    assert study.main_round.status == "closed"
    password = build.demo_password()[0]
    assert any(line.split() [:3] == ["analytiker", "/", password] for line in lines)
    assert any(line.strip().startswith("direktion /") for line in lines)


def test_a_second_run_reuses_the_demo_and_reset_rebuilds_it(run):
    first = run("demo", "--no-serve", "--size", "12")
    again = run("demo", "--no-serve", "--size", "12")
    assert again.exit_code == 0
    assert again.stdout.strip().splitlines()[-1] == first.stdout.strip().splitlines()[-1]
    assert "genbruges" in again.stdout
    assert Study.objects.filter(name=build.STUDY_NAME).count() == 1

    rebuilt = run("demo", "--no-serve", "--size", "12", "--reset")

    assert rebuilt.exit_code == 0
    new_id = int(rebuilt.stdout.strip().splitlines()[-1])
    assert new_id != int(first.stdout.strip().splitlines()[-1])
    assert list(Study.objects.filter(name=build.STUDY_NAME).values_list("pk", flat=True)) == [new_id]


def test_without_no_serve_it_serves_on_the_given_address_and_says_where(run, monkeypatch):
    served = []
    monkeypatch.setattr(cli, "serve_forever", lambda host, port, *a, **k: served.append((host, port)))

    result = run("demo", "--size", "8", "--host", "127.0.0.1", "--port", "8123")

    assert result.exit_code == 0, result.output
    assert served == [("127.0.0.1", 8123)]
    assert "Ledelsesrum kører på http://127.0.0.1:8123/" in result.stdout.splitlines()
    assert Study.objects.filter(name=build.STUDY_NAME).exists()


def test_an_impossible_size_is_refused_with_a_danish_message(run):
    result = run("demo", "--no-serve", "--size", "-3")
    assert result.exit_code == 1
    assert "--size skal være mellem" in result.output
    assert not Study.objects.exists()
