"""The life cycle of a round: create → launch (freeze membership) → close (release, sever links).

- ``create_round`` adds the next round of a kind. A new main round after a closed one is a
  re-measurement: it reuses the study's questionnaire and population rule, which live on the study.
- ``launch_round`` freezes membership: one invitation per leader, carrying the leader's unit, area,
  level, seniority band, span band and education *as they are now*, and an unguessable token.
- ``close_round`` is irreversible: tokens are cleared (links stop working), every response loses its
  link to the invitation, and the invitations' timestamps are coarsened to the closing time, so
  nothing in the database keys an answer to a person any more (ANONYMITY.md).
- ``response_overview`` gives response rates during and after collection, folded so that no group
  under the anonymity threshold is shown or can be derived by subtraction.

Expected refusals raise ``RoundError`` with a Danish message fit for the user.
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ledelsesrum.lib.segments import seniority_band, span_band
from ledelsesrum.organisation.models import Leader, Unit

from .models import Round, Study
from .population import population_for

TOKEN_BYTES = 32


class RoundError(Exception):
    """A refused round operation; the message is Danish and meant for the user."""


# --- life cycle ------------------------------------------------------------------------------


def create_round(study: Study, kind: str = Round.Kind.MAIN) -> Round:
    """Create the next round of ``kind`` (numbered per kind) in DRAFT.

    Refused while another round of the same kind is still in draft or collecting: a
    re-measurement starts after the previous round has been closed.
    """
    if kind not in Round.Kind.values:
        raise ValueError(f"unknown round kind: {kind!r}")
    with transaction.atomic():
        unfinished = (
            Round.objects.filter(study=study, kind=kind).exclude(status=Round.Status.CLOSED).first()
        )
        if unfinished is not None:
            raise RoundError(
                _("Runde %(number)s er ikke afsluttet endnu. Afslut den, før en ny runde oprettes.")
                % {"number": unfinished.number}
            )
        last = Round.objects.filter(study=study, kind=kind).aggregate(n=Max("number"))["n"] or 0
        try:
            with transaction.atomic():
                return Round.objects.create(
                    study=study, kind=kind, number=last + 1, closes_on=study.ends_on
                )
        except IntegrityError as exc:  # a double submit created the same number a moment ago
            raise RoundError(_("Runden blev netop oprettet af en anden handling.")) from exc


def launch_round(round: Round, *, leaders: Iterable[Leader | int] | None = None) -> int:
    """Start collecting: invite the population (or, for a pilot, the chosen ``leaders``).

    Returns the number of invitations. Membership attributes are copied onto each invitation now
    and never follow the leader afterwards.
    """
    from ledelsesrum.surveys.models import Invitation, Question, Questionnaire

    with transaction.atomic():
        locked = Round.objects.select_for_update().select_related("study").get(pk=round.pk)
        if locked.status != Round.Status.DRAFT:
            raise RoundError(_("Runden er allerede startet eller afsluttet og kan ikke startes igen."))
        study = locked.study
        if not Questionnaire.objects.filter(study=study).exists():
            raise RoundError(
                _("Undersøgelsen har endnu intet spørgeskema. Opret spørgeskemaet, før runden startes.")
            )
        if not Question.objects.filter(questionnaire__study=study).exists():
            raise RoundError(
                _("Spørgeskemaet har ingen spørgsmål endnu. Tilføj spørgsmål, før runden startes.")
            )
        if locked.kind == Round.Kind.PILOT:
            if leaders is None:
                raise RoundError(_("Vælg de ledere, der skal pilotteste spørgeskemaet."))
            ids = {getattr(leader, "pk", leader) for leader in leaders}
            members = Leader.objects.filter(pk__in=ids, active=True)
            empty_message = _("Ingen af de valgte ledere er aktive. Vælg mindst én aktiv leder.")
        else:
            if leaders is not None:
                raise RoundError(_("Kun en pilotrunde kan have udvalgte ledere."))
            members = population_for(study)
            empty_message = _(
                "Populationen er tom: ingen aktive ledere opfylder undersøgelsens afgrænsning."
            )
        rows = members.values_list(
            "id", "unit_id", "area", "level", "years_as_leader", "span_of_control",
            "leadership_education",
        )
        invitations = [
            Invitation(
                round=locked,
                leader_id=pk,
                token=secrets.token_urlsafe(TOKEN_BYTES),
                unit_id=unit_id,
                area=area,
                level=level,
                seniority_band=seniority_band(years),
                span_band=span_band(span),
                education=education,
            )
            for pk, unit_id, area, level, years, span, education in rows.iterator(chunk_size=2000)
        ]
        if not invitations:
            raise RoundError(empty_message)
        Invitation.objects.bulk_create(invitations, batch_size=1000)
        now = timezone.now()
        tree = snapshot_unit_tree()
        Round.objects.filter(pk=locked.pk).update(
            status=Round.Status.COLLECTING, launched_at=now, unit_tree=tree)
    round.status = Round.Status.COLLECTING
    round.launched_at = now
    round.unit_tree = tree
    return len(invitations)


def snapshot_unit_tree() -> dict[str, list]:
    """The organisation's unit tree now: {"unit id": [parent id or None, name]}."""
    return {str(pk): [parent, name]
            for pk, parent, name in Unit.objects.values_list("id", "parent_id", "name")}


