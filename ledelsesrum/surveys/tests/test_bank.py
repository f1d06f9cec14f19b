"""The item bank data file loads, covers the codebook, and broken files are refused precisely."""

from __future__ import annotations

import copy
import json
import re

import pytest
import yaml

from ledelsesrum.surveys import bank as bank_module
from ledelsesrum.surveys.bank import DEFAULT_PATH, SEEDS_DIR, BankError, load_bank, load_instrument

SEED_004 = SEEDS_DIR / "004_a484d8f613306441.txt"
needs_seeds = pytest.mark.skipif(not SEED_004.is_file(), reason="seed documents not beside the repository")


def raw_default() -> dict:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def write(tmp_path, raw: dict, name: str = "bank.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def seed_subthemes() -> dict[str, str]:
    """Parse the sub-theme list of seed 004 (the list after "inddelt i undertemaer")."""
    lines = SEED_004.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if "inddelt i undertemaer" in line)
    found: dict[str, str] = {}
    theme = ""
    for line in lines[start:]:
        if m := re.match(r"^\s*([1-6])\.\s+\S", line):
            theme = m.group(1)
        elif (m := re.match(r"^\s*([a-f])\)\s+(.+?)\s*$", line)) and theme:
            found[f"{theme}{m.group(1)}"] = m.group(2)
        if line.startswith(" Justering"):
            break
    return found


def test_the_shipped_bank_loads_with_a_version_and_the_standard_scales():
    bank = load_bank()
    assert bank.version
    grad = bank.response_scales["grad5"]
    assert grad.labels == ["I meget høj grad", "I høj grad", "I nogen grad", "I mindre grad", "Slet ikke"]
    assert grad.dont_know_label == "Ved ikke / ikke relevant"
    assert bank.response_scales["hyppighed5"].labels[:4] == ["Altid", "Ofte", "Somme tider", "Sjældent"]
    assert load_bank() is bank  # cached


def test_every_one_of_the_19_subthemes_has_at_least_one_item():
    bank = load_bank()
    assert len(bank.subthemes) == 19
    covered = {s.subtheme for s in bank.scales if s.items}
    assert covered == set(bank.subthemes)


@needs_seeds
def test_subtheme_labels_equal_the_seed_list():
    # The seed's one place name is made general: the bank is for any organisation (issue 12).
    general = {code: label.replace("Holstebro Kommune", "organisationen") for code, label in seed_subthemes().items()}
    assert load_bank().subthemes == general
    assert len(seed_subthemes()) == 19


def test_scales_have_three_to_six_items_and_the_required_scales_exist():
    bank = load_bank()
    for scale in bank.scales:
        assert 3 <= len(scale.items) <= 6, scale.code
    required = {
        "RAADERUM": "1d", "TID": "3b", "CHEF": "1b", "NETVAERK": "1c", "ANERKEND": "1e",
        "UDVIKLING": "1f", "STABE": "5a", "TVAERGAAENDE": "4b", "LEDELSESLAG": "4a",
        "DOKUMENTATION": "2c", "SOCIALKAPITAL": "2d", "TRIVSEL": "1a", "FAGLIG": "2b",
        "OMSTILLING": "2a", "OEKONOMI": "2e", "POLITIKERE": "4c", "FAGORG": "5b",
        "FRIVILLIGE": "6a", "ORGANISERING": "3a",
    }
    assert {code: bank.scale(code).subtheme for code in required} == required


def test_the_default_questionnaire_takes_ten_to_fifteen_minutes():
    bank = load_bank()
    seconds = (bank.scale_item_count() + len(bank.facts)) * 7 + len(bank.open_questions) * 60
    assert 10 * 60 <= seconds <= 15 * 60


def test_facts_open_questions_and_sensitive_items_are_in_the_bank():
    bank = load_bank()
    facts = {f.code: f for f in bank.facts}
    assert facts["FAKTA_AAR"].kind == "number" and facts["FAKTA_SPAEND"].kind == "number"
    assert facts["FAKTA_UDD"].kind == "choice" and len(facts["FAKTA_UDD"].options) >= 3
    assert facts["FAKTA_OMR"].options_from == "areas"
    assert len(bank.open_questions) == 2
    sensitive = [i for s in bank.scales for i in s.items if i.sensitive]
    assert sensitive and all("krænkende" in i.text for i in sensitive)
    assert any(i.reverse for s in bank.scales for i in s.items)


@needs_seeds
def test_every_citation_points_inside_its_document():
    bank = load_bank()
    citations = [*bank.sources, *(c for s in bank.scales for c in s.sources)]
    assert any(c.document == SEED_004.name for c in citations)
    for c in citations:
        count = len((SEEDS_DIR / c.document).read_text(encoding="utf-8").splitlines())
        assert c.lines and c.lines[1] <= count


def test_a_duplicate_code_is_refused(tmp_path):
    raw = raw_default()
    raw["scales"][1]["items"][0]["code"] = raw["scales"][0]["items"][0]["code"]
    with pytest.raises(BankError) as exc:
        load_bank(write(tmp_path, raw))
    assert any("er brugt mere end én gang" in e and "TRIV01" in e for e in exc.value.errors)


