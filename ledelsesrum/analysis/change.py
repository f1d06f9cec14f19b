"""Change between two rounds of a study, per scale and group, from the two stored releases only.

``compare(earlier, later)`` takes the payloads of two releases (``release.released_results``) and
nothing else: every figure it uses — n, scale score and the overall standard deviation — was
already published in one of the two releases, so the change table can disclose nothing the two
results pages do not already show (docs/anonymity.md, "Change between rounds").

Per scale and per group (same group key in both rounds):

- **delta** = score after − score before (0–100, 100 always the positive end), shown only when
  *both* cells are published with answers. When either cell is withheld, the whole row carries no
  number at all (not even the side that is published in its own round), only the reason.
- **test**: Welch's t-test on the two independent samples (respondents are anonymous, so the
  rounds cannot be paired), computed from (mean, sd, n). A release publishes a scale's sd for the
  total only (docs/results-format.md); a group's test therefore uses the total's sd of the same
  round (``sd_source = "total"``). On average that is conservative: total variance = mean
  within-group variance + variance between the groups.
- **multiple comparisons**: Benjamini–Hochberg (false discovery rate ``ALPHA``) within each
  breakdown — the totals of all scales are one family, the areas of all scales another, and so on.
  Holm (family-wise error) would make a table with dozens of units almost never show a change; a
  board reads the table as "where did something move", which is what the FDR controls.
- **verdict**: ``better`` / ``worse`` when the adjusted p < ``ALPHA``, else ``no_change``;
  ``not_tested`` when no sd is published or a side has n < 2; ``withheld``, ``no_answers`` or
  ``not_comparable`` (group or scale in one round only) when there is no delta.

Pure: no request objects. ``rounds_for`` / ``change_for_study`` read rounds and releases from the
database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

if TYPE_CHECKING:
    from ledelsesrum.studies.models import Round, Study

FORMAT = "ledelsesrum.change/1"
ALPHA = 0.05
CORRECTION = "benjamini-hochberg"

BETTER = "better"
WORSE = "worse"
NO_CHANGE = "no_change"
NOT_TESTED = "not_tested"
WITHHELD = "withheld"
NO_ANSWERS = "no_answers"
NOT_COMPARABLE = "not_comparable"

VERDICT_TEXT = {
    BETTER: gettext_noop("Tydelig forbedring"),
    WORSE: gettext_noop("Tydelig forværring"),
    NO_CHANGE: gettext_noop("Ingen sikker ændring"),
    NOT_TESTED: gettext_noop("Kan ikke testes"),
    WITHHELD: gettext_noop("Skjult i en af runderne"),
    NO_ANSWERS: gettext_noop("Ingen svar i en af runderne"),
    NOT_COMPARABLE: gettext_noop("Ikke sammenlignelig"),
}
# Text, not colour alone: every verdict has a word and an arrow.
VERDICT_ARROW = {BETTER: "↑", WORSE: "↓", NO_CHANGE: "→"}


class ChangeError(Exception):
    """Two releases that cannot be compared; the message is Danish and meant for the user."""


def verdict_text(code: str) -> str:
    return _(VERDICT_TEXT.get(code, code))


# --- statistics --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Welch:
    t: float
    df: float
    p: float


def welch_from_stats(mean1: float, sd1: float, n1: int, mean2: float, sd2: float,
                     n2: int) -> Welch | None:
    """Welch's two-sided t-test from summary statistics; None when it is undefined."""
    from scipy.stats import t as t_dist

    if n1 < 2 or n2 < 2:
        return None
    v1 = sd1 * sd1 / n1
    v2 = sd2 * sd2 / n2
    se2 = v1 + v2
    if se2 <= 0:
        return None  # both samples constant: no variance to test against
    t = (mean2 - mean1) / math.sqrt(se2)
    df = se2 * se2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    p = float(2.0 * t_dist.sf(abs(t), df))
    return Welch(t=t, df=df, p=min(1.0, p))


def benjamini_hochberg(pvalues: list[float]) -> list[float]:
    """Adjusted p-values (step-up, monotone, capped at 1) in the input order."""
    from scipy.stats import false_discovery_control

    if not pvalues:
        return []
    return [float(p) for p in false_discovery_control(pvalues, method="bh")]


# --- the change table --------------------------------------------------------------------------


def _round_info(payload: dict) -> dict:
    rnd = payload.get("round", {})
    return {"id": rnd.get("id"), "number": rnd.get("number"), "kind": rnd.get("kind"),
            "closed_at": rnd.get("closed_at")}


def _groups(payload: dict) -> dict[str, tuple[str, dict]]:
    """group key → (breakdown key, group) for one release."""
    return {g["key"]: (b["key"], g) for b in payload.get("breakdowns", []) for g in b["groups"]}


