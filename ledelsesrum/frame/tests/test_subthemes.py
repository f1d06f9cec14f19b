"""The frame: the one data file of themes and sub-themes (issue 14), its loader, and the guard that
no other data file or module grows its own copy again. The three copies there were (codebook,
knowledge base, item bank) disagreed on 1a, 1d and 4b."""

from __future__ import annotations

import ast
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from ledelsesrum.frame import subthemes as frame_module
from ledelsesrum.frame.subthemes import FRAME_PATH, FrameError, load_frame, parse_frame

PACKAGE = Path(__file__).resolve().parents[2]  # ledelsesrum/
REPO = PACKAGE.parent
SEED_004 = REPO.parent / "shared" / "seeds" / "004_a484d8f613306441.txt"
FRAME_DIR = PACKAGE / "frame"
# Where copies could hide: the package, the benches, the developer script. Tests may name labels
# (they check what users see); the frame itself is the one copy.
SCAN_ROOTS = (PACKAGE, REPO / "bench", REPO / "dev.py")
DATA_SUFFIXES = {".yaml", ".yml", ".json", ".jsonl"}


def _raw() -> dict:
    return yaml.safe_load(FRAME_PATH.read_text(encoding="utf-8"))


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _skipped(path: Path) -> bool:
    parts = path.relative_to(REPO).parts
    return (path.is_relative_to(FRAME_DIR) or "tests" in parts or path.name == "conftest.py"
            or ".venv" in parts or "__pycache__" in parts or "node_modules" in parts)


def _files(suffixes: set[str]) -> Iterator[Path]:
    for root in SCAN_ROOTS:
        paths = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in paths:
            if path.is_file() and path.suffix in suffixes and not _skipped(path):
                yield path


# --- the file and its loader ----------------------------------------------------------------


def test_the_frame_has_the_six_themes_and_19_subthemes_of_seed_004():
    frame = load_frame()
    assert frame.theme_codes == ["1", "2", "3", "4", "5", "6"]
    assert frame.codes == ["1a", "1b", "1c", "1d", "1e", "1f", "2a", "2b", "2c", "2d", "2e",
                           "3a", "3b", "4a", "4b", "4c", "5a", "5b", "6a"]
    for sub in frame:
        assert sub.code.startswith(sub.theme) and sub.description and sub.citation.document
    assert load_frame() is frame  # cached: read and validated once per process


def test_the_three_labels_the_copies_disagreed_on():
    """Seed 004, lines 374, 380 and 412; 1a without the seed's place name (issue 12)."""
    labels = load_frame().subtheme_labels()
    assert labels["1a"] == "Værdier og omgangstone i organisationen"
    assert labels["1d"] == "Råderum og Indflydelse"
    assert labels["4b"] == "Tværgående ledelse – inden for egen forvaltning og mellem sektorer"


@pytest.mark.skipif(not SEED_004.is_file(), reason="seed documents not beside the repository")
def test_labels_are_the_seed_labels_at_the_cited_lines():
    lines = SEED_004.read_text(encoding="utf-8").splitlines()
    frame = load_frame()
    assert frame.source.document == SEED_004.name
    for theme in frame.themes:
        assert theme.citation.document == SEED_004.name
        cited = " ".join(lines[theme.citation.first - 1:theme.citation.last]).strip()
        assert re.sub(r"^\d\.\s*", "", cited) == theme.label
    for sub in frame.subthemes:
        cited = " ".join(lines[sub.citation.first - 1:sub.citation.last]).strip()
        seed_label = re.sub(r"^[a-f]\)\s*", "", cited)
        # The one place name of the seed is made general: the frame is for any organisation.
        assert seed_label.replace("Holstebro Kommune", "organisationen") == sub.label, sub.code
        assert f"{sub.code[1]}) " in lines[sub.citation.first - 1]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["subthemes"].append(dict(r["subthemes"][0])), "Undertemaet '1a' står mere end én gang."),
        (lambda r: r["subthemes"][0].update(theme="9"), "temaet '9' findes ikke"),
        (lambda r: r["subthemes"][0].update(code="2z"), "koden skal begynde med temaets kode '1'"),
        (lambda r: r["subthemes"][0].update(code="1A"), "tema-ciffer + bogstav"),
        (lambda r: r["subthemes"][0].update(label=" "), "Undertema 1a: 'label' er tom."),
        (lambda r: r["subthemes"][0].pop("description"), "'description' mangler"),
        (lambda r: r["subthemes"][0].update(examples=["x"]), "ukendte felter examples"),
        (lambda r: r["subthemes"][1].update(label=r["subthemes"][0]["label"].upper()), "bruges mere end én gang"),
        (lambda r: r["themes"][0]["citation"].update(lines=[380, 374]), "1 ≤ første ≤ sidste"),
        (lambda r: r.update(format="andet/1"), "Ukendt format"),
        (lambda r: r.update(subthemes=[s for s in r["subthemes"] if s["theme"] != "6"]), "Tema 6"),
    ],
)
def test_a_broken_frame_is_refused_with_a_danish_message(change, message):
    raw = _raw()
    change(raw)
    with pytest.raises(FrameError) as exc:
        parse_frame(raw)
    assert any(message in p for p in exc.value.problems), exc.value.problems


