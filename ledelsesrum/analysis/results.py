"""The results of a round: computed once, disclosure control applied, rendered by every channel.

``compute_results(round)`` returns one JSON-able dict (layout in ``docs/results-format.md``). The
results page, the CSV/XLSX/JSON exports and ``ledelsesrum results`` all render from it and never
from the database, so there is exactly one place where a figure can be withheld: here.

This module loads a closed round and shapes the payload; *what* may be published is decided by
``ledelsesrum.disclosure.policy.decide`` (every rule, Django-free) and the payload is checked
afterwards by ``ledelsesrum.disclosure.audit`` (independent of the policy; the release fails
closed on a finding). The model, in brief (docs/anonymity.md has the whole of it):

* **Atoms** are the distinct combinations of (unit, area, level, seniority band, span band) of
  the round's frozen membership. Every published group ("cell") is a union of atoms, so every
  published count, sum and distribution is a linear function of atom figures.
* **The unit tree is frozen per round** (``Round.unit_tree``, taken at launch): a reorganisation
  after the release changes no group of an old round.
* **Earlier releases** of the round (``prior``) are the attacker's knowledge: a new release (a
  threshold raised) may only withhold more than they did.
* **Reasons** are not figures: every withheld figure has the one reason ``withheld`` (a reason
  such as "everyone answered the same" or "fewer than k" would itself tell the attacker
  something); only ``no_answers`` (n = 0, itself a published count) and ``total_only`` (a fixed
  rule of the layout) are distinguished.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from scipy import sparse

from ledelsesrum.disclosure import audit as disclosure_audit
from ledelsesrum.disclosure import policy
from ledelsesrum.disclosure.suppression import CannotProtect, Cell
from ledelsesrum.lib import segments

from . import stats

log = logging.getLogger(__name__)

FORMAT = "ledelsesrum.results/1"
BREAKDOWN_KEYS = ("area", "level", "seniority_band", "span_band", "unit")
_SEGMENT_FIELDS = ("unit_id", "area", "level", "seniority_band", "span_band")

# Reason codes in the payload (the renderers translate them; see REASON_TEXT).
R_WITHHELD = "withheld"  # withheld to protect anonymity (the one reason for any withheld figure)
R_NO_ANSWERS = "no_answers"  # nobody in the group answered (n = 0 is itself published)
R_TOTAL_ONLY = "total_only"  # five-category figures and sd are shown for the total only
PUBLIC_REASONS = frozenset({R_WITHHELD, R_NO_ANSWERS, R_TOTAL_ONLY})

REASON_TEXT = {
    R_WITHHELD: "Skjult af hensyn til anonymiteten",
    R_NO_ANSWERS: "Ingen svar",
    R_TOTAL_ONLY: "Vises kun for alle svar samlet",
}

_GRAD_BANDS = ["I høj grad", "I nogen grad", "I lav grad"]


class ResultsNotReleased(Exception):
    """The round is not closed: results are released when it closes (ANONYMITY.md)."""

    def __init__(self, round_obj: Any = None) -> None:
        self.round = round_obj
        super().__init__(
            _("Resultaterne frigives, når runden er afsluttet. Indtil da vises kun svarprocenter.")
        )


class DisclosureError(Exception):
    """The audit found a figure that could be worked out; nothing new is published."""

    def __init__(self, findings: Sequence[Any], message: str | None = None) -> None:
        self.findings = list(findings)
        super().__init__(message or (
            _("Resultaterne kan ikke vises sikkert (anonymitetskontrollen fandt %(n)s problem(er)).")
            % {"n": len(self.findings)}
        ))


# ---------------------------------------------------------------------------------------------
# Public API


def compute_results(
    round,
    *,
    include_open_answers: bool = False,
    audit: bool = True,
    diagnostics: dict | None = None,
    progress: Any = None,
    prior: Sequence[dict] = (),
) -> dict:
    """All results of a CLOSED round, with disclosure control applied. See the module docstring.

    ``prior``: the payloads of the round's earlier releases (everything ever published); the new
    payload withholds everything they withheld and is audited together with them.
    ``audit=False`` skips the final audit (only benchmarks do). ``diagnostics``: a dict filled
    with sizes and timings. Raises ``ResultsNotReleased`` for a round that is not closed and
    ``DisclosureError`` when the audit finds anything derivable.
    """
    from ledelsesrum.studies.models import Round

    if round is None or round.status != Round.Status.CLOSED:
        raise ResultsNotReleased(round)
    builder = _Builder(round, round.study)
    builder.progress = progress
    try:
        result = builder.build(prior=prior)
    except CannotProtect as exc:
        raise DisclosureError([], _(
            "Tal, der allerede er frigivet, ville sammen med en ny frigivelse afsløre en lille "
            "gruppe. Den nye frigivelse er afvist; den tidligere gælder fortsat."
        )) from exc
    if include_open_answers:
        result["open_answers"] = open_answers(round)
    if audit:
        started = time.perf_counter()
        report = builder.run_audit(result, prior)
        builder.timings["audit"] = time.perf_counter() - started
        result["audit"] = report.summary()
    result["audited"] = bool(audit)
    if diagnostics is not None:
        diagnostics.update({
            "respondents": builder.n_responses,
            "items": len(builder.items),
            "atoms": builder.n_atoms,
            "cells": len(builder.keys),
            "protect_runs": builder.protect_runs,
            "timings": dict(builder.timings),
        })
    return result


def latest_closed_round(study, kind: str = "main"):
    """The study's latest closed round of ``kind`` (results are released only when closed)."""
    from ledelsesrum.studies.models import Round

    return (
        Round.objects.filter(study=study, kind=kind, status=Round.Status.CLOSED)
        .order_by("-number")
        .first()
    )