def test_an_unknown_subtheme_is_refused(tmp_path):
    raw = raw_default()
    raw["scales"][0]["subtheme"] = "9z"
    with pytest.raises(BankError) as exc:
        load_bank(write(tmp_path, raw))
    assert "Ukendt undertema '9z' i skalaen TRIVSEL." in exc.value.errors


def test_the_bank_takes_themes_and_subthemes_from_the_frame():
    from ledelsesrum.frame.subthemes import load_frame

    assert "themes" not in raw_default() and "subthemes" not in raw_default()
    assert load_bank().subthemes == load_frame().subtheme_labels()
    assert load_bank().themes == load_frame().theme_labels()


def test_the_default_bank_may_not_carry_its_own_subthemes(tmp_path, monkeypatch):
    """A second list of labels drifted from the codebook's once (1a, 1d, 4b; issue 14)."""
    raw = raw_default()
    raw["subthemes"] = {"1d": "Råderum og indflydelse"}
    monkeypatch.setattr(bank_module, "DEFAULT_PATH", write(tmp_path, raw))
    bank_module._default_bank.cache_clear()
    try:
        with pytest.raises(BankError) as exc:
            load_bank()
    finally:
        monkeypatch.undo()
        bank_module._default_bank.cache_clear()
    assert exc.value.errors == ["Feltet 'subthemes' hører ikke hjemme i spørgebanken: temaer og undertemaer "
                                "står i rammen (ledelsesrum/frame/data/subthemes.yaml)."]


def test_a_response_scale_with_four_labels_is_refused(tmp_path):
    raw = raw_default()
    raw["response_scales"]["grad5"]["labels"] = raw["response_scales"]["grad5"]["labels"][:4]
    with pytest.raises(BankError) as exc:
        load_bank(write(tmp_path, raw))
    assert "Svarskalaen 'grad5' skal have præcis 5 svarmuligheder, men har 4." in exc.value.errors


@needs_seeds
def test_a_citation_beyond_the_last_line_of_the_seed_is_refused(tmp_path):
    raw = raw_default()
    raw["sources"][0]["lines"] = [500, 515]
    with pytest.raises(BankError) as exc:
        load_bank(write(tmp_path, raw))
    assert any("linje 515 findes ikke i '004_a484d8f613306441.txt', som kun har 514 linjer" in e
               for e in exc.value.errors)


def test_the_citation_check_is_skipped_when_the_seeds_are_absent(tmp_path, monkeypatch):
    monkeypatch.setattr(bank_module, "SEEDS_DIR", tmp_path / "missing")
    raw = raw_default()
    raw["sources"][0]["lines"] = [500, 99999]
    assert load_bank(write(tmp_path, raw)).version == raw["version"]


def test_an_unknown_response_scale_and_a_mixed_sensitive_scale_are_refused(tmp_path):
    raw = raw_default()
    raw["scales"][0]["response_scale"] = "enig7"
    raw["scales"][1]["items"][0]["sensitive"] = True
    with pytest.raises(BankError) as exc:
        load_bank(write(tmp_path, raw))
    assert "Ukendt svarskala 'enig7' i skalaen TRIVSEL." in exc.value.errors
    assert any("blander følsomme og almindelige" in e for e in exc.value.errors)


def test_a_file_that_is_not_yaml_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("version: 1\nscales: [\n  - code: X\n", encoding="utf-8")
    with pytest.raises(BankError) as exc:
        load_bank(path)
    assert "kan ikke læses som YAML eller JSON" in str(exc.value)


def test_a_customer_instrument_in_json_loads_with_the_default_codebook_and_scales(tmp_path):
    instrument = {
        "version": "3.0",
        "title": "Kundens licensinstrument",
        "sources": [{"note": "Licens nr. 42 hos udgiveren"}],
        "scales": [{
            "code": "KUNDE_A", "title": "Kundeskala", "subtheme": "1d",
            "items": [{"code": "KA1", "text": "Første udsagn"}, {"code": "KA2", "text": "Andet", "reverse": True}],
        }],
    }
    path = tmp_path / "instrument.json"
    path.write_text(json.dumps(instrument), encoding="utf-8")
    loaded = load_instrument(path)
    assert loaded.version == "3.0"
    assert loaded.scale("KUNDE_A").items[1].reverse is True
    assert loaded.scales[0].response_scale == "grad5"
    assert loaded.subthemes == load_bank().subthemes


def test_a_customer_instrument_is_validated_like_the_bank():
    broken = {"version": "1", "scales": [{"code": "A", "title": "A", "subtheme": "7q",
                                          "items": [{"code": "A1", "text": "x"}, {"code": "A1", "text": "y"}]}]}
    with pytest.raises(BankError) as exc:
        load_instrument(yaml.safe_dump(broken).encode())
    assert "Ukendt undertema '7q' i skalaen A." in exc.value.errors
    assert any("'A1' er brugt mere end én gang" in e for e in exc.value.errors)


def test_an_empty_instrument_file_is_refused():
    with pytest.raises(BankError) as exc:
        load_instrument(b"  \n")
    assert exc.value.errors == ["Filen er tom."]


def test_the_shipped_file_is_not_mutated_by_validation():
    raw = raw_default()
    before = copy.deepcopy(raw)
    bank_module.parse_bank(raw)
    assert raw == before
