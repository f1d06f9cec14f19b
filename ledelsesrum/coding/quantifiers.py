"""The report's words for how many leaders voiced something (seed 004: "alle", "langt de fleste",
"mange", "nogle", "få" ledere).

Defaults (share of the leaders interviewed who voiced the sub-theme):

==================  =================
word                share
==================  =================
alle                100 %
langt de fleste     ≥ 75 %
mange               ≥ 40 %
nogle               ≥ 15 %
få                  > 0 %
(ingen)             0
==================  =================

The words are the method's vocabulary (the report quotes them), so they are data here, not
interface text; a study may configure other thresholds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    word: str
    min_share: float  # inclusive lower bound, 0..1


@dataclass(frozen=True)
class QuantifierScale:
    """Levels from the highest threshold down; "alle" needs every leader, "få" at least one."""

    levels: tuple[Level, ...] = (
        Level("alle", 1.0),
        Level("langt de fleste", 0.75),
        Level("mange", 0.40),
        Level("nogle", 0.15),
        Level("få", 0.0),
    )
    none_word: str = "ingen"

    def __post_init__(self) -> None:
        shares = [lv.min_share for lv in self.levels]
        if not self.levels or any(not 0 <= s <= 1 for s in shares):
            raise ValueError("Tærsklerne skal ligge mellem 0 og 1.")
        if shares != sorted(shares, reverse=True) or len(set(shares)) != len(shares):
            raise ValueError("Tærsklerne skal være forskellige og stå i faldende orden.")

    def word(self, count: int, total: int) -> str:
        """The word for ``count`` of ``total`` leaders."""
        if total <= 0 or count < 0 or count > total:
            raise ValueError("Antallet skal ligge mellem 0 og det samlede antal ledere.")
        if count == 0:
            return self.none_word
        share = count / total
        for level in self.levels:
            if share >= level.min_share:
                return level.word
        return self.levels[-1].word

    def phrase(self, count: int, total: int, noun: str = "ledere") -> str:
        """E.g. "langt de fleste ledere (12 af 14)"."""
        return f"{self.word(count, total)} {noun} ({count} af {total})"

    @classmethod
    def from_thresholds(cls, thresholds: Sequence[tuple[str, float]] | dict[str, float]) -> QuantifierScale:
        """Build from ``{"alle": 1.0, "langt de fleste": 0.8, ...}`` or pairs; sorted for you."""
        items = thresholds.items() if isinstance(thresholds, dict) else thresholds
        levels = sorted((Level(w, float(s)) for w, s in items), key=lambda lv: -lv.min_share)
        return cls(levels=tuple(levels))


DEFAULT_SCALE = QuantifierScale()


def quantifier(count: int, total: int, scale: QuantifierScale = DEFAULT_SCALE) -> str:
    return scale.word(count, total)