def frozen_unit_tree(round: Round) -> dict[int, tuple[int | None, str]]:
    """The unit tree a round's results use: the one frozen at launch.

    A round launched before trees were frozen (or made directly, as in tests) gets today's tree
    frozen the first time its results are computed, so that every later release of the round
    uses the same groups.
    """
    tree = round.unit_tree
    if not tree and round.pk:
        tree = Round.objects.filter(pk=round.pk).values_list("unit_tree", flat=True).first() or {}
        if not tree:
            tree = snapshot_unit_tree()
            if round.status != Round.Status.DRAFT:
                Round.objects.filter(pk=round.pk).update(unit_tree=tree)
        round.unit_tree = tree
    return {int(pk): (parent, name) for pk, (parent, name) in tree.items()}


def close_round(round: Round) -> None:
    """Stop collecting and release the results. Irreversible.

    Clears every token, sets ``Response.invitation`` to None for all the round's responses
    (submitted or not), and coarsens the invitations' opened/submitted times to the closing time
    so that timestamps cannot re-link an answer to its author.
    """
    from ledelsesrum.surveys.models import Invitation, Response

    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round.pk)
        if locked.status == Round.Status.CLOSED:
            raise RoundError(_("Runden er allerede afsluttet."))
        if locked.status == Round.Status.DRAFT:
            raise RoundError(_("Runden er ikke startet, så der er intet at afslutte."))
        now = timezone.now()
        Response.objects.filter(round=locked).update(invitation=None)
        invitations = Invitation.objects.filter(round=locked)
        invitations.update(token=None)
        invitations.filter(submitted_at__isnull=False).update(submitted_at=now)
        invitations.filter(opened_at__isnull=False).update(opened_at=now)
        Round.objects.filter(pk=locked.pk).update(status=Round.Status.CLOSED, closed_at=now)
        round.status = Round.Status.CLOSED
        round.closed_at = now
        # Results are computed and audited once, right after the close.
        from ledelsesrum.analysis.release import schedule_release

        schedule_release(round)


def open_round(study: Study) -> Round | None:
    """The round currently collecting answers (a main round before a pilot), if any."""
    return (
        study.rounds.filter(status=Round.Status.COLLECTING)
        .order_by("kind", "-number")  # "main" sorts before "pilot"
        .first()
    )


# --- response overview -----------------------------------------------------------------------


@dataclass
class _Partition:
    """Rows of a breakdown: ``row_of`` maps a unit id / area to its row; ``others`` is the index
    of the "Øvrige" row, if there is one (always the last)."""

    labels: list[str]
    row_of: dict
    others: int | None
    folded: bool


