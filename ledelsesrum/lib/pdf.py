"""Tagged, accessible PDFs (PDF/UA-1) from HTML, and a check that reads a PDF's structure tree.

Every PDF the product makes (the report, the dialogue edition, the dialogue cards) goes through
:func:`write_pdf`, so they share one set of rules:

- WeasyPrint writes PDF/UA-1: a tagged PDF with a structure tree (headings, lists, tables with
  header cells, figures), the document language from ``<html lang>``, the title from ``<title>``
  (shown in the viewer's title bar) and the PDF/UA identification in the XMP metadata.
- An inline ``<svg role="img">`` (our charts, ``analysis.charts``) would become a /Figure without
  alternative text, so it is turned into an ``<img>`` whose ``alt`` is the chart's ``<title>`` and
  ``<desc>`` (the desc lists every value shown) and whose ``src`` is the same SVG as a data URL.
  The web pages keep their inline SVG; only the PDF path changes.
- A link's annotation is described by its text ("1. Motivation og trivsel"), not its target.
- A word hyphenated at a line end gets an ASCII hyphen, not WeasyPrint's default U+2010: text
  extraction (search, copy, screen readers) joins "Undersø-" and "gelsen" back into one word only
  for the ASCII hyphen.

:func:`check_pdf` reads a PDF back (pikepdf, a test dependency) and lists what keeps it from being
accessible: untagged, no language or title, no heading or a skipped heading level, a table without
a header cell, a figure without alternative text, a link without a description. The test suite runs it on every PDF the product
makes (``reports/tests/test_pdf_ua.py``); ``describe_pdf`` gives a summary for people.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from typing import Any

PDF_VARIANT = "pdf/ua-1"
# Inherited by every element unless a stylesheet says otherwise (user origin: below the author's).
BASE_CSS = 'html { hyphenate-character: "\\2D"; }'
HEADINGS = ("H1", "H2", "H3", "H4", "H5", "H6")

_SVG_RE = re.compile(r"<svg\b[^>]*>.*?</svg>", re.DOTALL | re.IGNORECASE)
_SVG_NS = "{http://www.w3.org/2000/svg}"


def write_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """``html`` (a whole document with ``<html lang>`` and ``<title>``) as a PDF/UA-1 file."""
    from weasyprint import CSS, HTML  # heavy import: only when a PDF is actually made

    return HTML(string=svg_as_images(html), base_url=base_url).write_pdf(
        pdf_variant=PDF_VARIANT, stylesheets=[CSS(string=BASE_CSS)], finisher=_describe_links,
    )


def _describe_links(document: Any, pdf: Any) -> None:
    """Give each link annotation its link text as ``/Contents`` (PDF/UA-1 7.18.5: an alternate
    description), where WeasyPrint puts the bare target ("afsnit-purpose").

    Reads WeasyPrint's laid-out boxes (pinned version); should they change shape, the links keep
    WeasyPrint's own ``/Contents``.
    """
    import pydyf

    for page in document.pages:
        root = getattr(page, "_page_box", None)
        if root is None:
            return
        for box in root.descendants():
            annotation = getattr(box, "link_annotation", None)
            element = getattr(box, "element", None)
            if annotation is None or element is None:
                continue
            text = element.get("aria-label") or element.get("title") or "".join(element.itertext())
            text = " ".join(text.split())
            if text:
                annotation["Contents"] = pydyf.String(text)


class HTML:
    """A stand-in for the part of ``weasyprint.HTML`` the product uses, writing PDF/UA-1:
    ``HTML(string=html).write_pdf()``. A module that did ``from weasyprint import HTML`` switches
    to accessible PDFs by importing this name instead."""

    def __init__(self, string: str, base_url: str | None = None) -> None:
        self.string = string
        self.base_url = base_url

    def write_pdf(self) -> bytes:
        return write_pdf(self.string, base_url=self.base_url)


def svg_as_images(html: str) -> str:
    """Every inline ``<svg role="img">`` in ``html`` as an ``<img>`` with Danish alt text.

    The alt text is the chart's title and description ("Trivsel. Alle: 61,2; Område Nord: …").
    An SVG without ``role="img"`` (decoration) or that is not well-formed XML is left as it is.
    """
    return _SVG_RE.sub(lambda m: _svg_image(m.group(0)), html)


def svg_alt_text(svg: str) -> str:
    """The SVG's ``<title>`` and ``<desc>`` as one sentence-like text ("" when it has neither)."""
    root = ET.fromstring(svg)
    parts = []
    for tag in ("title", "desc"):
        node = root.find(_SVG_NS + tag)
        if node is None:
            node = root.find(tag)
        text = " ".join("".join(node.itertext()).split()) if node is not None else ""
        if text:
            parts.append(text if text[-1] in ".!?:" else text + ".")
    return " ".join(parts)


