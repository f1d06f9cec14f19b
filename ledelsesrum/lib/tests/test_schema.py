"""The declarative checker every reference-data loader and import uses (issue 14)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ledelsesrum.lib import schema
from ledelsesrum.lib.schema import check, model_max_length

QUESTION = schema.Record(fields={"code": schema.Text(pattern=re.compile(r"^[A-Z]+\d*$"), hint="store bogstaver og tal"),
                          "text": schema.Text(max_length=10), "reverse": schema.Flag(), "weight": schema.Integer(required=False,
                                                                                          minimum=1)})
DOCUMENT = schema.Record(closed=True, fields={
    "version": schema.Text(),
    "kind": schema.Text(choices=("scale", "open"), noun="type", required=False),
    "questions": schema.Items(item="spørgsmål {key}", numbered="spørgsmål nr. {n}", key="code", non_empty=True,
                       unique="code", of=QUESTION),
    "lines": schema.Span(required=False),
    "tags": schema.Items(required=False),
    "scales": schema.Table(required=False, item="svarskalaen '{key}'", key_pattern=re.compile(r"^[a-z]+\d$"),
                    key_hint="små bogstaver og et tal", of=schema.Record(fields={"labels": schema.Items()})),
})


def test_a_valid_document_is_cleaned_and_has_no_problems():
    result = check(DOCUMENT, {"version": 3, "questions": [{"code": "A1", "text": "  Hej  "}],
                              "scales": {"grad5": {"labels": ["a", 2]}}})
    assert result.ok and result.problems == []
    assert result.value == {
        "version": "3", "kind": "", "lines": None, "tags": [],
        "questions": [{"code": "A1", "text": "Hej", "reverse": False, "weight": None}],
        "scales": {"grad5": {"labels": ["a", "2"]}},
    }


def test_every_problem_is_reported_at_once_with_where_it_is():
    result = check(DOCUMENT, {
        "kind": "liste", "extra": 1, "lines": [5, 4], "tags": "solo",
        "questions": [{"code": "A1", "text": "x" * 11, "reverse": "ja", "weight": 0},
                      {"code": "a-1"}, "løs tekst", {"code": "A1", "text": "igen"}],
        "scales": {"Grad": {"labels": "x"}},
    })
    assert result.problems == [
        "Filen: ukendte felter extra (tilladt: kind, lines, questions, scales, tags, version).",
        "Feltet 'version' mangler.",
        "Feltet 'kind': ukendt type 'liste' (brug en af scale eller open).",
        "Spørgsmål A1: 'text' er længere end 10 tegn.",
        "Spørgsmål A1: 'reverse' skal være true eller false.",
        "Spørgsmål A1: 'weight' skal være mindst 1.",
        "Spørgsmål a-1: 'code' skal være store bogstaver og tal, ikke 'a-1'.",
        "Spørgsmål a-1: 'text' mangler.",
        "Spørgsmål nr. 3 skal være en samling af nøgler.",
        "Feltet 'questions': 'A1' står mere end én gang.",
        "Feltet 'lines' [5, 4] er ikke et gyldigt interval (1 ≤ første ≤ sidste).",
        "Feltet 'tags' skal være en liste.",
        "Feltet 'scales': nøglen 'Grad' skal være små bogstaver og et tal.",
        "Svarskalaen 'Grad': 'labels' skal være en liste.",
    ]
    assert not result.ok


def test_a_root_names_the_file_and_rows_read_as_clauses():
    assert check(schema.Record(fields={"id": schema.Text()}), {}, root="poster.yaml").problems == ["poster.yaml: 'id' mangler."]
    row = schema.Record(fields={"name": schema.Text(label="navn", max_length=5), "email": schema.Text(
        label="e-mail", check=lambda t: None if "@" in t else f"'{t}' er ikke en gyldig e-mailadresse")})
    result = check(row, {"name": "Bodil Ibsen", "email": "bodil"}, sentences=False)
    assert result.problems == ["navn er længere end 5 tegn", "'bodil' er ikke en gyldig e-mailadresse"]
    assert result.value["email"] == ""  # a text the caller's check refuses cannot be used
    assert result.value["name"] == "Bodil Ibsen"  # kept, so the loader can still name the item


def test_missing_blank_and_wrongly_typed_texts_differ():
    field = schema.Record(fields={"a": schema.Text(), "b": schema.Text(), "c": schema.Text(), "d": schema.Text(required=False, fold=True)})
    result = check(field, {"b": "  ", "c": ["x"], "d": " to \n ord "})
    assert result.problems == ["Feltet 'a' mangler.", "Feltet 'b' er tom.", "Feltet 'c' skal være en tekst."]
    assert result.value["d"] == "to ord"


def test_coerce_from_scalar_and_nested_numbering():
    option = schema.Record(from_scalar=lambda v: {"key": str(v)}, fields={"key": schema.Text()})
    spec = schema.Record(fields={"lines": schema.Span(coerce=lambda n: [n, n] if isinstance(n, int) else n),
                          "options": schema.Items(required=False, of=option),
                          "sources": schema.Items(required=False, of=schema.Record(fields={"note": schema.Text()}))})
    result = check(spec, {"lines": 7, "options": ["ja", {"key": "nej"}], "sources": [{"note": "x"}, {}]})
    assert result.value["lines"] == (7, 7)
    assert [o["key"] for o in result.value["options"]] == ["ja", "nej"]
    assert result.problems == ["'sources' nr. 2: 'note' mangler."]


def test_translate_is_applied_to_every_message():
    result = check(schema.Record(fields={"a": schema.Text()}), {}, translate=lambda m: m.replace("mangler", "is missing"))
    assert result.problems == ["Feltet 'a' is missing."]


@pytest.mark.django_db
def test_lengths_come_from_the_model():
    from ledelsesrum.organisation.models import Leader

    assert model_max_length(Leader, "level") == Leader._meta.get_field("level").max_length
    with pytest.raises(ValueError):
        model_max_length(Leader, "span_of_control")


def test_the_checker_does_not_import_django():
    """The frame (the bottom layer, no Django) checks its file with it."""
    tree = ast.parse(Path(schema.__file__).read_text(encoding="utf-8"))
    imported = {n.name for node in ast.walk(tree) if isinstance(node, ast.Import) for n in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(m.startswith(("django", "ledelsesrum")) for m in imported)


def test_no_loader_writes_a_stored_length_again():
    """Lengths of stored fields are read from the models (``model_max_length``), never typed."""
    package = Path(schema.__file__).resolve().parents[1]
    loaders = ("surveys/bank.py", "surveys/importer.py", "organisation/importer.py", "knowledge/base.py")
    for name in loaders:
        text = (package / name).read_text(encoding="utf-8")
        retyped = re.search(r"len\([^)]*\)\s*>\s*\d\d|get\([^)]*\)\[:\d+\]|længere end \d|\{0,\d+\}", text)
        assert not retyped, f"{name}: {retyped.group()}"
