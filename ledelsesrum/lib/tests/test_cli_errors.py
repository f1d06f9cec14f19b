"""The command line says what is wrong with its input in Danish (issue 12: `--study abc`)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ledelsesrum.lib.cli_errors import danish


@pytest.mark.parametrize(("english", "expected"), [
    ("Invalid value for '--study': 'abc' is not a valid integer.", "Ugyldig værdi for --study: »abc« er ikke et helt tal."),
    ("Invalid value for '--study': Input should be a valid integer, unable to parse string as an integer",
     "Ugyldig værdi for --study: skal være et helt tal."),
    ("No such option: --nope", "Ukendt tilvalg: --nope"),
    ("Missing option '--study'.", "Tilvalget --study mangler."),
    ("No such command 'findesikke'.", "Kommandoen »findesikke« findes ikke."),
    ("Something new entirely.", "Something new entirely."),
])
def test_click_messages_in_danish(english, expected):
    assert danish(english) == expected


def _run(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"LEDELSESRUM_DATABASE_URL", "DATABASE_URL"}}
    env["LEDELSESRUM_DATA_DIR"] = str(tmp_path)
    return subprocess.run([sys.executable, "-m", "ledelsesrum.cli", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def test_a_wrong_number_gets_a_danish_message_and_exit_code_2(tmp_path):
    result = _run(tmp_path, "results", "--study", "abc", "--format", "json")
    assert result.returncode == 2
    assert "Fejl: Ugyldig værdi for --study: skal være et helt tal." in result.stderr
    assert "--help" in result.stderr and "Invalid value" not in result.stderr


def test_an_unknown_command_and_help_still_work(tmp_path):
    unknown = _run(tmp_path, "findesikke")
    assert unknown.returncode == 2 and "Kommandoen »findesikke« findes ikke." in unknown.stderr
    helped = _run(tmp_path, "--help")
    assert helped.returncode == 0 and "Usage" in helped.stdout
