"""The results of a round: computed once, disclosure control applied, rendered by every channel.

``compute_results(round)`` returns one JSON-able dict (layout in ``docs/results-format.md``). The
results page, the CSV/XLSX/JSON exports and ``ledelsesrum results`` all render from it and never
from the database, so there is exactly one place where a figure can be withheld: here.

How a figure is protected (ANONYMITY.md; the rules are applied *per item*, on the respondents who
actually answered that item):

* **Atoms** are the distinct combinations of (unit, area, level, seniority band, span band). Every
  published group ("cell") is a union of atoms, so every published count, sum and distribution is
  a linear function of atom figures — which is what ``suppression.protect`` reasons about.
* **Families.** Each kind of figure is protected as its own table of linear figures:

  - *count/mean* — ``protect(cells, per-atom n, k)``: groups with 0 < n < k and every group from
    which one could be worked out (subtraction, hierarchy residuals, overlaps) lose n, mean and
    everything else. The mean is a sum over the same atoms, so protecting n protects the sum.
  - *unanimous small groups* — a group with n < 2k where everyone gave the same answer keeps n but
    loses its mean (and its distribution); its sum is then protected like a primary cell.
  - *distribution* — a group shows a distribution only when n ≥ 2k (below 2k a distribution always
    has a 0 % or a cell under k), and only if the same holds for everything derivable from it:
    ``protect(cells, per-atom n, 2k)``. Breakdown groups then show three bands (høj = 1+2,
    nogen = 3, lav = 4+5), each band protected as a table of its own (no band count 1..k−1 shown
    or derivable). Only the total may show all five categories (and a standard deviation),
    when none of them is 1..k−1: five-category figures of a single cell can not be subtracted
    from anything.
  - *scales* — n = respondents with a valid scale score; ``protect`` on those counts, and a scale
    cell is also withheld wherever one of its items' mean is withheld (a scale score minus its
    other items would approximate the withheld item). The converse is not needed: a scale score is
    a mean of per-respondent means over *different* item sets, not a linear function of item
    figures, so a withheld scale cell can not be rebuilt from its published items — and the items
    are protected on their own.
  - *group sizes* (responses per group in the breakdown header) — ``protect`` on response counts.

* **Thresholds.** k = ``study.anonymity_threshold``; items marked sensitive (and scales containing
  one) use ``study.sensitive_threshold``; open answers need ``study.open_text_threshold``.
* **Audit.** After composing, ``disclosure_audit.attack`` checks every published count family
  with linear programming. It runs when ``audit=True``, in DEBUG, and otherwise when the problem is
  small enough to be cheap (see ``AUDIT_MAX_WORK``). A finding raises ``DisclosureError`` — the
  results are refused rather than published.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from ledelsesrum.lib import segments

from . import stats

log = logging.getLogger(__name__)

FORMAT = "ledelsesrum.results/1"
BREAKDOWN_KEYS = ("area", "level", "seniority_band", "span_band", "unit")
_SEGMENT_FIELDS = ("unit_id", "area", "level", "seniority_band", "span_band")
# attack() solves an LP per sensitive atom; above this many (atoms × published cells × families)
# it is skipped in production (always run in tests and DEBUG).
AUDIT_MAX_WORK = 2_000_000

# Reason codes for withheld figures (the renderers translate them; see REASON_TEXT).
R_BELOW = "below_threshold"  # 0 < n < k
R_COMPLEMENT = "complementary"  # withheld so that a small group can not be worked out
R_NO_ANSWERS = "no_answers"  # nobody in the group answered
R_UNANIMOUS = "unanimous"  # everyone in a group under 2k answered the same
R_SMALL_CELLS = "small_cells"  # a distribution would show a category with 1..k-1 answers or 0 %
R_ITEM_WITHHELD = "item_withheld"  # scale withheld because one of its items is withheld
R_TOTAL_ONLY = "total_only"  # five-category figures and sd are shown for the total only

REASON_TEXT = {
    R_BELOW: "Skjult – færre end {k} svar",
    R_COMPLEMENT: "Skjult – ellers kunne en mindre gruppe regnes ud",
    R_NO_ANSWERS: "Ingen svar",
    R_UNANIMOUS: "Skjult – alle i en lille gruppe svarede det samme",
    R_SMALL_CELLS: "Fordelingen skjules – for få svar i en eller flere kategorier",
    R_ITEM_WITHHELD: "Skjult – et af skalaens spørgsmål er skjult for gruppen",
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
    """The final audit found a withheld figure that could be worked out; nothing is published."""

    def __init__(self, findings: Sequence[Any]) -> None:
        self.findings = list(findings)
        super().__init__(
            _("Resultaterne kan ikke vises sikkert (anonymitetskontrollen fandt %(n)s problem(er)).")
            % {"n": len(self.findings)}
        )


# ---------------------------------------------------------------------------------------------
# Public API


def compute_results(
    round,
    *,
    include_open_answers: bool = False,
    audit: bool | None = None,
    diagnostics: dict | None = None,
    progress: Any = None,
) -> dict:
    """All results of a CLOSED round, with disclosure control applied. See the module docstring.

    ``audit``: True/False forces the final LP audit on/off; None runs it in DEBUG or when cheap.
    ``diagnostics``: a dict filled with sizes and timings (for the benchmark).
    Raises ``ResultsNotReleased`` for a round that is not closed and ``DisclosureError`` when the
    audit finds anything derivable.
    """
    from ledelsesrum.studies.models import Round

    if round is None or round.status != Round.Status.CLOSED:
        raise ResultsNotReleased(round)
    study = round.study
    builder = _Builder(round, study)
    builder.progress = progress
    result = builder.build()
    if include_open_answers:
        result["open_answers"] = open_answers(round)
    run_audit = audit if audit is not None else (
        settings.DEBUG or builder.audit_work() <= AUDIT_MAX_WORK
    )
    if run_audit:
        started = time.perf_counter()
        builder.run_audit()
        builder.timings["audit"] = time.perf_counter() - started
    result["audited"] = bool(run_audit)
    if diagnostics is not None:
        diagnostics.update({
            "respondents": builder.n_responses,
            "items": len(builder.items),
            "atoms": builder.n_atoms,
            "cells": len(builder.keys),
            "protect_runs": builder.protector.calls,
            "protect_seconds": builder.protector.seconds,
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
    return _(REASON_TEXT.get(code, "Skjult")).format(k=k if k is not None else "k")


# ---------------------------------------------------------------------------------------------
# Disclosure control plumbing


class _Protector:
    """Calls ``suppression`` for one round's cell structure, with caches.

    Counts are capped at k before the call: whether a cell or residual is 0, 1..k−1 or ≥ k — all
    that decides what must be protected — is unchanged by the cap, and most items then share one
    count pattern, so the algebra runs a handful of times instead of once per item and family.

    ``primary`` names cells that must be protected for a reason other than their count (a
    unanimous small group's mean; a scale cell whose item is withheld): they are withheld, and so
    is every cell from which they could be worked out.
    """

    def __init__(self, cells: list, relations: list[tuple[str, list[str]]],
                 table_of: dict[str, str]) -> None:
        from .suppression import Protector

        self.cells = cells
        self.table_of = table_of
        n_atoms = 1 + max((max(c.atoms) for c in cells if c.atoms), default=-1)
        keyset = {c.key for c in cells}
        # Only exact partitions are relations; a parent missing a child is not one.
        relations = [
            (parent, children) for parent, children in relations
            if parent in keyset and children and all(ch in keyset for ch in children)
        ]
        self.structure = Protector(cells, n_atoms, relations=relations)
        self._cache: dict[tuple, frozenset[str]] = {}
        self.calls = 0
        self.seconds = 0.0

    def __call__(self, counts: np.ndarray, k: int, primary: Iterable[str] = ()) -> frozenset[str]:
        capped = np.minimum(np.rint(counts).astype(np.int64), k)
        prim = frozenset(primary)
        key = (k, capped.tobytes(), prim)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        started = time.perf_counter()
        self.calls += 1
        out = frozenset(self.structure.protect(capped, k, primary=prim)) | prim
        self._cache[key] = out
        self.seconds += time.perf_counter() - started
        return out


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
        self.k = int(study.anonymity_threshold)
        self.k_sensitive = max(int(study.sensitive_threshold), self.k)
        self._audit_families: list[tuple[str, list[str], np.ndarray, int]] = []
        self.progress: Any = None  # callable(done, total, message) or None
        self.timings: dict[str, float] = {}

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
        from ledelsesrum.organisation.models import Unit

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

        # Units as a tree: a unit's cell is every response in its subtree.
        unit_ids = {seg[0] for seg in atoms if seg[0] is not None}
        parents: dict[int, int | None] = {}
        names: dict[int, str] = {}
        if unit_ids:
            for uid, name, parent in Unit.objects.values_list("id", "name", "parent_id"):
                parents[uid] = parent
                names[uid] = name
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
        # Incidence matrix cells × atoms for aggregating atom figures to groups.
        inc = np.zeros((len(groups), self.n_atoms), dtype=np.float64)
        for gi, g in enumerate(groups):
            inc[gi, g.atoms] = 1.0
        self.incidence = inc

    # -- the whole thing -----------------------------------------------------------------------
    def build(self) -> dict:
        from .suppression import Cell

        t = time.perf_counter()
        self._load_items()
        self._load_responses()
        t = self._tick("load", t)
        self._build_groups()
        t = self._tick("groups", t)
        keys = [g.key for g in self.groups]
        self.keys = keys
        self.cells = [Cell(g.key, frozenset(int(a) for a in g.atoms)) for g in self.groups]
        table_of = {g.key: g.breakdown for g in self.groups}
        self.protector = _Protector(self.cells, self.relations, table_of)

        # Responses per group.
        resp_atoms = np.bincount(self.atom_index, minlength=self.n_atoms).astype(np.float64)
        resp_cells = self.incidence @ resp_atoms
        w_resp = self.protector(resp_atoms, self.k)
        self._audit_families.append(
            ("responses", [x for x in keys if x not in w_resp], resp_atoms, self.k)
        )
        self._withheld_resp = w_resp

        items_out, item_mean_withheld = self._items()
        t = self._tick("items", t)
        scales_out = self._scales(item_mean_withheld)
        t = self._tick("scales", t)

        breakdowns_out = []
        for bkey, label in [("total", _("I alt")), *[(f, _(lbl)) for f, lbl in segments.BREAKDOWNS],
                            ("unit", _("Enhed"))]:
            groups_out = []
            for g in self.breakdowns.get(bkey, []):
                gi = keys.index(g.key)
                entry: dict[str, Any] = {"key": g.key, "label": g.label}
                if bkey == "unit":
                    entry["parent"] = g.parent
                    entry["depth"] = g.depth
                entry["responses"] = _count_figure(int(resp_cells[gi]), g.key in w_resp, self.k)
                groups_out.append(entry)
            breakdowns_out.append({"key": bkey, "label": label, "groups": groups_out})

        total_n = self.n_responses
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
                "sensitive": self.k_sensitive,
                "open_text": int(self.study.open_text_threshold),
            },
            "responses": _count_figure(total_n, "total" in w_resp, self.k),
            "breakdowns": breakdowns_out,
            "scales": scales_out,
            "items": items_out,
        }

    # -- items ---------------------------------------------------------------------------------
    def _items(self) -> tuple[list[dict], dict[str, frozenset[str]]]:
        n_items = len(self.items)
        keys = self.keys
        if n_items == 0:
            return [], {}
        # Per atom, per item, per category 0..5 (0 = not answered / "Ved ikke").
        V = self.matrix_int  # respondents × items, 0..5
        flat = (self.atom_index[:, None] * (n_items * 6) + np.arange(n_items)[None, :] * 6 + V)
        atom_cat = np.bincount(flat.ravel(), minlength=self.n_atoms * n_items * 6).reshape(
            self.n_atoms, n_items, 6
        ).astype(np.float64)
        cell_cat = (self.incidence @ atom_cat.reshape(self.n_atoms, -1)).reshape(
            len(keys), n_items, 6
        )
        out = []
        mean_withheld: dict[str, frozenset[str]] = {}
        for number, item in enumerate(self.items):
            if self.progress is not None:
                self.progress(number, n_items, _("Beregner %(code)s") % {"code": item.code})
            j = item.column
            k = self.k_sensitive if item.sensitive else self.k
            a_counts = atom_cat[:, j, 1:]  # atoms × 5
            c_counts = cell_cat[:, j, 1:]  # cells × 5
            atom_n = a_counts.sum(axis=1)
            cell_n = c_counts.sum(axis=1)

            # n (and everything else) withheld.
            w_n = self.protector(atom_n, k)
            self._audit_families.append((f"item:{item.code}:n", [x for x in keys if x not in w_n],
                                         atom_n, k))
            # Unanimous groups under 2k lose their mean; the sum is protected like a primary cell.
            unan_mask = (cell_n > 0) & (cell_n < 2 * k) & (c_counts.max(axis=1) == cell_n)
            unanimous = {keys[i] for i in np.flatnonzero(unan_mask) if keys[i] not in w_n}
            w_mean = set(w_n)
            if unanimous:
                w_mean |= self.protector(atom_n, k, primary=unanimous)
                w_mean |= unanimous
            # Distribution: see _distribution_withheld — exact rules that need no extra algebra.
            w_dist = set(w_mean) | self._distribution_withheld(c_counts, cell_n, k, w_n | w_mean)
            w_band: set[str] = set()
            shown_dist = [x for x in keys if x not in w_dist]
            bands_atoms = np.stack(
                [a_counts[:, [i - 1 for i in band]].sum(axis=1) for band in stats.THREE_BANDS],
                axis=1,
            )
            for b in range(3):
                self._audit_families.append(
                    (f"item:{item.code}:band{b}", shown_dist, bands_atoms[:, b], k)
                )
            mean_withheld[item.code] = frozenset(w_mean)

            figures = _ItemFigures(c_counts, item.reverse)
            cells_out: dict[str, dict] = {}
            for i, key in enumerate(keys):
                cells_out[key] = self._item_cell(
                    key, figures, i, k,
                    w_n=w_n, unanimous=unanimous, w_mean=w_mean, w_dist=w_dist, w_band=w_band,
                )
            out.append({
                "code": item.code,
                "text": item.text,
                "scale": item.scale_code or None,
                "subtheme": item.subtheme or None,
                "reverse": item.reverse,
                "sensitive": item.sensitive,
                "k": k,
                "labels": list(item.labels),
                "band_labels": _band_labels(item),
                "cells": cells_out,
            })
        return out, mean_withheld

    def _distribution_withheld(
        self, c_counts: np.ndarray, cell_n: np.ndarray, k: int, hidden: set[str]
    ) -> set[str]:
        """Cells whose answer distribution (three bands) must be withheld.

        A distribution is shown for a group only when it has at least 2k answers and every band
        holds 0 or at least k of them (ANONYMITY.md: no cell between 1 and k-1, no 0/100 % under
        2k). Within a breakdown table it is all or none: one hidden group's bands would otherwise
        be the total's minus its siblings'. Sums of bands that are 0 or ≥ k are 0 or ≥ k, so a
        table that passes never exposes the total. Across tables, a group nested in a group of
        another table (a unit inside an area) must leave a difference that passes the same test;
        if not, the table of the smaller group shows no distributions.
        """
        keys = self.keys
        bands = np.stack([c_counts[:, [i - 1 for i in band]].sum(axis=1)
                          for band in stats.THREE_BANDS], axis=1)

        def passes(n: np.ndarray, b: np.ndarray) -> np.ndarray:
            return (n == 0) | ((n >= 2 * k) & ((b == 0) | (b >= k)).all(axis=1))

        ok = passes(cell_n, bands)
        table = self._cell_table
        withheld_tables: set[str] = set()
        for i, key in enumerate(keys):
            if not ok[i] or (key in hidden and cell_n[i] > 0):
                withheld_tables.add(table[i])
        pairs = self._nested_pairs
        changed = True
        while changed:
            changed = False
            for big, small in pairs:
                tb, ts = table[big], table[small]
                if tb in withheld_tables or ts in withheld_tables:
                    continue
                d_n = cell_n[big:big + 1] - cell_n[small:small + 1]
                d_b = bands[big:big + 1] - bands[small:small + 1]
                if not passes(d_n, d_b)[0]:
                    withheld_tables.add(ts)
                    changed = True
        if not withheld_tables:
            return set()
        return {keys[i] for i in range(len(keys)) if table[i] in withheld_tables}

    @cached_property
    def _cell_table(self) -> list[str]:
        table_of = {g.key: g.breakdown for g in self.groups}
        return [table_of[key] for key in self.keys]

    @cached_property
    def _nested_pairs(self) -> list[tuple[int, int]]:
        """(big, small) cell indices from different tables where small's atoms lie inside big's.

        Count-independent: computed once per round with a sparse product."""
        from scipy import sparse

        inc = sparse.csr_matrix(self.incidence > 0, dtype=np.int32)  # rows follow self.keys
        sizes = np.asarray(inc.sum(axis=1)).ravel()
        inter = (inc @ inc.T).tocoo()
        table = self._cell_table
        pairs = []
        for a, b, v in zip(inter.row.tolist(), inter.col.tolist(), inter.data.tolist(), strict=True):
            if a == b or table[a] == table[b] or table[a] == "total" or table[b] == "total":
                continue
            if v == sizes[b] and sizes[b] < sizes[a]:
                pairs.append((a, b))
        return pairs

    def _item_cell(self, key: str, f: _ItemFigures, i: int, k: int, *, w_n, unanimous,
                   w_mean, w_dist, w_band) -> dict:
        n = f.n[i]
        if key in w_n:
            reason = R_BELOW if 0 < n < k else R_COMPLEMENT
            return _withheld_cell(reason)
        wf: dict[str, str] = {}
        cell: dict[str, Any] = {
            "n": n, "mean": None, "mean_100": None, "sd": None, "distribution": None,
            "withheld": False, "reason": None, "withheld_figures": wf,
        }
        if n == 0:
            cell["reason"] = R_NO_ANSWERS
            return cell
        if key in w_mean:
            wf["mean"] = R_UNANIMOUS if key in unanimous else R_COMPLEMENT
            wf["distribution"] = wf["mean"]
            return cell
        cell["mean"] = round(f.mean[i], 2)
        cell["mean_100"] = round(f.mean_100[i], 1)
        counts = f.counts[i]
        bands = f.bands[i]
        if key in w_dist:
            own_small = n < 2 * k or any(0 < c < k for c in bands)
            wf["distribution"] = R_SMALL_CELLS if own_small else R_COMPLEMENT
        elif key in w_band:
            small = any(0 < c < k for c in bands)
            wf["distribution"] = R_SMALL_CELLS if small else R_COMPLEMENT
        elif key == "total" and all(c == 0 or c >= k for c in counts):
            cell["distribution"] = {
                "bands": 5, "counts": list(counts), "percent": stats.percentages(counts),
            }
            cell["sd"] = round(f.sd[i], 2) if n >= 2 else None
        else:
            cell["distribution"] = {
                "bands": 3, "counts": list(bands), "percent": stats.percentages(bands),
            }
            if key == "total":
                wf["five_bands"] = R_SMALL_CELLS
        if cell["sd"] is None:
            wf["sd"] = R_TOTAL_ONLY if key != "total" else R_SMALL_CELLS
        return cell

    # -- scales --------------------------------------------------------------------------------
    def _scales(self, item_mean_withheld: dict[str, frozenset[str]]) -> list[dict]:
        keys = self.keys
        by_scale: dict[str, list[_Item]] = {}
        for item in self.items:
            if item.scale_code:
                by_scale.setdefault(item.scale_code, []).append(item)
        meta = _bank_scales()
        out = []
        for code, items in by_scale.items():
            cols = [it.column for it in items]
            rev = [it.reverse for it in items]
            sub = self.matrix[:, cols]
            scores = stats.scale_scores(sub, rev)
            ok = ~np.isnan(scores)
            k = self.k_sensitive if any(it.sensitive for it in items) else self.k
            idx = self.atom_index[ok]
            s = scores[ok]
            atom_n = np.bincount(idx, minlength=self.n_atoms).astype(np.float64)
            atom_sum = np.bincount(idx, weights=s, minlength=self.n_atoms)
            cell_n = self.incidence @ atom_n
            cell_sum = self.incidence @ atom_sum

            w_own = self.protector(atom_n, k)
            w = set(w_own)
            item_w: set[str] = set()
            for it in items:
                item_w |= item_mean_withheld.get(it.code, frozenset())
            extra = item_w - w
            if extra:
                w |= self.protector(atom_n, k, primary=extra)
                w |= extra
            self._audit_families.append((f"scale:{code}:n", [x for x in keys if x not in w],
                                         atom_n, k))
            alpha = stats.cronbach_alpha(sub, rev)
            cells_out: dict[str, dict] = {}
            for i, key in enumerate(keys):
                n = int(round(cell_n[i]))
                if key in w:
                    if 0 < n < k:
                        reason = R_BELOW
                    elif key in w_own or key not in item_w:
                        reason = R_COMPLEMENT
                    else:
                        reason = R_ITEM_WITHHELD
                    cells_out[key] = _withheld_cell(reason, scale=True)
                    continue
                cell: dict[str, Any] = {
                    "n": n, "mean": None, "sd": None, "withheld": False, "reason": None,
                    "withheld_figures": {},
                }
                if n == 0:
                    cell["reason"] = R_NO_ANSWERS
                else:
                    cell["mean"] = round(float(cell_sum[i] / n), 1)
                    if key == "total" and n >= 2 * k:
                        cell["sd"] = round(float(np.std(s, ddof=1)), 1) if n >= 2 else None
                    else:
                        cell["withheld_figures"]["sd"] = R_TOTAL_ONLY if key != "total" else R_BELOW
                cells_out[key] = cell
            total_published = "total" not in w and alpha.n >= k
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
                    "reason": None if total_published else R_BELOW,
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
    def audit_work(self) -> int:
        total = 0
        for _name, published, _counts, _k in self._audit_families:
            total += self.n_atoms * max(1, len(published))
        return total

    def run_audit(self) -> None:
        """Every published count family through the independent attacker; refuse on a hit.

        Uses `attack_linear` (exactly the LP attacker with empty atoms known, see its docstring)
        so that a whole release can be audited in seconds; the tests also run the LP version.
        """
        from .disclosure_audit import attack_linear

        cell_by_key = {c.key: c for c in self.cells}
        findings: list[Any] = []
        seen: set[tuple] = set()
        for name, published, counts, k in self._audit_families:
            if not published:
                continue
            real = np.rint(counts).astype(np.int64)
            sig = (k, real.tobytes(), tuple(published))
            if sig in seen:
                continue
            seen.add(sig)
            pub_cells = [cell_by_key[x] for x in published]
            shown = set(published)
            targets = [
                c for c in self.cells
                if c.key not in shown and 0 < sum(int(real[a]) for a in c.atoms) < k
            ]
            hits = attack_linear(pub_cells, real, k, targets=targets)
            if hits:
                log.warning("disclosure audit: %d finding(s) in %s", len(hits), name)
                findings.extend(hits)
        if findings:
            raise DisclosureError(findings)


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


def _count_figure(n: int, withheld: bool, k: int) -> dict:
    if withheld:
        return {"n": None, "withheld": True, "reason": R_BELOW if 0 < n < k else R_COMPLEMENT}
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
    from ledelsesrum.organisation.models import Leader
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
    threshold = int(study.open_text_threshold)
    rng = random.SystemRandom()
    out = []
    for code, text in questions:
        answers = texts[code]
        if len(answers) < threshold:
            out.append({"code": code, "text": text, "n": None, "answers": [], "withheld": True,
                        "reason": R_BELOW})
            continue
        rng.shuffle(answers)
        out.append({
            "code": code, "text": text, "n": len(answers),
            "answers": [redact(a, names) for a in answers],
            "withheld": False, "reason": None,
        })
    return out