def response_overview(round: Round) -> dict:
    """Response counts and rates for ``round``: in total and per unit and per area.

    *Closed round*: the figures are the release's own — the same groups and the same withheld
    counts as the results (a count shown here but withheld there would be a second complement);
    invitations per group are the register's and public anyway.

    *Collecting*: a group is a row only with at least k invitations. Smaller units are folded
    into their parent; what is left at the top goes to "Øvrige", which itself must hold ≥ k
    (else the smallest shown groups are folded into it too). Unit and area rows are published
    side by side, so every cell of their cross-table (unit row × area row) must also hold ≥ k
    invitations or the area breakdown is coarsened. The submitted counts of the rows are then
    protected like any count (``disclosure.suppression``): none of 1..k-1 shown or derivable.
    Never says who answered. With fewer than k invitations in all, only the invitation count
    shows.
    """
    from ledelsesrum.surveys.models import Invitation, Response

    k = round.study.anonymity_threshold
    invited_by: Counter[tuple[int | None, str]] = Counter()
    for row in Invitation.objects.filter(round=round).values("unit_id", "area").annotate(n=Count("id")):
        invited_by[(row["unit_id"], row["area"])] += row["n"]
    if round.status == Round.Status.CLOSED:
        return _closed_overview(round, invited_by, k)
    started_by: Counter[tuple[int | None, str]] = Counter()
    submitted_by: Counter[tuple[int | None, str]] = Counter()
    for row in (
        Response.objects.filter(round=round)
        .values("unit_id", "area")
        .annotate(n=Count("id"), done=Count("submitted_at"))
    ):
        started_by[(row["unit_id"], row["area"])] += row["n"]
        submitted_by[(row["unit_id"], row["area"])] += row["done"]

    invited = sum(invited_by.values())
    started = sum(started_by.values())
    submitted = sum(submitted_by.values())
    overview: dict = {
        "round_id": round.pk,
        "k": k,
        "invited": invited,
        "started": None,
        "submitted": None,
        "rate": None,
        "units": [],
        "areas": [],
        "folded": False,
        "withheld": False,
    }
    if invited < k:
        overview["folded"] = invited > 0
        return overview
    overview.update(started=started, submitted=submitted, rate=_rate(submitted, invited))

    unit_invited: Counter[int | None] = Counter()
    area_invited: Counter[str] = Counter()
    for (unit_id, area), n in invited_by.items():
        unit_invited[unit_id] += n
        area_invited[area] += n
    tree = frozen_unit_tree(round)
    units = _fold_units(unit_invited, k, tree)
    areas = _coarsen_areas_against_units(invited_by, units, _fold_areas(area_invited, k), k)
    overview["folded"] = units.folded or areas.folded
    overview["units"] = _rows(units, 0, invited_by, started_by, submitted_by)
    overview["areas"] = _rows(areas, 1, invited_by, started_by, submitted_by)
    overview["withheld"] = _protect_rows(overview, submitted_by, k)
    return overview


def _protect_rows(overview: dict, submitted_by: Counter, k: int) -> bool:
    """Withhold row counts of 1..k-1 submitted, and every row they could be derived from."""
    from ledelsesrum.disclosure.suppression import Cell, protect

    atoms = sorted(submitted_by, key=repr)
    index = {a: i for i, a in enumerate(atoms)}
    cells = [Cell("total", frozenset(range(len(atoms))))]
    relations: list[tuple[str, list[str]]] = []
    for part, name in ((0, "units"), (1, "areas")):
        keys = []
        for i, row in enumerate(overview[name]):
            members = set(row["members"])
            key = f"{name}:{i}"
            keys.append(key)
            cells.append(Cell(key, frozenset(index[a] for a in atoms if a[part] in members)))
        if keys:
            relations.append(("total", keys))
    counts = [submitted_by[a] for a in atoms]
    withheld = protect(cells, counts, k, relations=relations) if atoms else set()
    for name in ("units", "areas"):
        for i, row in enumerate(overview[name]):
            if f"{name}:{i}" in withheld:
                row.update(submitted=None, started=None, rate=None, withheld=True)
            else:
                row["withheld"] = False
    if "total" in withheld:
        overview.update(submitted=None, started=None, rate=None)
    return bool(withheld)