def reason_text(code: str | None, k: int | None = None) -> str:
    if not code:
        return ""
    return _(REASON_TEXT.get(code, REASON_TEXT[R_WITHHELD])).format(k=k if k is not None else "k")


def prior_from_payloads(payloads: Sequence[dict]) -> policy.Prior | None:
    """What every earlier release showed: a figure counts as shown only if all of them showed it."""
    if not payloads:
        return None
    prior = policy.Prior()

    def meet(current: set[str] | None, new: set[str]) -> set[str]:
        return set(new) if current is None else current & new

    def published(cells: dict, figure: str) -> set[str]:
        return {key for key, cell in cells.items() if cell.get(figure) is not None}

    counts: set[str] | None = None
    for payload in payloads:
        shown = {g["key"] for b in payload.get("breakdowns", []) for g in b["groups"]
                 if g["responses"].get("n") is not None}
        counts = meet(counts, shown)
        for item in payload.get("items", []):
            code = item["code"]
            cells = item["cells"]
            prior.item_n[code] = meet(prior.item_n.get(code), published(cells, "n"))
            prior.item_mean[code] = meet(prior.item_mean.get(code), published(cells, "mean"))
            prior.item_dist[code] = meet(prior.item_dist.get(code), published(cells, "distribution"))
            total = cells.get("total") or {}
            five = bool(total.get("distribution") and total["distribution"].get("bands") == 5)
            prior.item_five[code] = prior.item_five.get(code, True) and five
        for scale in payload.get("scales", []):
            code = scale["code"]
            cells = scale["cells"]
            prior.scale_n[code] = meet(prior.scale_n.get(code), published(cells, "n"))
            prior.scale_mean[code] = meet(prior.scale_mean.get(code), published(cells, "mean"))
    prior.counts = counts
    return prior


# ---------------------------------------------------------------------------------------------
# The builder


@dataclass
class _Group:
    key: str
    label: str
    breakdown: str
    atoms: np.ndarray  # indices of atoms in the group
    parent: str | None = None
    depth: int = 0


@dataclass
class _Item:
    code: str
    text: str
    scale_code: str
    subtheme: str
    reverse: bool
    sensitive: bool
    response_scale: str
    column: int
    labels: list[str] = field(default_factory=list)


