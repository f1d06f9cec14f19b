"""``ledelsesrum knowledge search --json`` keeps its contract; ``validate`` reports the base."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from ledelsesrum.knowledge.cli import register


def run(*args: str):
    app = typer.Typer()
    register(app)

    @app.command()
    def noop() -> None:  # a second command keeps Typer from collapsing the group
        pass

    return CliRunner().invoke(app, list(args))


def test_search_json_prints_the_documented_fields_best_first():
    result = run("knowledge", "search", "frisættelse og hjørneflag", "--limit", "4", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert 1 <= len(data) <= 4
    assert all(set(d) == {"id", "title", "kind", "summary", "themes", "citations", "score"} for d in data)
    assert [d["score"] for d in data] == sorted((d["score"] for d in data), reverse=True)
    assert data[0]["id"] == "frisaettelsens-hjoerneflag"
    citation = data[0]["citations"][0]
    assert set(citation) == {"document", "lines"} and len(citation["lines"]) == 2


def test_search_filters_by_kind_and_theme():
    data = json.loads(run("knowledge", "search", "ledere", "--kind", "figure", "--theme", "3b", "--json").output)
    assert data and all(d["kind"] == "figure" and "3b" in d["themes"] for d in data)


def test_search_without_json_prints_a_readable_list():
    result = run("knowledge", "search", "relationel koordinering", "-n", "2")
    assert result.exit_code == 0
    assert "Relationel koordinering" in result.output


def test_bad_input_gets_a_danish_message_and_exit_code_1():
    result = run("knowledge", "search", "x", "--kind", "opskrift")
    assert result.exit_code == 1
    assert "Ukendt type 'opskrift'" in result.output
    result = run("knowledge", "search", "x", "--theme", "9")
    assert result.exit_code == 1 and "Ukendt tema" in result.output


def test_validate_reports_the_number_of_entries():
    result = run("knowledge", "validate")
    assert result.exit_code == 0
    assert "Vidensbasen er gyldig" in result.output


def test_search_json_is_an_empty_list_when_nothing_matches():
    result = run("knowledge", "search", "xqzv blorp", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output) == []
    assert "Ingen poster matcher" in run("knowledge", "search", "xqzv blorp").output