def _closed_overview(round: Round, invited_by: Counter, k: int) -> dict:
    """The response overview of a closed round, read from its (latest) release."""
    from ledelsesrum.analysis.release import latest_release, stored_release

    invited = sum(invited_by.values())
    overview: dict = {
        "round_id": round.pk, "k": k, "invited": invited, "started": None, "submitted": None,
        "rate": None, "units": [], "areas": [], "folded": False, "withheld": False,
        "closed": True, "pending": False,
    }
    release = stored_release(round) or latest_release(round)
    if release is None:
        overview["pending"] = True
        return overview
    payload = release.payload
    total = payload.get("responses") or {}
    if total.get("n") is not None:
        overview.update(submitted=total["n"], rate=_rate(total["n"], invited))
    tree = frozen_unit_tree(round)
    below: dict[int, set[int]] = defaultdict(set)  # unit -> units in its subtree
    for uid in tree:
        node: int | None = uid
        seen: set[int] = set()
        while node is not None and node not in seen:
            seen.add(node)
            below[node].add(uid)
            node = tree.get(node, (None, ""))[0]
    unit_inv: Counter[int | None] = Counter()
    area_inv: Counter[str] = Counter()
    for (unit_id, area), n in invited_by.items():
        unit_inv[unit_id] += n
        area_inv[area] += n
    groups = {b["key"]: b["groups"] for b in payload.get("breakdowns", [])}
    any_withheld = False
    for g in groups.get("unit", []):
        key = g["key"]
        if key == "unit:none":
            members: list[int | None] = [None]
        else:
            members = sorted(below.get(int(key.split(":", 1)[1]), {int(key.split(":", 1)[1])}))
        n_inv = sum(unit_inv.get(m, 0) for m in members)
        n = g["responses"].get("n")
        any_withheld |= n is None
        overview["units"].append({
            "label": g["label"], "depth": g.get("depth", 0), "invited": n_inv, "started": None,
            "submitted": n, "rate": _rate(n, n_inv) if n is not None else None,
            "withheld": n is None, "members": members,
        })
    for g in groups.get("area", []):
        area = g["key"].split(":", 1)[1]
        n = g["responses"].get("n")
        any_withheld |= n is None
        overview["areas"].append({
            "label": g["label"], "invited": area_inv.get(area, 0), "started": None,
            "submitted": n, "rate": _rate(n, area_inv.get(area, 0)) if n is not None else None,
            "withheld": n is None, "members": [area],
        })
    if len(overview["areas"]) < 2:
        overview["areas"] = []
    overview["withheld"] = any_withheld
    return overview


def _rows(
    partition: _Partition,
    part: int,
    invited_by: Counter,
    started_by: Counter,
    submitted_by: Counter,
) -> list[dict]:
    """Sum the counts per row; ``part`` picks the unit id (0) or the area (1) from a key."""
    if len(partition.labels) < 2:  # a single row is the total again
        return []
    counts = [[0, 0, 0] for _label in partition.labels]
    for key, n in invited_by.items():
        counts[partition.row_of[key[part]]][0] += n
    # Responses outside every invited group (e.g. imported) never get a row of their own:
    # they count in "Øvrige" if present, else in the largest row.
    fallback = partition.others
    if fallback is None:
        fallback = max(range(len(counts)), key=lambda i: counts[i][0])
    for column, source in ((1, started_by), (2, submitted_by)):
        for key, n in source.items():
            counts[partition.row_of.get(key[part], fallback)][column] += n
    members: list[list] = [[] for _label in partition.labels]
    for key, index in partition.row_of.items():
        members[index].append(key)
    rows = [
        {
            "label": label, "invited": i, "started": s, "submitted": d, "rate": _rate(d, i),
            # Which units (ids; None = no unit) or areas a row covers: needed to read a folded
            # row, and lets an audit check the published rows; never individual people.
            "members": sorted(group, key=lambda m: (m is None, str(m))),
        }
        for label, (i, s, d), group in zip(partition.labels, counts, members, strict=True)
    ]
    others = [rows.pop(partition.others)] if partition.others is not None else []
    return sorted(rows, key=lambda r: r["label"].casefold()) + others


def _rate(done: int, invited: int) -> int | None:
    if not invited:
        return None
    return min(100, round(100 * done / invited))