class _ItemFigures:
    """Every figure of one item for all cells at once (vectorised), as plain Python lists."""

    def __init__(self, counts: np.ndarray, reverse: bool) -> None:
        cats = np.arange(1, stats.N_CATEGORIES + 1, dtype=np.float64)
        n = counts.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (counts @ cats) / n
            var = (counts @ (cats * cats) - n * mean * mean) / (n - 1)
        mean_100 = (mean - 1.0) / 4.0 * 100.0 if reverse else (5.0 - mean) / 4.0 * 100.0
        icounts = np.rint(counts).astype(np.int64)
        bands = np.stack([icounts[:, [c - 1 for c in band]].sum(axis=1)
                          for band in stats.THREE_BANDS], axis=1)
        self.n = np.rint(n).astype(np.int64).tolist()
        self.mean = mean.tolist()
        self.mean_100 = mean_100.tolist()
        self.sd = np.sqrt(np.maximum(var, 0.0)).tolist()
        self.counts = icounts.tolist()
        self.bands = bands.tolist()


class _Builder:
    def __init__(self, round, study) -> None:
        self.round = round
        self.study = study
        self.thresholds = policy.Thresholds(
            k=int(study.anonymity_threshold),
            sensitive=max(int(study.sensitive_threshold), int(study.anonymity_threshold)),
            open_text=int(study.open_text_threshold),
        )
        self.k = self.thresholds.k
        self.progress: Any = None  # callable(done, total, message) or None
        self.timings: dict[str, float] = {}
        self.protect_runs = 0

    def _tick(self, name: str, started: float) -> float:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - started
        return now

    # -- loading -------------------------------------------------------------------------------
    def _load_items(self) -> None:
        from ledelsesrum.surveys.models import Question

        rows = (
            Question.objects.filter(questionnaire__study_id=self.study.pk, kind=Question.Kind.SCALE)
            .order_by("section__position", "position", "id")
            .values_list(
                "code", "text", "scale_code", "subtheme", "reverse_scored", "sensitive",
                "response_scale",
            )
        )
        labels = _response_scale_labels()
        self.items = [
            _Item(code, text, scale_code or "", subtheme or "", bool(rev), bool(sens),
                  rscale or "grad5", i, labels.get(rscale or "grad5", labels.get("grad5", [])))
            for i, (code, text, scale_code, subtheme, rev, sens, rscale) in enumerate(rows)
        ]

    def _load_responses(self) -> None:
        from ledelsesrum.surveys.models import Response

        # One query. The answers come as JSON text and are parsed in one json.loads call:
        # several times faster than decoding 50,000 JSON values one by one.
        rows = list(
            Response.objects.filter(round_id=self.round.pk, submitted_at__isnull=False)
            .order_by()
            .annotate(answers_text=Cast("answers", TextField()))
            .values_list("answers_text", *_SEGMENT_FIELDS)
        )
        self.n_responses = len(rows)
        codes = [item.code for item in self.items]
        parsed = json.loads("[" + ",".join(r[0] or "{}" for r in rows) + "]")
        self.matrix = _answer_matrix(parsed, codes)
        # Atoms: distinct segment combinations among respondents.
        atom_of: dict[tuple, int] = {}
        index = np.empty(len(rows), dtype=np.int64)
        for i, row in enumerate(rows):
            seg = tuple(row[1:])
            a = atom_of.get(seg)
            if a is None:
                a = atom_of[seg] = len(atom_of)
            index[i] = a
        self.atom_index = index
        self.atoms: list[tuple] = list(atom_of)
        self.n_atoms = len(self.atoms)

    # -- groups --------------------------------------------------------------------------------
    def _build_groups(self) -> None:
        from ledelsesrum.studies.rounds import frozen_unit_tree

        atoms = self.atoms
        all_atoms = np.arange(self.n_atoms)
        groups: list[_Group] = [_Group("total", _("Alle"), "total", all_atoms)]
        breakdowns: dict[str, list[_Group]] = {"total": [groups[0]]}
        relations: list[tuple[str, list[str]]] = []
        not_given = _("Ikke oplyst")

        for pos, field_name in enumerate(_SEGMENT_FIELDS[1:], start=1):
            values: dict[str, list[int]] = {}
            for a, seg in enumerate(atoms):
                values.setdefault(seg[pos] or "", []).append(a)
            order = _value_order(field_name, values)
            table = [
                _Group(f"{field_name}:{v}", v or not_given, field_name,
                       np.asarray(values[v], dtype=np.int64))
                for v in order
            ]
            breakdowns[field_name] = table
            groups.extend(table)
            relations.append(("total", [g.key for g in table]))

        # Units as a tree — the round's frozen tree, not today's: a unit's cell is every
        # response in its subtree as it was when the round was launched.
        tree = frozen_unit_tree(self.round)
        parents = {uid: parent for uid, (parent, _name) in tree.items()}
        names = {uid: name for uid, (_parent, name) in tree.items()}
        members: dict[int, list[int]] = {}
        no_unit: list[int] = []
        direct: set[int] = set()
        for a, seg in enumerate(atoms):
            uid = seg[0]
            if uid is None or uid not in parents:
                no_unit.append(a)
                continue
            direct.add(uid)
            node: int | None = uid
            seen: set[int] = set()
            while node is not None and node not in seen:
                seen.add(node)
                members.setdefault(node, []).append(a)
                node = parents.get(node)
        children: dict[int | None, list[int]] = {}
        for uid in members:
            p = parents.get(uid)
            children.setdefault(p if p in members else None, []).append(uid)
        for lst in children.values():
            lst.sort(key=lambda u: (names.get(u, ""), u))
        unit_table: list[_Group] = []

        def walk(uid: int, depth: int, parent_key: str | None) -> None:
            key = f"unit:{uid}"
            unit_table.append(
                _Group(key, names.get(uid, str(uid)), "unit",
                       np.asarray(sorted(members[uid]), dtype=np.int64), parent_key, depth)
            )
            kids = children.get(uid, [])
            if kids:
                # The parent equals its children exactly only when nobody is placed directly in it.
                if uid not in direct:
                    relations.append((key, [f"unit:{c}" for c in kids]))
                for c in kids:
                    walk(c, depth + 1, key)

        for root in children.get(None, []):
            walk(root, 0, None)
        if no_unit:
            unit_table.append(
                _Group("unit:none", _("Ingen enhed"), "unit", np.asarray(no_unit, dtype=np.int64))
            )
        if unit_table:
            relations.append(("total", [g.key for g in unit_table if g.depth == 0]))
        breakdowns["unit"] = unit_table
        groups.extend(unit_table)

        self.groups = groups
        self.breakdowns = breakdowns
        self.relations = relations
        self.keys = [g.key for g in groups]
        self.key_index = {key: i for i, key in enumerate(self.keys)}
        # Sparse incidence cells × atoms for aggregating atom figures to groups.
        indptr = np.cumsum([0] + [len(g.atoms) for g in groups])
        indices = np.concatenate([g.atoms for g in groups]) if groups else np.zeros(0, np.int64)
        self.incidence = sparse.csr_matrix(
            (np.ones(indices.size), indices, indptr), shape=(len(groups), self.n_atoms))

    # -- per-atom data for the policy ----------------------------------------------------------
    def _atom_data(self) -> tuple[np.ndarray, list[policy.ItemData], list[policy.ScaleData]]:
        n_items = len(self.items)
        responses = np.bincount(self.atom_index, minlength=self.n_atoms).astype(np.int64)
        item_data: list[policy.ItemData] = []
        if n_items:
            V = self.matrix_int  # respondents × items, 0..5
            flat = (self.atom_index[:, None] * (n_items * 6) + np.arange(n_items)[None, :] * 6 + V)
            self.atom_cat = np.bincount(flat.ravel(), minlength=self.n_atoms * n_items * 6).reshape(
                self.n_atoms, n_items, 6).astype(np.int64)
            for item in self.items:
                item_data.append(policy.ItemData(item.code, self.atom_cat[:, item.column, :],
                                                 item.sensitive))
        else:
            self.atom_cat = np.zeros((self.n_atoms, 0, 6), dtype=np.int64)
        scale_data: list[policy.ScaleData] = []
        self.scale_scores: dict[str, np.ndarray] = {}
        for code, items in self._scale_items().items():
            sub = self.matrix[:, [it.column for it in items]]
            scores = stats.scale_scores(sub, [it.reverse for it in items])
            self.scale_scores[code] = scores
            ok = ~np.isnan(scores)
            idx = self.atom_index[ok]
            s = scores[ok]
            scale_data.append(policy.ScaleData(
                code, [it.code for it in items],
                np.bincount(idx, minlength=self.n_atoms).astype(np.int64),
                np.bincount(idx, weights=(s > 1e-9), minlength=self.n_atoms).astype(np.int64),
                np.bincount(idx, weights=(s < 100 - 1e-9), minlength=self.n_atoms).astype(np.int64),
                any(it.sensitive for it in items),
            ))
        return responses, item_data, scale_data

    def _scale_items(self) -> dict[str, list[_Item]]:
        by_scale: dict[str, list[_Item]] = {}
        for item in self.items:
            if item.scale_code:
                by_scale.setdefault(item.scale_code, []).append(item)
        return by_scale

    # -- the whole thing -----------------------------------------------------------------------
    def build(self, prior: Sequence[dict] = ()) -> dict:
        t = time.perf_counter()
        self._load_items()
        self._load_responses()
        t = self._tick("load", t)
        self._build_groups()
        self.cells = [Cell(g.key, frozenset(int(a) for a in g.atoms)) for g in self.groups]
        self.layout = policy.Layout(self.cells, self.n_atoms, relations=self.relations)
        t = self._tick("groups", t)
        responses, item_data, scale_data = self._atom_data()
        self.responses_per_atom = responses
        self.scale_data = scale_data
        t = self._tick("atoms", t)

        def tick(done: int, total: int, code: str) -> None:
            if self.progress is not None:
                self.progress(done, total, _("Beregner %(code)s") % {"code": code})

        decision = policy.decide(self.layout, responses, item_data, scale_data, self.thresholds,
                                 prior=prior_from_payloads(prior), progress=tick)
        self.decision = decision
        self.protect_runs = decision.protect_runs
        for name, seconds in decision.timings.items():
            self.timings[f"decide_{name}"] = seconds
        t = self._tick("decide", t)
        items_out = self._items()
        scales_out = self._scales()
        t = self._tick("shape", t)

        resp_cells = np.asarray(self.incidence @ responses).ravel()
        w_resp = decision.counts_withheld
        breakdowns_out = []
        for bkey, label in [("total", _("I alt")), *[(f, _(lbl)) for f, lbl in segments.BREAKDOWNS],
                            ("unit", _("Enhed"))]:
            groups_out = []
            for g in self.breakdowns.get(bkey, []):
                gi = self.key_index[g.key]
                entry: dict[str, Any] = {"key": g.key, "label": g.label}
                if bkey == "unit":
                    entry["parent"] = g.parent
                    entry["depth"] = g.depth
                entry["responses"] = _count_figure(int(resp_cells[gi]), g.key in w_resp)
                groups_out.append(entry)
            breakdowns_out.append({"key": bkey, "label": label, "groups": groups_out})

        return {
            "format": FORMAT,
            "released": True,
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "study": {"id": self.study.pk, "name": self.study.name},
            "round": {
                "id": self.round.pk,
                "number": self.round.number,
                "kind": self.round.kind,
                "closed_at": self.round.closed_at.isoformat(timespec="seconds")
                if self.round.closed_at else None,
            },
            "thresholds": {
                "k": self.k,
                "sensitive": self.thresholds.sensitive,
                "open_text": self.thresholds.open_text,
            },
            "responses": _count_figure(self.n_responses, "total" in w_resp),
            "breakdowns": breakdowns_out,
            "scales": scales_out,
            "items": items_out,
        }

    # -- items ---------------------------------------------------------------------------------
    def _items(self) -> list[dict]:
        if not self.items:
            return []
        keys = self.keys
        n_items = len(self.items)
        cell_cat = np.asarray(self.incidence @ self.atom_cat.reshape(self.n_atoms, -1)).reshape(
            len(keys), n_items, 6)
        out = []
        for item in self.items:
            d = self.decision.items[item.code]
            figures = _ItemFigures(cell_cat[:, item.column, 1:], item.reverse)
            cells_out = {key: self._item_cell(key, figures, i, d) for i, key in enumerate(keys)}
            out.append({
                "code": item.code,
                "text": item.text,
                "scale": item.scale_code or None,
                "subtheme": item.subtheme or None,
                "reverse": item.reverse,
                "sensitive": item.sensitive,
                "k": d.k,
                "labels": list(item.labels),
                "band_labels": _band_labels(item),
                "cells": cells_out,
            })
        return out

    @staticmethod
    def _item_cell(key: str, f: _ItemFigures, i: int, d: policy.ItemDecision) -> dict:
        n = f.n[i]
        if key in d.n_withheld:
            return _withheld_cell(R_WITHHELD)
        wf: dict[str, str] = {}
        cell: dict[str, Any] = {
            "n": n, "mean": None, "mean_100": None, "sd": None, "distribution": None,
            "withheld": False, "reason": None, "withheld_figures": wf,
        }
        if n == 0:
            cell["reason"] = R_NO_ANSWERS
            return cell
        if key in d.mean_withheld:
            wf["mean"] = wf["distribution"] = R_WITHHELD
            return cell
        cell["mean"] = round(f.mean[i], 2)
        cell["mean_100"] = round(f.mean_100[i], 1)
        if key in d.dist_withheld:
            wf["distribution"] = R_WITHHELD
        elif key == "total" and d.five:
            counts = f.counts[i]
            cell["distribution"] = {
                "bands": 5, "counts": list(counts), "percent": stats.percentages(counts),
            }
            cell["sd"] = round(f.sd[i], 2) if n >= 2 else None
        else:
            bands = f.bands[i]
            cell["distribution"] = {
                "bands": 3, "counts": list(bands), "percent": stats.percentages(bands),
            }
            if key == "total":
                wf["five_bands"] = R_WITHHELD
        if cell["sd"] is None:
            wf["sd"] = R_TOTAL_ONLY if key != "total" else R_WITHHELD
        return cell

    # -- scales --------------------------------------------------------------------------------
    def _scales(self) -> list[dict]:
        keys = self.keys
        meta = _bank_scales()
        out = []
        for code, items in self._scale_items().items():
            d = self.decision.scales[code]
            scores = self.scale_scores[code]
            ok = ~np.isnan(scores)
            idx = self.atom_index[ok]
            s = scores[ok]
            atom_n = np.bincount(idx, minlength=self.n_atoms).astype(np.float64)
            atom_sum = np.bincount(idx, weights=s, minlength=self.n_atoms)
            cell_n = np.asarray(self.incidence @ atom_n).ravel()
            cell_sum = np.asarray(self.incidence @ atom_sum).ravel()
            sub = self.matrix[:, [it.column for it in items]]
            alpha = stats.cronbach_alpha(sub, [it.reverse for it in items])
            k = d.k
            cells_out: dict[str, dict] = {}
            for i, key in enumerate(keys):
                n = int(round(cell_n[i]))
                if key in d.n_withheld:
                    cells_out[key] = _withheld_cell(R_WITHHELD, scale=True)
                    continue
                cell: dict[str, Any] = {
                    "n": n, "mean": None, "sd": None, "withheld": False, "reason": None,
                    "withheld_figures": {},
                }
                if n == 0:
                    cell["reason"] = R_NO_ANSWERS
                elif key in d.mean_withheld:
                    cell["withheld_figures"]["mean"] = R_WITHHELD
                else:
                    cell["mean"] = round(float(cell_sum[i] / n), 1)
                    if key == "total" and n >= 2 * k:
                        cell["sd"] = round(float(np.std(s, ddof=1)), 1) if n >= 2 else None
                    else:
                        cell["withheld_figures"]["sd"] = (
                            R_TOTAL_ONLY if key != "total" else R_WITHHELD)
                cells_out[key] = cell
            total_published = cells_out["total"]["mean"] is not None and alpha.n >= k
            m = meta.get(code, {})
            out.append({
                "code": code,
                "title": m.get("title") or code,
                "subtheme": m.get("subtheme") or (items[0].subtheme or None),
                "description": m.get("description", ""),
                "items": [it.code for it in items],
                "k": k,
                "alpha": {
                    "value": round(alpha.value, 2) if (alpha.value is not None and total_published)
                    else None,
                    "n": alpha.n if total_published else None,
                    "items": alpha.items,
                    "withheld": not total_published,
                    "reason": None if total_published else R_WITHHELD,
                },
                "cells": cells_out,
            })
        return out

    @property
    def matrix_int(self) -> np.ndarray:
        m = self.matrix
        ok = stats.valid_mask(m)
        return np.where(ok, m, 0).astype(np.int64)

    # -- audit ---------------------------------------------------------------------------------
    def _required_k(self, sensitive: bool) -> int:
        k = int(self.study.anonymity_threshold)
        return max(int(self.study.sensitive_threshold), k) if sensitive else k

    def run_audit(self, payload: dict, prior: Sequence[dict]) -> disclosure_audit.Report:
        """The independent audit of this payload together with every earlier release."""
        data = disclosure_audit.RoundData(
            cells={c.key: c.atoms for c in self.cells},
            n_atoms=self.n_atoms,
            responses=self.responses_per_atom,
            item_counts={it.code: self.atom_cat[:, it.column, :] for it in self.items},
            scale_n={code: np.bincount(self.atom_index[~np.isnan(sc)], minlength=self.n_atoms)
                     for code, sc in self.scale_scores.items()},
            scale_off={
                code: (
                    np.bincount(self.atom_index[~np.isnan(sc)], weights=(sc[~np.isnan(sc)] > 1e-9),
                                minlength=self.n_atoms).astype(np.int64),
                    np.bincount(self.atom_index[~np.isnan(sc)],
                                weights=(sc[~np.isnan(sc)] < 100 - 1e-9),
                                minlength=self.n_atoms).astype(np.int64),
                )
                for code, sc in self.scale_scores.items()
            },
            # The study's thresholds, read here and not through the policy it is auditing.
            k=int(self.study.anonymity_threshold),
            item_k={it.code: self._required_k(it.sensitive) for it in self.items},
            scale_k={s.code: self._required_k(s.sensitive) for s in self.scale_data},
        )
        report = disclosure_audit.audit(data, [payload], allowed_reasons=PUBLIC_REASONS)
        if prior:
            # Together with every earlier release: nothing may be worked out that the earlier
            # releases alone did not already give away (that cannot be taken back).
            union = disclosure_audit.audit(data, [*prior, payload], allowed_reasons=PUBLIC_REASONS)
            base = disclosure_audit.audit(data, list(prior), allowed_reasons=PUBLIC_REASONS)
            old = {str(f) for f in base.findings}
            report.inherited = [f for f in union.findings if str(f) in old]
            report.findings += [f for f in union.findings if str(f) not in old]
            report.checks += union.checks
            if report.inherited:
                log.warning("disclosure audit: %d finding(s) already in earlier releases",
                            len(report.inherited))
        if report.findings:
            # Findings name families and atom numbers, never values.
            log.warning("disclosure audit: %d finding(s): %s", len(report.findings),
                        "; ".join(str(f) for f in report.findings[:5]))
            raise DisclosureError(report.findings)
        return report


