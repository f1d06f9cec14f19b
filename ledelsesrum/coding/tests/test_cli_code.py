import json

import pytest
import typer
from typer.testing import CliRunner

from ledelsesrum.coding.cli import register


@pytest.fixture
def app():
    app = typer.Typer()
    register(app)

    @app.command()
    def other() -> None:  # a second command keeps typer in multi-command mode, like the real CLI
        pass

    return app


def _write(path, rows):
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def _run(app, *args):
    return CliRunner().invoke(app, ["code", *args, "--embedder", "char", "--quiet"])


UNITS = [
    {"id": "b", "text": "Budgettet er skåret igen, og besparelserne rammer normeringen."},
    {"id": "a", "text": "Vi har en gruppe frivillige fra den lokale forening, som hjælper beboerne."},
    {"id": "c", "text": "Jeg savner et ledernetværk med andre ledere."},
]


def test_output_has_one_line_per_unit_in_input_order_with_all_codes_best_first(app, tmp_path):
    units = _write(tmp_path / "units.jsonl", UNITS)
    out = tmp_path / "out.jsonl"
    result = _run(app, "--codebook", "default", "--input", str(units), "--output", str(out))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["b", "a", "c"]
    for line in lines:
        assert set(line) == {"id", "suggestions"}
        assert len(line["suggestions"]) >= 5
        assert all(set(s) == {"code", "score"} for s in line["suggestions"])
        scores = [s["score"] for s in line["suggestions"]]
        assert scores == sorted(scores, reverse=True)
    assert [line["suggestions"][0]["code"] for line in lines] == ["2e", "6a", "1c"]


def test_labelled_units_and_a_json_codebook_are_used(app, tmp_path):
    book = tmp_path / "book.json"
    book.write_text(json.dumps([
        {"id": "A", "label": "Arbejde", "subthemes": [{"id": f"A{i}", "label": f"Kode {i}"} for i in range(1, 6)]},
        {"id": "B", "label": "Andet", "subthemes": [{"id": "B1", "label": "Kantine", "description": "Mad og frokost"}]},
    ]), encoding="utf-8")
    units = _write(tmp_path / "units.jsonl", [{"id": 1, "text": "Kaffeautomaten i personalestuen er i stykker igen."}])
    labelled = _write(tmp_path / "lab.jsonl", [{"id": "x", "text": "Kaffeautomaten i personalestuen virker ikke.", "subtheme": "A3"}])
    out = tmp_path / "out.jsonl"
    result = _run(app, "--codebook", str(book), "--input", str(units), "--labelled", str(labelled), "--output", str(out))
    assert result.exit_code == 0, result.output
    line = json.loads(out.read_text(encoding="utf-8"))
    assert line["id"] == "1"
    assert line["suggestions"][0]["code"] == "A3"
    assert len(line["suggestions"]) == 6


def test_malformed_line_is_reported_with_file_and_line_number(app, tmp_path):
    units = _write(tmp_path / "units.jsonl", [UNITS[0], "", '{"id": "x", "text": ', UNITS[1]])
    out = tmp_path / "out.jsonl"
    result = _run(app, "--codebook", "default", "--input", str(units), "--output", str(out))
    assert result.exit_code == 1
    assert "units.jsonl, linje 3" in result.output and "ugyldig JSON" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"id": "a"}], 'linje 1: feltet "text" mangler'),
        ([{"text": "x"}], 'linje 1: feltet "id" mangler'),
        ([UNITS[0], UNITS[0]], 'id "b" findes allerede i linje 1'),
        (["[1, 2]"], "forventede et objekt"),
    ],
)
def test_bad_unit_lines_are_named(app, tmp_path, rows, message):
    units = _write(tmp_path / "units.jsonl", rows)
    result = _run(app, "--codebook", "default", "--input", str(units), "--output", str(tmp_path / "o.jsonl"))
    assert result.exit_code == 1 and message in result.output


def test_unknown_sub_theme_in_labelled_file_is_an_error(app, tmp_path):
    units = _write(tmp_path / "units.jsonl", UNITS)
    labelled = _write(tmp_path / "lab.jsonl", [{"id": "x", "text": "tekst", "subtheme": "1a"}, {"id": "y", "text": "t", "subtheme": "9z"}])
    result = _run(app, "--codebook", "default", "--input", str(units), "--labelled", str(labelled), "--output", str(tmp_path / "o.jsonl"))
    assert result.exit_code == 1
    assert 'lab.jsonl, linje 2: undertemaet "9z" findes ikke i kodebogen' in result.output


def test_empty_input_is_an_error(app, tmp_path):
    units = tmp_path / "units.jsonl"
    units.write_text("\n\n", encoding="utf-8")
    result = _run(app, "--codebook", "default", "--input", str(units), "--output", str(tmp_path / "o.jsonl"))
    assert result.exit_code == 1 and "ingen enheder" in result.output


def test_missing_codebook_file_is_an_error(app, tmp_path):
    units = _write(tmp_path / "units.jsonl", UNITS)
    result = _run(app, "--codebook", str(tmp_path / "nope.json"), "--input", str(units), "--output", str(tmp_path / "o.jsonl"))
    assert result.exit_code == 1 and "findes ikke" in result.output


def test_progress_bar_is_drawn_on_stderr(app, tmp_path):
    units = _write(tmp_path / "units.jsonl", UNITS)
    result = CliRunner().invoke(
        app, ["code", "--codebook", "default", "--input", str(units), "--output", str(tmp_path / "o.jsonl"), "--embedder", "char"]
    )
    assert result.exit_code == 0
    assert "Koder" in result.stderr and "3/3" in result.stderr