def _svg_image(svg: str) -> str:
    try:
        root = ET.fromstring(svg)
        alt = svg_alt_text(svg)
    except ET.ParseError:
        return svg
    if root.get("role") != "img" or not alt:
        return svg
    # A data URL has no surrounding box to take 100 % of: give the image its viewBox size, and let
    # the stylesheet scale it (``img.chart { width: 100% }``).
    box = (root.get("viewBox") or "").split()
    standalone = svg
    if len(box) == 4:
        open_tag = svg[: svg.index(">") + 1]
        sized = re.sub(r'\s(width|height)="[^"]*"', "", open_tag)
        sized = sized.replace("<svg", f'<svg width="{box[2]}" height="{box[3]}"', 1)
        standalone = sized + svg[len(open_tag):]
    src = "data:image/svg+xml;base64," + base64.b64encode(standalone.encode("utf-8")).decode("ascii")
    classes = " ".join(filter(None, [root.get("class"), "chart"]))
    classes = " ".join(dict.fromkeys(classes.split()))
    return f'<img class="{escape(classes)}" alt="{escape(alt)}" src="{src}">'


# --- Reading a PDF back -------------------------------------------------------------------------

@dataclass
class StructNode:
    """One element of the structure tree: its standard type (after the role map) and children."""

    tag: str
    alt: str = ""
    children: list[StructNode] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class PdfReport:
    tagged: bool
    lang: str
    title: str
    display_title: bool
    pdfua_part: str
    tree: StructNode | None
    pages: int
    links: list[str] = field(default_factory=list)  # each link annotation's /Contents

    @property
    def tags(self) -> Counter:
        return Counter(n.tag for n in self.tree.walk()) if self.tree else Counter()

    @property
    def headings(self) -> list[str]:
        return [n.tag for n in self.tree.walk() if n.tag in HEADINGS] if self.tree else []