# ---------------------------------------------------------------------------------------------
# Helpers


def _withheld_cell(reason: str, *, scale: bool = False) -> dict:
    cell: dict[str, Any] = {"n": None, "mean": None}
    if not scale:
        cell["mean_100"] = None
    cell["sd"] = None
    if not scale:
        cell["distribution"] = None
    cell.update({"withheld": True, "reason": reason, "withheld_figures": {}})
    return cell


def _count_figure(n: int, withheld: bool) -> dict:
    if withheld:
        return {"n": None, "withheld": True, "reason": R_WITHHELD}
    return {"n": n, "withheld": False, "reason": None}


def _answer_matrix(answers: list[dict], codes: list[str]) -> np.ndarray:
    """respondents × items of raw answers as float (NaN = missing)."""
    if not answers or not codes:
        return np.full((len(answers), len(codes)), np.nan)
    empty: dict = {}
    rows = [list(map((a if isinstance(a, dict) else empty).get, codes)) for a in answers]
    try:
        return np.array(rows, dtype=np.float64)
    except (TypeError, ValueError):
        # Junk in a JSON answer (a string from a broken import): treat it as not answered.
        def num(v: Any) -> float:
            try:
                return float(v)
            except (TypeError, ValueError):
                return np.nan

        return np.array([[num(v) for v in row] for row in rows], dtype=np.float64)