def test_every_problem_is_reported_at_once():
    raw = _raw()
    raw["subthemes"][0]["theme"] = "9"
    raw["subthemes"][5]["label"] = ""
    with pytest.raises(FrameError) as exc:
        parse_frame(raw)
    assert len(exc.value.problems) >= 2 and str(exc.value).startswith("Rammen")


def test_the_frame_module_does_not_import_django():
    tree = ast.parse(Path(frame_module.__file__).read_text(encoding="utf-8"))
    imported = {n.name for node in ast.walk(tree) if isinstance(node, ast.Import) for n in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(m.startswith("django") for m in imported)
    assert not any(m.startswith("ledelsesrum.") and not m.startswith("ledelsesrum.lib") for m in imported)


# --- no second copy ---------------------------------------------------------------------------


def _labels() -> dict[str, str]:
    """Normalised label → code, themes and sub-themes."""
    frame = load_frame()
    out = {_norm(t.label): t.code for t in frame.themes}
    out.update({_norm(s.label): s.code for s in frame.subthemes})
    return out


def _copies_in_data(node, where: str) -> Iterator[str]:
    """A copy in a data file is a code paired with a label: ``{"1a": "…"}`` (a mapping from
    sub-theme codes to text) or ``{id|code: "1a", label: …}``. A scale or entry that names its
    sub-theme by code (``subtheme: 1a``) and has a title of its own is not one."""
    frame = load_frame()
    codes = set(frame.codes)
    theme_labels = {_norm(t.label) for t in frame.themes}
    if isinstance(node, dict):
        keys = {str(k) for k in node}
        if any(str(k) in codes and isinstance(v, str) for k, v in node.items()):
            yield f"{where}: en tabel fra undertemakoder til tekst ({', '.join(sorted(keys & codes))})"
        if any(str(k) in frame.theme_codes and isinstance(v, str) and _norm(v) in theme_labels
               for k, v in node.items()):
            yield f"{where}: en tabel fra temakoder til temaernes titler"
        if "label" in node and str(node.get("id", node.get("code", ""))) in codes | set(frame.theme_codes):
            yield f"{where}: kode {node.get('id', node.get('code'))} med egen etiket"
        for k, v in node.items():
            yield from _copies_in_data(v, f"{where} › {k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _copies_in_data(v, f"{where}[{i}]")


def test_no_other_data_file_carries_the_subtheme_labels():
    found: list[str] = []
    for path in _files(DATA_SUFFIXES):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".jsonl":
            docs = [json.loads(line) for line in text.splitlines() if line.strip()]
        elif path.suffix == ".json":
            docs = [json.loads(text)]
        else:
            docs = [yaml.safe_load(text)]
        for doc in docs:
            found.extend(_copies_in_data(doc, str(path.relative_to(REPO))))
    assert not found, "Temaer og undertemaer står kun i ledelsesrum/frame/data/subthemes.yaml:\n" + "\n".join(found)


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


_CODE_PREFIX = re.compile(r"^(?:[1-9][a-z]?[.)]?\s+)")


def _copies_in_python(path: Path) -> Iterator[str]:
    """A label as a string of its own (``"Tid til ledelse"``, ``"3b Tid til ledelse"``; a
    one-word label only with its code) or a dict from sub-theme codes to text. Docstrings and comments may name a label as an example."""
    labels = _labels()
    codes = set(load_frame().codes)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    where = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            text = _norm(node.value)
            # A one-word label alone ("Økonomi") is as likely a unit's name; with its code it is not.
            if (text in labels and " " in text) or (_CODE_PREFIX.match(text) and _CODE_PREFIX.sub("", text) in labels):
                yield f"{where}:{node.lineno}: etiketten »{node.value}«"
        elif isinstance(node, ast.Dict):
            pairs = [(k.value, v) for k, v in zip(node.keys, node.values, strict=True)
                     if isinstance(k, ast.Constant) and k.value in codes]
            if any(isinstance(v, ast.Constant) and isinstance(v.value, str) for _k, v in pairs):
                yield f"{where}:{node.lineno}: en tabel fra undertemakoder til tekst"


def test_no_python_module_carries_the_subtheme_labels():
    found = [hit for path in _files({".py"}) for hit in _copies_in_python(path)]
    assert not found, "Temaer og undertemaer læses fra ledelsesrum.frame, ikke skrevet i koden:\n" + "\n".join(found)


def test_the_guard_finds_the_copies_there_were(tmp_path):
    """The shapes of the three old copies (codebook, item bank, knowledge base) are caught."""
    codebook = {"themes": [{"id": "1", "label": "Motivation og trivsel",
                            "subthemes": [{"id": "1a", "label": "Værdier og omgangstone"}]}]}
    bank = {"themes": {"1": "Motivation og trivsel"}, "subthemes": {"1d": "Råderum og indflydelse"}}
    assert len(list(_copies_in_data(codebook, "kodebog"))) == 2
    assert len(list(_copies_in_data(bank, "spørgebank"))) == 2
    module = tmp_path / "copy.py"
    module.write_text('"""Docstring: "Tid til ledelse" is fine here."""\n'
                      'SUBTHEMES = {"4b": "Tværgående ledelse"}\n'
                      'TITLE = "3b Tid til ledelse"\nUNIT = "Økonomi"\n', encoding="utf-8")
    hits = list(_copies_in_python(module))
    assert len(hits) == 2 and "tabel" in hits[0] and "3b Tid til ledelse" in hits[1], hits


def test_no_template_lists_the_subtheme_labels():
    """A template may show one label as an example in a help text, not a list of them."""
    labels = [label for label in _labels() if len(label.split()) > 1]
    found = []
    for path in _files({".html", ".txt", ".js"}):
        text = _norm(path.read_text(encoding="utf-8"))
        named = [label for label in labels if label in text]
        if len(named) >= 3:
            found.append(f"{path.relative_to(REPO)}: {', '.join(named)}")
    assert not found, "\n".join(found)


# --- every user reads from the frame -----------------------------------------------------------


@pytest.fixture
def changed_frame(tmp_path, monkeypatch):
    """The shipped frame with 3b and theme 6 renamed, loaded in place of the real one; every
    cache that holds frame data is emptied before and after."""
    from ledelsesrum.coding import codebook
    from ledelsesrum.knowledge import base
    from ledelsesrum.surveys import bank

    caches = (load_frame, codebook._default_codebook, bank._default_bank, base._load_default)
    raw = _raw()
    next(s for s in raw["subthemes"] if s["code"] == "3b")["label"] = "Tid til at lede (prøve)"
    next(t for t in raw["themes"] if t["code"] == "6")["label"] = "Borgere og civilsamfund (prøve)"
    path = tmp_path / "subthemes.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.setattr(frame_module, "FRAME_PATH", path)
    for cache in caches:
        cache.cache_clear()
    yield load_frame()
    monkeypatch.undo()
    for cache in caches:
        cache.cache_clear()


def test_the_codebook_takes_codes_labels_themes_and_citations_from_the_frame(changed_frame):
    from ledelsesrum.coding.codebook import load_codebook

    book = load_codebook("default")
    assert [(t.id, t.label) for t in book.themes] == [(t.code, t.label) for t in changed_frame.themes]
    assert [(s.id, s.label, s.theme_id) for s in book.subthemes] == [
        (s.code, s.label, s.theme) for s in changed_frame.subthemes]
    assert book.get("3b").anchor_texts[0].startswith("Tid til at lede (prøve). ")
    assert book.get("4b").citation.lines == "412" and book.themes[0].citation.lines == "371"


def test_the_item_bank_takes_themes_and_subthemes_from_the_frame(changed_frame):
    from ledelsesrum.surveys.bank import load_bank

    bank = load_bank()
    assert bank.subthemes == changed_frame.subtheme_labels()
    assert bank.themes == changed_frame.theme_labels()
    assert {s.subtheme for s in bank.scales} <= set(changed_frame.codes)


def test_the_knowledge_base_takes_labels_from_the_frame(changed_frame):
    from ledelsesrum.knowledge.base import load_entries
    from ledelsesrum.knowledge.cards import theme_label

    entry = next(e for e in load_entries() if e.subthemes and e.subthemes[0] == "3b")
    assert ("3b", "Tid til at lede (prøve)") in entry.subtheme_labels()
    assert theme_label(entry) == "3b Tid til at lede (prøve)"


def test_interviews_and_followup_take_labels_from_the_frame(changed_frame):
    from ledelsesrum.followup.decisions import subtheme_choices
    from ledelsesrum.interviews.themes import all_themes

    refs = {t.id: t.label for t in all_themes()}
    assert refs["3b"] == "Tid til at lede (prøve)" and refs["6"] == "Borgere og civilsamfund (prøve)"
    assert ("3b", "3b) Tid til at lede (prøve)") in subtheme_choices()
