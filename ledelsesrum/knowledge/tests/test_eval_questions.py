"""The search evaluation questions (bench/bench_knowledge.py) are well formed and name real entries."""

from __future__ import annotations

import re
from collections import Counter

import yaml

from ledelsesrum.knowledge.base import ENTRIES_DIR, load_entries

EVAL_PATH = ENTRIES_DIR.parent / "eval_questions.yaml"
# tune, tune2, … may guide tuning; heldout, heldout2, … never do. The bench reports each split.
SPLIT_RE = re.compile(r"^(tune|heldout)\d*$")


def load_questions() -> list[dict]:
    data = yaml.safe_load(EVAL_PATH.read_text(encoding="utf-8"))
    assert data["version"] == 1
    return data["questions"]


def test_questions_are_well_formed():
    questions = load_questions()
    assert questions
    for q in questions:
        assert set(q) == {"q", "answers", "split"}, q
        assert isinstance(q["q"], str) and q["q"].strip(), q
        assert SPLIT_RE.match(q["split"]), f"unknown split {q['split']!r}"
        assert q["answers"] and len(set(q["answers"])) == len(q["answers"]), q


def test_answers_name_existing_entries():
    kb = load_entries()
    unknown = {a for q in load_questions() for a in q["answers"] if a not in kb}
    assert not unknown, sorted(unknown)


def test_no_question_is_asked_twice():
    counts = Counter(q["q"].strip().lower() for q in load_questions())
    assert [q for q, n in counts.items() if n > 1] == []


def test_every_tuning_split_has_a_heldout_partner():
    splits = Counter(q["split"] for q in load_questions())
    assert {"tune", "heldout", "tune2", "heldout2"} <= set(splits)
    for split in splits:
        if split.startswith("tune"):
            assert splits["heldout" + split[len("tune"):]] > 0, split
    assert splits["tune2"] == splits["heldout2"] == 25