def _value_order(field_name: str, values: dict[str, list[int]]) -> list[str]:
    fixed = {
        "seniority_band": segments.SENIORITY_LABELS,
        "span_band": segments.SPAN_LABELS,
    }.get(field_name)
    present = [v for v in values if v]
    if fixed:
        ordered = [v for v in fixed if v in values] + sorted(v for v in present if v not in fixed)
    else:
        ordered = sorted(present, key=lambda s: s.casefold())
    if "" in values:
        ordered.append("")
    return ordered


def _response_scale_labels() -> dict[str, list[str]]:
    try:
        from ledelsesrum.surveys.bank import load_bank

        bank = load_bank()
        return {key: list(rs.labels) for key, rs in bank.response_scales.items()}
    except Exception:  # noqa: BLE001 — labels are cosmetic; results must not fail on them
        log.warning("item bank unavailable; using default response labels")
        return {"grad5": ["I meget høj grad", "I høj grad", "I nogen grad", "I mindre grad",
                          "Slet ikke"]}


def _bank_scales() -> dict[str, dict]:
    try:
        from ledelsesrum.surveys.bank import load_bank

        return {
            s.code: {"title": s.title, "subtheme": s.subtheme, "description": s.description}
            for s in load_bank().scales
        }
    except Exception:  # noqa: BLE001 — titles are cosmetic
        return {}


