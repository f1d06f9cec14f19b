"""Server-rendered, accessible SVG charts of results.

Each chart is an ``<svg role="img">`` with ``<title>`` and ``<desc>`` (the desc lists every value
shown, so a screen reader gets the numbers), text labels on the bars, a legend in words and
colours with at least 4.5:1 contrast for the text drawn on them. Segments are separated by white
gaps and labelled, so colour is never the only cue.

A withheld group is drawn as a labelled gap ("Skjult af hensyn til anonymiteten" or the reason given) and
never with a value: the chart functions receive ``None`` for it and have nothing else to draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count
from xml.sax.saxutils import escape

# (fill, text colour) pairs; every text colour has ≥ 4.5:1 contrast on its fill.
THREE_BAND_COLOURS = [("#1d6b34", "#ffffff"), ("#e3e6ea", "#1b1f24"), ("#a4161a", "#ffffff")]
FIVE_BAND_COLOURS = [
    ("#0b3d6b", "#ffffff"), ("#6fa8dc", "#1b1f24"), ("#e3e6ea", "#1b1f24"),
    ("#f4b183", "#1b1f24"), ("#a4161a", "#ffffff"),
]
SCORE_COLOUR = ("#0b5cad", "#ffffff")
INK = "#1b1f24"
MUTED = "#4a5360"

_ids = count(1)


@dataclass
class Row:
    label: str
    values: Sequence[float] | float | None  # None = withheld
    note: str = ""  # shown instead of a value when withheld


def _a(value: object) -> str:
    return escape(str(value), {'"': "&quot;"})


def _fmt(x: float, decimals: int = 0) -> str:
    text = f"{x:.{decimals}f}"
    return text.replace(".", ",")


def withheld_label(k: int) -> str:
    """The words for a withheld bar when the caller gives none: the results page's words.

    Not "fewer than k answers": a group of 7 withheld so that a smaller one cannot be worked out
    is published as n = 7 elsewhere, and the distinction itself would tell an attacker something
    (analysis/results.py, reason codes)."""
    from .results import R_WITHHELD, reason_text

    return reason_text(R_WITHHELD, k)


def stacked_bars(rows: Sequence[Row], band_labels: Sequence[str], *, title: str,
                 k: int, width: int = 640, reverse: bool = False) -> str:
    """Horizontal 100 % bars, one per group; values are percentages per band.

    The first band is coloured as the good answer; for a reverse-worded item (agreeing is the bad
    answer, e.g. "Jeg føler mig ofte stresset") the colours run the other way."""
    colours = THREE_BAND_COLOURS if len(band_labels) == 3 else FIVE_BAND_COLOURS
    if reverse:
        colours = list(reversed(colours))
    label_w, bar_h, gap, top = 170, 26, 10, 8
    legend_h = 24 * ((len(band_labels) + 2) // 3)
    plot_w = width - label_w - 10
    height = top + len(rows) * (bar_h + gap) + legend_h + 10
    uid = next(_ids)
    desc_parts = []
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" width="100%" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="t{uid} d{uid}" '
        f'preserveAspectRatio="xMinYMin meet">',
        f'<title id="t{uid}">{_a(title)}</title>',
    ]
    body = []
    y = top
    for row in rows:
        body.append(_row_label(row, label_w, y, bar_h))
        if row.values is None:
            body.append(_withheld_gap(row, k, label_w, y, plot_w, bar_h))
            desc_parts.append(f"{row.label}: {row.note or withheld_label(k)}")
        else:
            values = list(row.values)  # type: ignore[arg-type]
            total = sum(values) or 1
            x = float(label_w)
            parts = []
            for i, v in enumerate(values):
                w = plot_w * v / total
                fill, ink = colours[i % len(colours)]
                if w > 0:
                    body.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                                f'fill="{fill}" stroke="#ffffff" stroke-width="1.5"/>')
                    if w >= 34:
                        body.append(f'<text x="{x + w / 2:.1f}" y="{y + bar_h / 2 + 5}" '
                                    f'text-anchor="middle" font-size="12" fill="{ink}">'
                                    f'{_fmt(v)} %</text>')
                x += w
                parts.append(f"{band_labels[i]} {_fmt(v)} %")
            desc_parts.append(f"{row.label}: " + ", ".join(parts))
        y += bar_h + gap
    # Legend in words, with the swatch as an extra cue only.
    ly = y + 4
    for i, label in enumerate(band_labels):
        col, r = i % 3, i // 3
        lx = label_w + col * (plot_w // 3)
        fill, _ink = colours[i % len(colours)]
        body.append(f'<rect x="{lx}" y="{ly + r * 24}" width="14" height="14" fill="{fill}" '
                    f'stroke="{MUTED}"/><text x="{lx + 20}" y="{ly + r * 24 + 12}" font-size="12" '
                    f'fill="{INK}">{_a(label)}</text>')
    out.append(f'<desc id="d{uid}">{_a("; ".join(desc_parts))}</desc>')
    out.extend(body)
    out.append("</svg>")
    return "".join(out)


def score_bars(rows: Sequence[Row], *, title: str, k: int, width: int = 640,
               maximum: float = 100.0) -> str:
    """Horizontal bars of a 0–100 score per group, the value written next to each bar."""
    label_w, bar_h, gap, top = 170, 24, 10, 8
    plot_w = width - label_w - 60
    height = top + len(rows) * (bar_h + gap) + 26
    uid = next(_ids)
    fill, _ink = SCORE_COLOUR
    desc_parts = []
    body = []
    y = top
    for row in rows:
        body.append(_row_label(row, label_w, y, bar_h))
        if row.values is None:
            body.append(_withheld_gap(row, k, label_w, y, plot_w, bar_h))
            desc_parts.append(f"{row.label}: {row.note or withheld_label(k)}")
        else:
            v = float(row.values)  # type: ignore[arg-type]
            w = max(1.0, plot_w * min(v, maximum) / maximum)
            body.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                        f'fill="{fill}"/><text x="{label_w + w + 6:.1f}" y="{y + bar_h / 2 + 5}" '
                        f'font-size="13" fill="{INK}">{_fmt(v, 1)}</text>')
            desc_parts.append(f"{row.label}: {_fmt(v, 1)}")
        y += bar_h + gap
    # Axis: 0, 50, 100 in text.
    for tick in (0, 50, 100):
        tx = label_w + plot_w * tick / maximum
        body.append(f'<line x1="{tx:.1f}" y1="{top - 4}" x2="{tx:.1f}" y2="{y}" stroke="#c9d1da"/>'
                    f'<text x="{tx:.1f}" y="{y + 16}" text-anchor="middle" font-size="12" '
                    f'fill="{MUTED}">{tick}</text>')
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" width="100%" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="t{uid} d{uid}" '
        f'preserveAspectRatio="xMinYMin meet">',
        f'<title id="t{uid}">{_a(title)}</title>',
        f'<desc id="d{uid}">{_a("; ".join(desc_parts))}</desc>',
        *body,
        "</svg>",
    ])


def _shorten(label: str, limit: int = 24) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _row_label(row: Row, label_w: int, y: float, bar_h: int) -> str:
    return (f'<text x="{label_w - 8}" y="{y + bar_h / 2 + 5}" text-anchor="end" '
            f'font-size="13" fill="{INK}">{_a(_shorten(row.label))}</text>')


def _withheld_gap(row: Row, k: int, label_w: int, y: float, plot_w: float, bar_h: int) -> str:
    """A withheld group: a dashed, empty frame with the reason — never a value or a length."""
    note = row.note or withheld_label(k)
    return (
        f'<rect x="{label_w}" y="{y}" width="{plot_w}" height="{bar_h}" fill="#ffffff" '
        f'stroke="{MUTED}" stroke-dasharray="4 3"/>'
        f'<text x="{label_w + 8}" y="{y + bar_h / 2 + 5}" font-size="13" '
        f'fill="{MUTED}" font-style="italic">{_a(note)}</text>'
    )