def read_pdf(data: bytes) -> PdfReport:
    """The accessibility-relevant facts of a PDF (needs pikepdf)."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        mark = root.get("/MarkInfo")
        tagged = bool(mark is not None and mark.get("/Marked", False))
        prefs = root.get("/ViewerPreferences")
        display_title = bool(prefs is not None and prefs.get("/DisplayDocTitle", False))
        title = str(pdf.docinfo.get("/Title", "")) if pdf.docinfo is not None else ""
        part = ""
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            title = title or str(meta.get("dc:title", "") or "")
            part = str(meta.get("pdfuaid:part", "") or "")
        tree = None
        struct_root = root.get("/StructTreeRoot")
        if struct_root is not None:
            role_map = struct_root.get("/RoleMap")
            roles = {str(k): str(v) for k, v in role_map.items()} if role_map is not None else {}
            tree = StructNode("StructTreeRoot")
            _read_kids(struct_root.get("/K"), tree, roles, set())
        links = [str(a.get("/Contents", "")).strip()
                 for page in pdf.pages for a in page.get("/Annots", [])
                 if a.get("/Subtype") == "/Link"]
        return PdfReport(
            tagged=tagged, lang=str(root.get("/Lang", "")), title=title.strip(),
            display_title=display_title, pdfua_part=part, tree=tree, pages=len(pdf.pages),
            links=links,
        )


def _read_kids(kids: Any, parent: StructNode, roles: dict[str, str], seen: set[tuple[int, int]]) -> None:
    import pikepdf

    if kids is None:
        return
    if isinstance(kids, pikepdf.Array):
        for kid in kids:
            _read_kids(kid, parent, roles, seen)
        return
    if not isinstance(kids, pikepdf.Dictionary) or "/S" not in kids:
        return  # a marked-content id, a marked-content or object reference: content, not structure
    if kids.is_indirect:
        if kids.objgen in seen:
            return
        seen.add(kids.objgen)
    tag = str(kids["/S"])
    for _ in range(10):  # follow the role map to a standard type (guarding against loops)
        if tag not in roles:
            break
        tag = roles[tag]
    alt = str(kids.get("/Alt", "") or kids.get("/ActualText", "") or "")
    node = StructNode(tag.lstrip("/"), alt.strip())
    parent.children.append(node)
    _read_kids(kids.get("/K"), node, roles, seen)


def check_pdf(data: bytes) -> list[str]:
    """What keeps the PDF from being accessible; ``[]`` when nothing does.

    Checked: tagged with a structure tree, PDF/UA identification, document language, a title
    shown in the title bar, at least one heading, the first heading an H1 and no level skipped on
    the way down, a header cell (TH) in every table, alternative text on every figure, a
    description on every link.
    """
    info = read_pdf(data)
    problems = []
    if not info.tagged:
        problems.append("The PDF is not tagged (/MarkInfo /Marked is not true).")
    if info.tree is None or not info.tree.children:
        problems.append("The PDF has no structure tree (/StructTreeRoot).")
        return problems
    if info.pdfua_part != "1":
        problems.append("The XMP metadata does not identify the PDF as PDF/UA-1 (pdfuaid:part).")
    if not info.lang:
        problems.append("The document language (/Lang) is missing: set <html lang=\"da\">.")
    if not info.title:
        problems.append("The document title is missing: set <title>.")
    elif not info.display_title:
        problems.append("The viewer shows the file name, not the title (/DisplayDocTitle).")
    problems += _heading_problems(info.headings)
    for n, table in enumerate((t for t in info.tree.walk() if t.tag == "Table"), start=1):
        if not any(c.tag == "TH" for c in table.walk()):
            problems.append(f"Table {n} has no header cell (TH).")
    for n, figure in enumerate((f for f in info.tree.walk() if f.tag == "Figure"), start=1):
        if not figure.alt:
            problems.append(f"Figure {n} has no alternative text (/Alt).")
    for n, contents in enumerate(info.links, start=1):
        if not contents:
            problems.append(f"Link {n} has no description (/Contents).")
    return problems


def _heading_problems(headings: list[str]) -> list[str]:
    """At least one heading, the first an H1, no level skipped on the way down."""
    if not headings:
        return ["The PDF has no heading (H1–H6)."]
    problems = []
    if headings[0] != "H1":
        problems.append(f"The first heading is {headings[0]}, not H1.")
    for before, after in zip(headings, headings[1:], strict=False):
        if int(after[1]) > int(before[1]) + 1:
            problems.append(f"A heading level is skipped: {before} is followed by {after}.")
            break
    return problems


def describe_pdf(data: bytes) -> str:
    """A short summary for people: "Tagged: yes, Lang: da, Title: …, tags: H1×1, H2×9, …"."""
    info = read_pdf(data)
    tags = ", ".join(f"{t}×{n}" for t, n in sorted(info.tags.items()) if t != "StructTreeRoot")
    return (f"Tagged: {'yes' if info.tagged else 'no'}, PDF/UA: {info.pdfua_part or '–'}, "
            f"Lang: {info.lang or '–'}, Title: {info.title or '–'}, pages: {info.pages}, "
            f"tags: {tags or '–'}")