def _band_labels(item: _Item) -> list[str]:
    if item.response_scale == "grad5" or not item.labels:
        return [_(x) for x in _GRAD_BANDS]
    return [" / ".join(item.labels[i - 1] for i in band) for band in stats.THREE_BANDS]


def open_answers(round) -> list[dict]:
    """Open answers of a closed round, per open question.

    Only with ≥ ``open_text_threshold`` respondents; shuffled (not in time order); no
    timestamps, no link to scores or segments; names, e-mails, phone and CPR numbers redacted.
    """
    from ledelsesrum.lib.redact import redact
    from ledelsesrum.organisation.models import Leader, Unit
    from ledelsesrum.studies.models import Round
    from ledelsesrum.surveys.models import Question, Response

    if round is None or round.status != Round.Status.CLOSED:
        raise ResultsNotReleased(round)
    study = round.study
    questions = list(
        Question.objects.filter(questionnaire__study_id=study.pk, kind=Question.Kind.OPEN)
        .order_by("section__position", "position", "id")
        .values_list("code", "text")
    )
    if not questions:
        return []
    texts: dict[str, list[str]] = {code: [] for code, _t in questions}
    for oa in (
        Response.objects.filter(round_id=round.pk, submitted_at__isnull=False)
        .order_by()
        .values_list("open_answers", flat=True)
        .iterator(chunk_size=2000)
    ):
        if not isinstance(oa, dict):
            continue
        for code in texts:
            value = oa.get(code)
            if isinstance(value, str) and value.strip():
                texts[code].append(value.strip())
    names = list(Leader.objects.values_list("name", flat=True))
    unit_names = list(Unit.objects.values_list("name", flat=True))
    threshold = int(study.open_text_threshold)
    rng = random.SystemRandom()
    out = []
    for code, text in questions:
        answers = texts[code]
        if len(answers) < threshold:
            out.append({"code": code, "text": text, "n": None, "answers": [], "withheld": True,
                        "reason": R_WITHHELD})
            continue
        rng.shuffle(answers)
        out.append({
            "code": code, "text": text, "n": len(answers),
            "answers": [redact(a, names, unit_names) for a in answers],
            "withheld": False, "reason": None,
        })
    return out
