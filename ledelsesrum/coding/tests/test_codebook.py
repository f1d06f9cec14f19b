import json
import re
from pathlib import Path

import pytest

from ledelsesrum.coding.codebook import (
    DEFAULT_PATH,
    CodebookError,
    from_data,
    from_frame_data,
    from_qdc,
    load_codebook,
    to_data,
    to_json,
    to_qdc,
)

SEED = Path("/work/shared/seeds/004_a484d8f613306441.txt")
IDS = "1a 1b 1c 1d 1e 1f 2a 2b 2c 2d 2e 3a 3b 4a 4b 4c 5a 5b 6a".split()


def test_default_codebook_has_seed_004_frame():
    book = load_codebook("default")
    assert [t.id for t in book.themes] == ["1", "2", "3", "4", "5", "6"]
    assert book.code_ids == IDS
    for sub in book.subthemes:
        assert 2 <= sub.description.count(".") + 1 and len(sub.description) > 80
        assert 3 <= len(sub.examples) <= 6
        assert sub.citation is not None and sub.citation.document == "004_a484d8f613306441.txt"


@pytest.mark.skipif(not SEED.exists(), reason="seed documents not available")
def test_default_labels_are_exactly_the_seed_labels_at_the_cited_lines():
    lines = SEED.read_text(encoding="utf-8").splitlines()
    book = load_codebook("default")
    for theme in book.themes:
        assert re.sub(r"^\d\.\s*", "", lines[int(theme.citation.lines) - 1]).strip() == theme.label
        for sub in theme.subthemes:
            seed_label = re.sub(r"^[a-f]\)\s*", "", lines[int(sub.citation.lines) - 1]).strip()
            # The one place name of the seed is made general (issue 12: it showed in every study).
            assert seed_label.replace("Holstebro Kommune", "organisationen") == sub.label


def _default_raw() -> dict:
    import yaml

    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_the_built_in_codebook_takes_labels_and_themes_from_the_frame():
    from ledelsesrum.frame.subthemes import load_frame

    frame = load_frame()
    book = load_codebook("default")
    assert [(s.id, s.label, s.theme_id) for s in book.subthemes] == [(s.code, s.label, s.theme) for s in frame]
    assert [(t.id, t.label) for t in book.themes] == list(frame.theme_labels().items())
    assert from_frame_data(_default_raw()) == book


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["subthemes"].update({"9z": {"description": "x", "examples": []}}), "ukendt undertema '9z'"),
        (lambda r: r["subthemes"].pop("4b"), "mangler undertema 4b"),
        (lambda r: r["themes"].update({"7": {"description": "x"}}), "tema 7: temaet findes ikke i rammen"),
        (lambda r: r["subthemes"]["1d"].update(label="Råderum og indflydelse"), "etiketten står i rammen"),
        (lambda r: r["subthemes"]["1d"].update(citation={}), "ukendte felter citation"),
    ],
)
def test_the_built_in_codebook_refuses_codes_the_frame_lacks_and_labels_of_its_own(change, message):
    raw = _default_raw()
    change(raw)
    with pytest.raises(CodebookError, match=message):
        from_frame_data(raw)


def test_the_built_in_frame_names_no_municipality():
    """Labels, descriptions and examples of the built-in codebook and the item bank are about any
    organisation: "Holstebro Kommune" showed in Demo Kommune's coding, report and board questions."""
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[2]
    for path in (root / "coding/data/codebook_default.yaml", root / "surveys/data/item_bank.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        text = str(data)
        assert "Holstebro" not in text, path


def test_json_round_trip_keeps_ids_labels_descriptions_and_examples(tmp_path):
    book = load_codebook("default")
    path = tmp_path / "kodebog.json"
    path.write_text(to_json(book), encoding="utf-8")
    again = load_codebook(path)
    assert to_data(again) == to_data(book)


def test_cli_json_without_descriptions_is_accepted():
    book = from_data([{"id": "A", "label": "Trivsel", "subthemes": [{"id": "A1", "label": "Tone"}]}])
    assert book.code_ids == ["A1"] and book.get("A1").description == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "ingen temaer"),
        ([{"id": "1", "label": "X", "subthemes": []}], "ingen undertemaer"),
        ([{"id": "1", "label": "X", "subthemes": [{"id": "1", "label": "Y"}]}], "mere end én gang"),
        ([{"id": "1", "subthemes": [{"id": "1a", "label": "Y"}]}], "'label' mangler"),
        ([{"id": "1", "label": "X", "subthemes": [{"label": "Y"}]}], "'id' mangler"),
        ({"x": 1}, "liste af temaer"),
    ],
)
def test_invalid_codebooks_get_clear_danish_errors(data, message):
    with pytest.raises(CodebookError, match=message):
        from_data(data)


def test_broken_json_file_names_the_file(tmp_path):
    path = tmp_path / "brudt.json"
    path.write_text("[{", encoding="utf-8")
    with pytest.raises(CodebookError, match="brudt.json"):
        load_codebook(path)


def test_qdc_round_trip_keeps_the_whole_codebook(tmp_path):
    book = load_codebook("default")
    path = tmp_path / "kodebog.qdc"
    path.write_text(to_qdc(book), encoding="utf-8")
    again = load_codebook(path)
    assert to_data(again) == to_data(book)
    assert 'xmlns="urn:QDA-XML:codebook:1.0"' in path.read_text(encoding="utf-8")


def test_qdc_from_another_tool_gets_generated_ids_and_flattened_levels():
    xml = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo">
  <Codes>
    <Code guid="2f0c0e7a-0000-4000-8000-000000000001" name="Trivsel" isCodable="true">
      <Description>Alt om trivsel</Description>
      <Code guid="2f0c0e7a-0000-4000-8000-000000000002" name="Stress" isCodable="true">
        <Code guid="2f0c0e7a-0000-4000-8000-000000000003" name="Sygefravær" isCodable="true"/>
      </Code>
    </Code>
    <Code guid="2f0c0e7a-0000-4000-8000-000000000004" name="Økonomi" isCodable="true"/>
  </Codes>
</CodeBook>"""
    book = from_qdc(xml)
    assert [(t.id, t.label) for t in book.themes] == [("1", "Trivsel"), ("2", "Økonomi")]
    assert [(s.id, s.label) for s in book.subthemes] == [
        ("1a", "Stress"),
        ("1b", "Stress › Sygefravær"),
        ("2a", "Økonomi"),
    ]


def test_qdc_with_the_wrong_root_is_rejected():
    with pytest.raises(CodebookError, match="CodeBook"):
        from_qdc("<Project xmlns='urn:QDA-XML:project:1.0'/>")


def test_unknown_code_lookup_is_an_error():
    with pytest.raises(CodebookError, match="Ukendt undertema"):
        load_codebook("default").get("9z")


def test_default_codebook_exports_valid_json():
    assert len(json.loads(to_json(load_codebook("default"), examples=False))) == 6
