"""The latent-factor answer model: valid codes, realistic reliability, areas that differ."""

import statistics
from dataclasses import dataclass, field

import numpy as np

from ledelsesrum.demo.answers import IDEAS, OCCUPIES, AnswerModel, Profile, cronbach_alpha


@dataclass
class Q:
    code: str
    kind: str = "scale"
    scale_code: str = ""
    reverse_scored: bool = False
    allow_dont_know: bool = True
    options: list = field(default_factory=list)
    text: str = "Et udsagn"


def _questionnaire():
    qs = [
        Q("FAKTA_AAR", "number", text="Hvor mange år har du i alt været leder?"),
        Q("FAKTA_UDD", "choice", text="Hvilken lederuddannelse har du?",
          options=[{"key": k, "label": k.title()} for k in ("ingen", "kurser", "diplom", "master")]),
        Q("FAKTA_OMR", "choice", text="Inden for hvilket område er du leder?",
          options=[{"key": "a1", "label": "Ældre og Pleje"}, {"key": "a2", "label": "Kultur og Fritid"}]),
    ]
    for scale, n in (("TID", 4), ("RAADERUM", 3), ("TRIVSEL", 4)):
        for i in range(n):
            qs.append(Q(f"{scale}{i}", scale_code=scale, reverse_scored=(scale == "TRIVSEL" and i >= 2)))
    qs.append(Q("AABEN01", "open", text="Hvad optager dig mest som leder lige nu?"))
    qs.append(Q("AABEN02", "open", text="Hvilke ideer har du til bedre vilkår for ledelse?"))
    return qs


def _draw(n=400, seed=3):
    qs = _questionnaire()
    model = AnswerModel(qs, seed)
    profiles = [Profile(area=a, level="Leder", years_as_leader=4, span_of_control=20, education="diplom")
                for a in ("Ældre og Pleje", "Kultur og Fritid")] * (n // 2)
    return qs, profiles, [model.answer(p) for p in profiles]


def _positive(q, value):
    return 6 - value if q.reverse_scored else value


def test_every_answer_uses_the_products_encoding():
    qs, _, rows = _draw(100)
    by_code = {q.code: q for q in qs}
    for answers, open_answers in rows:
        for code, value in answers.items():
            q = by_code[code]
            if q.kind == "scale":
                assert value in (0, 1, 2, 3, 4, 5)
            elif q.kind == "choice":
                assert value in {o["key"] for o in q.options}
        assert set(open_answers) <= {"AABEN01", "AABEN02"}


def test_facts_follow_the_leaders_profile():
    _, profiles, rows = _draw(50)
    for profile, (answers, _) in zip(profiles, rows, strict=True):
        assert answers["FAKTA_AAR"] == 4
        assert answers["FAKTA_UDD"] == "diplom"
        assert answers["FAKTA_OMR"] == ("a1" if profile.area == "Ældre og Pleje" else "a2")


def test_cronbachs_alpha_of_each_scale_is_realistic():
    qs, _, rows = _draw(400)
    for scale in ("TID", "RAADERUM", "TRIVSEL"):
        items = [q for q in qs if q.scale_code == scale]
        matrix = [
            [_positive(q, a[q.code]) for q in items]
            for a, _ in rows if all(a.get(q.code) for q in items)
        ]
        alpha = cronbach_alpha(np.array(matrix, dtype=float))
        assert 0.7 <= alpha <= 0.92, (scale, alpha)


def test_scales_correlate_and_areas_differ():
    qs, profiles, rows = _draw(400)

    def mean_of(answers, scale):
        values = [_positive(q, answers[q.code]) for q in qs if q.scale_code == scale and answers.get(q.code)]
        return statistics.mean(values) if values else None

    pairs = [(mean_of(a, "TID"), mean_of(a, "RAADERUM")) for a, _ in rows]
    pairs = [p for p in pairs if None not in p]
    r = np.corrcoef(np.array(pairs).T)[0, 1]
    assert 0.2 < r < 0.8
    # Ældre og Pleje has less time for leadership than Kultur og Fritid (1 = best, so higher = worse).
    elder = [mean_of(a, "TID") for p, (a, _) in zip(profiles, rows, strict=True) if p.area == "Ældre og Pleje"]
    culture = [mean_of(a, "TID") for p, (a, _) in zip(profiles, rows, strict=True) if p.area == "Kultur og Fritid"]
    assert statistics.mean(x for x in elder if x) > statistics.mean(x for x in culture if x) + 0.4


def test_a_few_items_are_dont_know_or_skipped_and_most_are_answered():
    qs, _, rows = _draw(400)
    scale_codes = [q.code for q in qs if q.kind == "scale"]
    cells = len(rows) * len(scale_codes)
    dont_know = sum(1 for a, _ in rows for c in scale_codes if a.get(c) == 0)
    skipped = sum(1 for a, _ in rows for c in scale_codes if c not in a)
    assert 0 < dont_know < 0.05 * cells
    assert 0 < skipped < 0.05 * cells


def test_open_answers_are_varied_danish_from_the_right_pool():
    _, _, rows = _draw(200)
    first = [o["AABEN01"] for _, o in rows if "AABEN01" in o]
    second = [o["AABEN02"] for _, o in rows if "AABEN02" in o]
    assert 0.5 * len(rows) < len(first) < 0.8 * len(rows)
    assert len(set(first)) > 0.8 * len(first)
    assert any(s.rstrip(".") in first[0] or s[:20] in first[0] for s in OCCUPIES)
    assert any(s[:20] in second[0] for s in IDEAS)
    assert len(OCCUPIES) >= 40 and len(IDEAS) >= 40
    assert all("{" not in text for text in first + second)


def test_the_model_is_deterministic_for_a_seed():
    assert _draw(20, seed=5)[2] == _draw(20, seed=5)[2]