def _fold_units(invited: Counter[int | None], k: int,
                tree: dict[int, tuple[int | None, str]]) -> _Partition:
    """Partition the invited units into rows of ≥ k invitations along the round's frozen unit
    tree: a unit too small for a row of its own is folded into its parent; the remainder at the
    top is "Øvrige"."""
    units = {pk: (name, parent) for pk, (parent, name) in tree.items()}
    relevant: set[int] = set()
    for pk in invited:
        node = pk
        while node is not None and node in units and node not in relevant:
            relevant.add(node)
            node = units[node][1]
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk in relevant:
        parent = units[pk][1]
        children[parent if parent in relevant else None].append(pk)

    labels: list[str] = []
    members_of: list[list[int | None]] = []
    sizes: list[int] = []
    folded = False

    def fold(node: int) -> tuple[int, list[int | None], bool]:
        """Returns the invitations left over for the parent, their units, and whether some
        row was emitted in this subtree."""
        nonlocal folded
        residual = invited.get(node, 0)
        members: list[int | None] = [node]
        shown_below = False
        for child in children.get(node, ()):
            left, left_members, shown = fold(child)
            folded = folded or left > 0
            residual += left
            members += left_members
            shown_below = shown_below or shown
        if residual >= k:
            name = units[node][0]
            labels.append(_("%(unit)s (øvrige)") % {"unit": name} if shown_below else name)
            members_of.append(members)
            sizes.append(residual)
            return 0, [], True
        return residual, members, shown_below

    top_residual = 0
    top_members: list[int | None] = []
    for root in children.get(None, ()):
        left, left_members, _shown = fold(root)
        top_residual += left
        top_members += left_members
    for pk, n in invited.items():
        if pk is None or pk not in units:
            top_residual += n
            top_members.append(pk)

    others = None
    if top_residual:
        # "Øvrige" must hold ≥ k too, or the total minus the shown rows would reveal it.
        while top_residual < k and labels:
            smallest = min(range(len(labels)), key=lambda i: sizes[i])
            top_residual += sizes.pop(smallest)
            top_members += members_of.pop(smallest)
            labels.pop(smallest)
            folded = True
        labels.append(_("Øvrige enheder"))
        members_of.append(top_members)
        others = len(labels) - 1

    row_of = {pk: index for index, members in enumerate(members_of) for pk in members}
    return _Partition(labels, row_of, others, folded)


def _fold_areas(invited: Counter[str], k: int) -> _Partition:
    """Areas with ≥ k invitations get a row; the rest (and leaders without an area) go to
    "Øvrige områder", which is grown from the smallest rows until it holds ≥ k."""
    shown = {area: n for area, n in invited.items() if area and n >= k}
    rest = [area for area in invited if area not in shown]
    return _area_partition(shown, rest, invited, k, folded=bool(rest))


def _area_partition(
    shown: dict[str, int], rest: list[str], invited: Counter[str], k: int, *, folded: bool
) -> _Partition:
    residual = sum(invited[area] for area in rest)
    while 0 < residual < k and shown:
        smallest = min(shown, key=lambda area: (shown[area], area))
        residual += shown.pop(smallest)
        rest.append(smallest)
        folded = True
    labels = sorted(shown, key=str.casefold)
    row_of = {area: index for index, area in enumerate(labels)}
    others = None
    if residual:
        labels.append(_("Øvrige områder"))
        others = len(labels) - 1
        row_of.update({area: others for area in rest})
    return _Partition(labels, row_of, others, folded)


def _coarsen_areas_against_units(
    invited_by: Counter[tuple[int | None, str]], units: _Partition, areas: _Partition, k: int
) -> _Partition:
    """Fold area rows until every (unit row × area row) cell holds 0 or ≥ k invitations.

    Unit rows and area rows are two partitions of the same people; the difference between an
    area and a unit holding nearly the same leaders would isolate a small group. When every cell
    of the cross-table holds ≥ k, any sum or difference of shown rows is a sum of cells, so ≥ k.
    """
    if len(units.labels) < 2 or len(areas.labels) < 2:  # one side is just the total
        return areas
    invited_area: Counter[str] = Counter()
    for (_unit, area), n in invited_by.items():
        invited_area[area] += n
    while True:
        cells: Counter[tuple[int, int]] = Counter()
        for (unit_id, area), n in invited_by.items():
            cells[(units.row_of[unit_id], areas.row_of[area])] += n
        small = [(n, cell) for cell, n in cells.items() if 0 < n < k]
        if not small:
            return areas
        _n, (_unit_row, area_row) = min(small)
        if area_row == areas.others:
            break  # the residual itself crosses a unit row thinly: no safe area breakdown
        shown = {
            area: invited_area[area]
            for area, index in areas.row_of.items()
            if index not in (areas.others, area_row)
        }
        rest = [area for area in areas.row_of if area not in shown]
        areas = _area_partition(shown, rest, invited_area, k, folded=True)
        if len(areas.labels) < 2:
            return areas
    return _Partition([], {}, None, True)