def _ordered_breakdowns(earlier: dict, later: dict) -> list[dict]:
    """The later release's breakdowns and groups, then groups found only in the earlier one."""
    seen: set[str] = set()
    out: list[dict] = []
    index: dict[str, dict] = {}
    entry: dict[str, Any] | None
    for b in later.get("breakdowns", []):
        entry = {"key": b["key"], "label": b["label"], "groups": []}
        index[b["key"]] = entry
        out.append(entry)
        for g in b["groups"]:
            entry["groups"].append(_group_info(g))
            seen.add(g["key"])
    for b in earlier.get("breakdowns", []):
        entry = index.get(b["key"])
        if entry is None:
            entry = {"key": b["key"], "label": b["label"], "groups": []}
            index[b["key"]] = entry
            out.append(entry)
        for g in b["groups"]:
            if g["key"] not in seen:
                entry["groups"].append(_group_info(g))
                seen.add(g["key"])
    return out


def _group_info(g: dict) -> dict:
    return {"key": g["key"], "label": g["label"], "depth": g.get("depth"),
            "parent": g.get("parent")}


def _published(cell: dict | None) -> bool:
    if not cell:
        return False
    return not cell.get("withheld") and cell.get("n") is not None


def _compare_cells(row: dict, cb: dict | None, ca: dict | None,
                   total_sds: tuple[float | None, float | None]) -> float | None:
    """Fill ``row`` from a group's cell before (``cb``) and after (``ca``); the Welch test's p when
    the change was tested (its verdict then waits for the family's adjustment), else None.
    ``total_sds`` stand in for a cell without its own standard deviation."""
    if cb is None or ca is None:
        row["verdict"] = NOT_COMPARABLE
        return None
    if not (_published(cb) and _published(ca)):
        # Strict: no figure of the row, not even the side published in its own round.
        row["verdict"] = WITHHELD
        row["reason_before"] = cb.get("reason") if cb.get("withheld") else None
        row["reason_after"] = ca.get("reason") if ca.get("withheld") else None
        return None
    if cb["mean"] is None or ca["mean"] is None:
        row["verdict"] = NO_ANSWERS
        return None
    row.update(n_before=cb["n"], n_after=ca["n"], score_before=cb["mean"],
               score_after=ca["mean"],
               delta=round(ca["mean"] - cb["mean"], 1))
    sd_b, sd_a, source = cb.get("sd"), ca.get("sd"), "own"
    if sd_b is None or sd_a is None:
        (sd_b, sd_a), source = total_sds, "total"
    test = None
    if sd_b is not None and sd_a is not None:
        test = welch_from_stats(cb["mean"], sd_b, cb["n"], ca["mean"], sd_a, ca["n"])
    if test is None:
        row["verdict"] = NOT_TESTED
        return None
    row.update(t=round(test.t, 3), df=round(test.df, 1), p=test.p, sd_source=source)
    return test.p


def _verdicts_by_family(tested: list[tuple[str, dict, float]], alpha: float) -> None:
    """Benjamini–Hochberg within each breakdown (family); the tested rows get their verdicts."""
    families: dict[str, list[tuple[dict, float]]] = {}
    for family, row, p in tested:
        families.setdefault(family, []).append((row, p))
    for members in families.values():
        adjusted = benjamini_hochberg([p for _row, p in members])
        for (row, p), q in zip(members, adjusted, strict=True):
            row["p"] = _round_p(p)
            row["p_adjusted"] = _round_p(q)
            if q < alpha and row["delta"] != 0:
                row["verdict"] = BETTER if row["delta"] > 0 else WORSE
            else:
                row["verdict"] = NO_CHANGE


def compare(earlier: dict, later: dict, *, alpha: float = ALPHA) -> dict[str, Any]:
    """The change table between two released results (payloads of ``analysis.release``)."""
    if earlier.get("study", {}).get("id") != later.get("study", {}).get("id"):
        raise ChangeError(_("Runderne hører til forskellige undersøgelser og kan ikke sammenlignes."))
    before_round, after_round = _round_info(earlier), _round_info(later)
    if before_round["kind"] != "main" or after_round["kind"] != "main":
        raise ChangeError(_("Kun hovedrunder kan sammenlignes (pilotrunder indgår ikke)."))
    if (before_round["number"] or 0) >= (after_round["number"] or 0):
        raise ChangeError(_("Vælg en tidligere runde som »fra« og en senere runde som »til«."))

    groups_before, groups_after = _groups(earlier), _groups(later)
    scales_before = {s["code"]: s for s in earlier.get("scales", [])}
    scales_after = {s["code"]: s for s in later.get("scales", [])}
    order = [s["code"] for s in later.get("scales", [])]
    order += [c for c in scales_before if c not in scales_after]
    breakdowns = _ordered_breakdowns(earlier, later)

    scales_out: list[dict] = []
    tested: list[tuple[str, dict, float]] = []  # (family, row, p)
    for code in order:
        sb, sa = scales_before.get(code), scales_after.get(code)
        meta = sa or sb or {}
        total_sd_before = _total_sd(sb)
        total_sd_after = _total_sd(sa)
        rows = []
        for b in breakdowns:
            for g in b["groups"]:
                key = g["key"]
                row = _empty_row(b["key"], g)
                if sb is None or sa is None or key not in groups_before or key not in groups_after:
                    row["verdict"] = NOT_COMPARABLE
                    rows.append(row)
                    continue
                p = _compare_cells(row, sb["cells"].get(key), sa["cells"].get(key),
                                   (total_sd_before, total_sd_after))
                if p is not None:
                    tested.append((b["key"], row, p))
                rows.append(row)
        scales_out.append({
            "code": code, "title": meta.get("title") or code, "subtheme": meta.get("subtheme"),
            "k_before": sb.get("k") if sb else None, "k_after": sa.get("k") if sa else None,
            "rows": rows,
        })

    _verdicts_by_family(tested, alpha)
    return {
        "format": FORMAT,
        "study": dict(later.get("study", {})),
        "from_round": before_round,
        "to_round": after_round,
        "thresholds": {"from": (earlier.get("thresholds") or {}).get("k"),
                       "to": (later.get("thresholds") or {}).get("k")},
        "alpha": alpha,
        "correction": CORRECTION,
        "breakdowns": breakdowns,
        "scales": scales_out,
    }


