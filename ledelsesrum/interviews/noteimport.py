"""Read interview notes from ``.txt``, ``.md`` and ``.docx`` files, and match files to interviews.

Pure Python (no Django). A file becomes a list of :class:`Section`: the text under a heading that
names a theme of the codebook goes to that theme's summary (``theme_id``), everything else to
the interview's general notes (``theme_id == ""``). A heading is

- a Word paragraph in a heading style ("Heading 1", "Overskrift 2", "Title"), a Markdown ``#``
  line, or any line/paragraph that on its own names a theme ("Tid til ledelse", "3b Tid til
  ledelse", "Tema 3"); only headings that match a theme (``themes.match_heading``) start a
  theme section, other headings stay in the text as a line of their own.

Every problem raises :class:`NoteFileError` with a Danish message fit for the user.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from ledelsesrum.coding.codebook import Codebook
from ledelsesrum.lib import tabular
from ledelsesrum.lib.archive import ArchiveRefused, check_zip

from .themes import match_heading

SUFFIXES = (".txt", ".md", ".docx")
MAX_NOTE_BYTES = 10 * 1024 * 1024
MAX_HEADING_CHARS = 120
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary .doc
_ZIP_MAGIC = b"PK\x03\x04"


class NoteFileError(ValueError):
    """A file that cannot be imported; the message (Danish) says why and what to do."""


@dataclass(frozen=True)
class Block:
    text: str
    heading: bool = False


@dataclass(frozen=True)
class Section:
    theme_id: str  # "" for general notes
    text: str


@dataclass
class ParsedNoteFile:
    filename: str
    format: str
    sections: list[Section] = field(default_factory=list)
    encoding: str = ""

    @property
    def characters(self) -> int:
        return sum(len(s.text) for s in self.sections)

    @property
    def theme_ids(self) -> list[str]:
        return [s.theme_id for s in self.sections if s.theme_id]


def read_note_file(
    filename: str, data: bytes, *, max_bytes: int = MAX_NOTE_BYTES, codebook: Codebook | None = None,
) -> ParsedNoteFile:
    """Parse one uploaded file into theme sections (see the module docstring)."""
    name = PurePath(filename).name or filename
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        shown = suffix or "(ingen endelse)"
        raise NoteFileError(
            f"{name}: filtypen {shown} kan ikke importeres. Brug .txt, .md eller .docx."
        )
    if len(data) > max_bytes:
        raise NoteFileError(
            f"{name}: filen er for stor ({len(data) / 1024 / 1024:.1f} MB). "
            f"Grænsen er {max_bytes / 1024 / 1024:.0f} MB pr. fil."
        )
    if not data.strip():
        raise NoteFileError(f"{name}: filen er tom.")
    encoding = ""
    if suffix == ".docx":
        blocks = blocks_from_docx(name, data)
        fmt = "docx"
    else:
        if data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC):
            raise NoteFileError(
                f"{name}: filen er et Word-dokument, ikke ren tekst. Gem den som .docx og prøv igen."
            )
        text, encoding = decode_text(name, data)
        if suffix == ".md":
            blocks = blocks_from_markdown(text)
            fmt = "md"
        else:
            blocks = [Block(line) for line in text.split("\n")]
            fmt = "txt"
    sections = sections_from_blocks(blocks, codebook)
    if not sections:
        raise NoteFileError(f"{name}: filen indeholder ingen tekst.")
    return ParsedNoteFile(filename=name, format=fmt, sections=sections, encoding=encoding)


def decode_text(name: str, data: bytes) -> tuple[str, str]:
    """Decode a text file the way ``lib.tabular`` decodes a CSV (UTF-8 with or without BOM,
    UTF-16 with BOM, Windows-1252, then a guess), with line endings and Unicode normalised."""
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if b"\x00" in data and not utf16:
        raise NoteFileError(f"{name}: filen ligner ikke en tekstfil (den indeholder binære data).")
    try:
        text, encoding = tabular.decode_text(data)
    except tabular.TabularError as exc:
        raise NoteFileError(f"{name}: {exc}") from exc
    if utf16 and encoding != "utf-16":
        raise NoteFileError(f"{name}: filen kunne ikke læses som UTF-16-tekst.")
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text, encoding


_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_MD_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")


def blocks_from_markdown(text: str) -> list[Block]:
    lines = text.split("\n")
    blocks: list[Block] = []
    for line in lines:
        m = _MD_HEADING.match(line)
        if m:
            blocks.append(Block(m.group("text"), heading=True))
        elif _MD_UNDERLINE.match(line) and blocks and blocks[-1].text.strip() and not blocks[-1].heading:
            # Setext heading: the previous line was the heading text.
            blocks[-1] = Block(blocks[-1].text, heading=True)
        else:
            blocks.append(Block(line))
    return blocks


def blocks_from_docx(name: str, data: bytes) -> list[Block]:
    """Paragraphs and table cells of a Word document, in document order."""
    if data.startswith(_OLE_MAGIC):
        raise NoteFileError(
            f"{name}: filen er et ældre Word-dokument (.doc). Åbn den i Word, gem den som .docx, og prøv igen."
        )
    unreadable = (f"{name}: filen kunne ikke læses som Word-dokument (.docx). Den er måske "
                  "beskadiget eller har fået forkert endelse.")
    if not data.startswith(_ZIP_MAGIC) or not zipfile.is_zipfile(io.BytesIO(data)):
        raise NoteFileError(unreadable)
    try:
        check_zip(data, "Word-dokumentet")
    except ArchiveRefused as exc:
        raise NoteFileError(f"{name}: {exc}") from None
    except zipfile.BadZipFile:
        raise NoteFileError(unreadable) from None
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[Block] = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                seen: set[int] = set()
                for row in item.rows:
                    for cell in row.cells:
                        if id(cell._tc) in seen:  # merged cells repeat
                            continue
                        seen.add(id(cell._tc))
                        blocks.extend(Block(p.text) for p in cell.paragraphs)
            else:
                style = (item.style.name if item.style is not None else "") or ""
                blocks.append(Block(item.text, heading=_is_heading_style(style)))
    except Exception as exc:  # noqa: BLE001 — python-docx raises many types for a broken file
        raise NoteFileError(
            f"{name}: filen kunne ikke læses som Word-dokument (.docx). Den er måske beskadiget. "
            "Åbn den i Word, gem den igen, og prøv igen."
        ) from exc
    return blocks


def _is_heading_style(style: str) -> bool:
    lowered = style.casefold()
    return lowered.startswith(("heading", "overskrift")) or lowered in {"title", "titel"}


def sections_from_blocks(blocks: Iterable[Block], codebook: Codebook | None = None) -> list[Section]:
    """Group blocks under the theme headings; join repeated themes; drop empty sections."""
    order: list[str] = []
    texts: dict[str, list[str]] = {}
    current = ""
    for block in blocks:
        line = block.text.rstrip()
        stripped = line.strip()
        theme = None
        if stripped and (block.heading or len(stripped) <= MAX_HEADING_CHARS):
            theme = match_heading(stripped, codebook)
        if theme is not None:
            current = theme
            continue
        if current not in texts:
            texts[current] = []
            order.append(current)
        texts[current].append(line)
    sections = []
    for theme_id in order:
        text = _tidy("\n".join(texts[theme_id]))
        if text:
            sections.append(Section(theme_id, text))
    return sections


def _tidy(text: str) -> str:
    # At most one blank line between paragraphs, no leading/trailing blank lines.
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- matching files to interviews -------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    interview_id: int
    leader_name: str
    leader_email: str
    cancelled: bool = False


_TRANSLIT = [("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("ä", "ae"), ("ö", "oe"), ("ü", "ue")]


def _variants(word: str) -> set[str]:
    """A name word and how it tends to be spelled in file names ("Bøgh": bøgh, boegh, bogh)."""
    word = word.casefold()
    long = short = word
    for letter, replacement in _TRANSLIT:
        long = long.replace(letter, replacement)
        short = short.replace(letter, replacement[0])
    plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return {word, long, short, plain}


def _tokens(filename: str) -> set[str]:
    stem = PurePath(filename).stem.casefold()
    return {t for t in re.split(r"[^0-9a-zæøåäöüé]+", stem) if t}


def matches_for(filename: str, candidates: Sequence[Candidate]) -> list[int]:
    """Interviews whose leader's e-mail or name is in ``filename``.

    The e-mail matches anywhere in the name; a name matches when every part of it, or its first
    and last part, is a word of the file name ("hanne_boegh_madsen.docx", "Madsen Hanne.txt").
    When several interviews match, those not cancelled are preferred.
    """
    lowered = PurePath(filename).name.casefold()
    tokens = _tokens(filename)
    found = [c for c in candidates if c.leader_email and c.leader_email.casefold() in lowered]
    if not found:
        scored = [(_name_score(c.leader_name, tokens), c) for c in candidates]
        best = max((score for score, _ in scored), default=0)
        # "anne_lund_kristensen" is Anne Lund Kristensen, not Anne Lund: the fullest match wins.
        found = [c for score, c in scored if score and score == best]
    active = [c for c in found if not c.cancelled]
    return [c.interview_id for c in (active or found)]


def _name_score(name: str, tokens: set[str]) -> int:
    """How many parts of ``name`` the file name holds; 0 unless all parts, or the first and last
    part of a name of three or more, are there."""
    parts = [p for p in re.split(r"[\s\-]+", name.strip()) if len(p) >= 2]
    present = [bool(_variants(p) & tokens) for p in parts]
    if parts and all(present):
        return len(parts)
    if len(parts) > 2 and present[0] and present[-1]:
        return sum(present)
    return 0
