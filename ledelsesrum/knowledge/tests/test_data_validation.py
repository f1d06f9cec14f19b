"""The knowledge data is validated on load: the shipped base is sound, broken data fails clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledelsesrum.knowledge.base import (
    SEED_DOCUMENTS,
    Citation,
    KnowledgeError,
    cited_passage,
    load_entries,
    load_from,
    reflow,
    seeds_dir,
)

DOC = "001_8d322ce7fd8c94ab.txt"

GOOD_ENTRY = """
  - id: {id}
    title: "En post"
    summary: "Et resumé."
    body: "En brødtekst."
    kind: concept
    tags: [test]
    related: {related}
    subthemes: ["2b"]
    citations: {citations}
"""


def write_base(folder: Path, *entries: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "test.yaml").write_text("version: 1\nentries:\n" + "".join(entries), encoding="utf-8")
    return folder


def entry(id_: str = "a", related: str = "[]",
          citations: str = f'[{{document: "{DOC}", lines: [2, 3]}}]') -> str:
    return GOOD_ENTRY.format(id=id_, related=related, citations=citations)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / DOC).write_text("".join(f"linje {n}\n" for n in range(1, 11)), encoding="utf-8")
    return folder


def test_the_shipped_base_validates_with_well_over_a_hundred_entries():
    kb = load_entries()
    assert len(kb) > 150
    assert all(e.citations for e in kb)
    assert {c.document for e in kb for c in e.citations} <= set(SEED_DOCUMENTS)


def test_every_shipped_citation_lies_within_its_seed_file():
    folder = seeds_dir()
    if folder is None:
        pytest.skip("the seeds folder is not on this machine")
    kb = load_entries()
    for e in kb:
        for c in e.citations:
            passage = cited_passage(c, folder)
            assert passage.strip(), f"{e.id} cites empty lines {c.label}"


def test_a_small_valid_base_loads(tmp_path, seeds):
    kb = load_from(write_base(tmp_path / "d", entry("a"), entry("b", related="[a]")), seeds)
    assert [e.id for e in kb] == ["a", "b"]
    assert [r.id for r in kb.related(kb.get("a"))] == ["b"]  # links work both ways


def test_a_broken_link_fails_with_a_clear_message(tmp_path, seeds):
    with pytest.raises(KnowledgeError) as err:
        load_from(write_base(tmp_path / "d", entry("a", related="[findes-ikke]")), seeds)
    assert "henviser til 'findes-ikke', som ikke findes" in str(err.value)


def test_an_entry_without_citations_fails(tmp_path, seeds):
    with pytest.raises(KnowledgeError) as err:
        load_from(write_base(tmp_path / "d", entry("a", citations="[]")), seeds)
    assert "post 'a': posten har ingen kildehenvisning" in str(err.value)


def test_a_citation_beyond_the_end_of_the_file_fails(tmp_path, seeds):
    with pytest.raises(KnowledgeError) as err:
        load_from(write_base(tmp_path / "d", entry(citations=f'[{{document: "{DOC}", lines: [9, 11]}}]')),
                  seeds)
    assert f"linje 11 findes ikke i {DOC}, som kun har 10 linjer" in str(err.value)


def test_reversed_lines_an_unknown_document_and_duplicate_ids_are_all_reported(tmp_path, seeds):
    bad = entry("a", citations=f'[{{document: "{DOC}", lines: [5, 4]}}, {{document: "999_x.txt", lines: [1, 1]}}]')
    with pytest.raises(KnowledgeError) as err:
        load_from(write_base(tmp_path / "d", bad, entry("a")), seeds)
    problems = err.value.problems
    assert any("ikke et gyldigt interval" in p for p in problems)
    assert any("ukendt kildedokument '999_x.txt'" in p for p in problems)
    assert any("Id'et 'a' bruges to gange" in p for p in problems)


def test_unknown_kind_and_subtheme_fail(tmp_path, seeds):
    text = entry("a").replace("kind: concept", "kind: opskrift").replace('["2b"]', '["9z"]')
    with pytest.raises(KnowledgeError) as err:
        load_from(write_base(tmp_path / "d", text), seeds)
    assert any("ukendt type 'opskrift'" in p for p in err.value.problems)
    assert any("ukendt undertema '9z'" in p for p in err.value.problems)


def test_without_a_seeds_folder_lines_are_not_checked_but_names_are(tmp_path):
    kb = load_from(write_base(tmp_path / "d", entry(citations=f'[{{document: "{DOC}", lines: [1, 99999]}}]')),
                   None)
    assert len(kb) == 1
    with pytest.raises(KnowledgeError):
        load_from(write_base(tmp_path / "e", entry(citations='[{document: "ukendt.txt", lines: [1, 1]}]')),
                  None)


def test_cited_passage_returns_exactly_the_cited_lines(seeds):
    assert cited_passage(Citation(DOC, 3, 5), seeds) == "linje 3\nlinje 4\nlinje 5"
    assert cited_passage(Citation(DOC, 3, 5), seeds / "mangler") == ""


def test_reflow_joins_hard_wrapped_lines_into_paragraphs():
    assert reflow("Første for-\nløb er\nfint.\n\nNy del") == "Første forløb er fint.\n\nNy del"


def test_the_seeds_folder_can_be_set_by_environment(monkeypatch, seeds):
    monkeypatch.setenv("LEDELSESRUM_SEEDS_DIR", str(seeds))
    assert seeds_dir() == seeds