def _total_sd(scale: dict | None) -> float | None:
    if not scale:
        return None
    cell = scale["cells"].get("total")
    return cell.get("sd") if _published(cell) else None


def _round_p(p: float) -> float:
    return float(f"{p:.4g}")


def _empty_row(breakdown: str, g: dict) -> dict[str, Any]:
    return {
        "breakdown": breakdown, "group_key": g["key"], "group": g["label"],
        "depth": g.get("depth"),
        "n_before": None, "n_after": None, "score_before": None, "score_after": None,
        "delta": None, "t": None, "df": None, "p": None, "p_adjusted": None, "sd_source": None,
        "verdict": None, "reason_before": None, "reason_after": None,
    }


def overall_by_scale(table: dict) -> dict[str, dict]:
    """scale code → the row of the whole population ("total") of a change table."""
    out = {}
    for scale in table["scales"]:
        for row in scale["rows"]:
            if row["group_key"] == "total":
                out[scale["code"]] = {**row, "title": scale["title"]}
    return out


# --- rounds and releases -----------------------------------------------------------------------


def closed_main_rounds(study: Study) -> list[Round]:
    """The study's closed main rounds, oldest first."""
    from ledelsesrum.studies.models import Round

    return list(Round.objects.filter(study=study, kind=Round.Kind.MAIN,
                                     status=Round.Status.CLOSED).order_by("number"))


def rounds_for(study: Study, from_number: int | None = None,
               to_number: int | None = None) -> tuple[Round, Round]:
    """(earlier, later) closed main rounds; default the last two. Raises ChangeError."""
    rounds = closed_main_rounds(study)
    by_number = {r.number: r for r in rounds}
    if len(rounds) < 2:
        raise ChangeError(_("Der er endnu kun én afsluttet runde. Udviklingen kan vises, når en "
                            "ny runde er afsluttet."))
    later = by_number.get(to_number) if to_number is not None else rounds[-1]
    if later is None:
        raise ChangeError(_("Runde %(n)s findes ikke eller er ikke afsluttet.") % {"n": to_number})
    if from_number is None:
        earlier_candidates = [r for r in rounds if r.number < later.number]
        earlier = earlier_candidates[-1] if earlier_candidates else None
        if earlier is None:
            raise ChangeError(_("Der er ingen afsluttet runde før runde %(n)s.")
                              % {"n": later.number})
    else:
        earlier = by_number.get(from_number)
        if earlier is None:
            raise ChangeError(_("Runde %(n)s findes ikke eller er ikke afsluttet.")
                              % {"n": from_number})
    if earlier.number >= later.number:
        raise ChangeError(_("Vælg en tidligere runde som »fra« og en senere runde som »til«."))
    return earlier, later


def change_for_rounds(earlier: Round, later: Round) -> dict[str, Any]:
    """The change table of two closed rounds, from their releases (computed once if missing)."""
    from .release import released_results

    return compare(released_results(earlier), released_results(later))


def change_for_study(study: Study, from_number: int | None = None,
                     to_number: int | None = None) -> dict[str, Any]:
    earlier, later = rounds_for(study, from_number, to_number)
    return change_for_rounds(earlier, later)


def latest_overall_change(study: Study, *, compute_missing: bool = True) -> dict[str, dict] | None:
    """scale code → overall change between the last two closed main rounds; None with < 2 rounds.

    With ``compute_missing=False`` only already stored releases are used (None if one is missing).
    """
    from .release import stored_release

    rounds = closed_main_rounds(study)
    if len(rounds) < 2:
        return None
    earlier, later = rounds[-2], rounds[-1]
    if not compute_missing:
        first, second = stored_release(earlier), stored_release(later)
        if first is None or second is None:
            return None
        return overall_by_scale(compare(first.payload, second.payload))
    return overall_by_scale(change_for_rounds(earlier, later))
