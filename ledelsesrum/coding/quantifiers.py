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
interface text; a study may configure other thresholds for the three middle words
(:func:`scale_from_shares`): "alle" stays every leader (100 %) and "få" at least one, so both keep
their meaning, and the middle thresholds must fall strictly from "langt de fleste" to "nogle".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _


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


# The middle words a study may move; "alle" (= 1.0) and "få" (> 0) are fixed by their meaning.
ADJUSTABLE_WORDS = ("langt de fleste", "mange", "nogle")
ALL_WORD, FEW_WORD = "alle", "få"


class ThresholdError(ValueError):
    """Thresholds that cannot be used; ``errors`` maps a word (or "") to Danish messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(" ".join(m for ms in errors.values() for m in ms))


def default_shares() -> dict[str, float]:
    return {lv.word: lv.min_share for lv in DEFAULT_SCALE.levels if lv.word in ADJUSTABLE_WORDS}


def threshold_errors(shares: Mapping[str, float | None]) -> dict[str, list[str]]:
    """Danish messages per word for thresholds (shares 0..1) of the adjustable words; {} = fine.

    Rules: every adjustable word given has a share strictly between 0 and 1 (0 % belongs to "få",
    100 % to "alle"), and the shares fall strictly: alle > langt de fleste > mange > nogle > få."""
    errors: dict[str, list[str]] = {}
    for word in shares:
        if word not in ADJUSTABLE_WORDS:
            errors.setdefault("", []).append(_("Ukendt kvantor: »%(word)s«.") % {"word": word})
    previous_word, previous = ALL_WORD, 1.0
    for word in ADJUSTABLE_WORDS:
        if word not in shares:  # left out (e.g. not a number): checked against the others only
            continue
        value = shares[word]
        if value is None:
            errors.setdefault(word, []).append(_("Angiv en procentsats for »%(word)s«.") % {"word": word})
            continue
        if not 0 < value < 1:
            errors.setdefault(word, []).append(
                _("»%(word)s« skal ligge over 0 %% og under 100 %%.") % {"word": word}
            )
        elif value >= previous:
            errors.setdefault(word, []).append(
                _("»%(word)s« skal være lavere end »%(above)s« (%(share)s %%).")
                % {"word": word, "above": previous_word, "share": format_percent(previous)}
            )
        if 0 < value < 1:
            previous_word, previous = word, value
    return errors


def scale_from_shares(shares: Mapping[str, float]) -> QuantifierScale:
    """The scale for thresholds of the adjustable words (see :func:`threshold_errors`); missing
    words keep their default. Raises :class:`ThresholdError` with Danish messages."""
    full = {**default_shares(), **dict(shares)}
    errors = threshold_errors(full)
    if errors:
        raise ThresholdError(errors)
    return QuantifierScale.from_thresholds({ALL_WORD: 1.0, **{w: float(full[w]) for w in ADJUSTABLE_WORDS}, FEW_WORD: 0.0})


def format_percent(share: float) -> str:
    """0.4 → "40", 0.375 → "37,5" (Danish decimal comma)."""
    text = f"{share * 100:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def word_ranges(scale: QuantifierScale, total: int) -> list[tuple[str, int, int]]:
    """For ``total`` leaders: (word, lowest count, highest count) per word that can occur, highest
    word first; shows what a scale means for a study of this size."""
    out: list[tuple[str, int, int]] = []
    for count in range(total, 0, -1):
        word = scale.word(count, total)
        if out and out[-1][0] == word:
            out[-1] = (word, count, out[-1][2])
        else:
            out.append((word, count, count))
    return out
