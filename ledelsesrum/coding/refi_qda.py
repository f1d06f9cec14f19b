"""REFI-QDA project exchange (``.qdpx``): a study's interview notes, codebook, coded meaning units
and memos out to NVivo, ATLAS.ti, MAXQDA or QualCoder, and coded segments back in.

A ``.qdpx`` is a zip with ``project.qde`` (XML, namespace ``urn:QDA-XML:project:1.0``) and the
plain texts under ``sources/<guid>.txt`` (UTF-8), referenced as ``plainTextPath="internal://<guid>.txt"``.

Mapping (docs/coding.md, "REFI-QDA-projekt"):

- one ``TextSource`` per interview note (notes, per-theme summary, overall summary) of the study's
  interviews that are not cancelled; its text is the stored, pseudonymised note text, exactly;
- the study's codebook as ``CodeBook`` (themes not codable, sub-themes codable, names
  ``"<id>) <label>"``);
- one ``PlainTextSelection`` per coded meaning unit, with ``startPosition``/``endPosition`` in
  characters (Unicode code points, end exclusive) of the note text, and one ``Coding`` with the
  unit's code; units store text, not offsets, so each unit is located in its note (``locate``);
- memos as ``Notes``: a unit's condensed meaning (``NoteRef`` on its selection) and the essence of
  a sub-theme (``NoteRef`` on its code);
- the coders as ``Users``.

GUIDs are uuid5 over the study (``study_key``) and what they name, so the same note, code or unit
keeps its GUID across exports, and two studies never share one.

The top half of this module is pure (build and parse the file, locate texts); ``export_study``
and ``import_into_study`` below are the database side. Views and commands are thin.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import unicodedata
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils.translation import gettext as _

from .codebook import (
    Codebook,
    CodebookError,
    SubTheme,
    Theme,
    _letters,
    code_guid,
    split_code_name,
    split_examples,
    write_codes,
)

NS = "urn:QDA-XML:project:1.0"
_N = f"{{{NS}}}"
PROJECT_FILE = "project.qde"
ORIGIN = "Ledelsesrum"
_NAMESPACE = uuid.UUID("0b6f3c0e-5d8e-4d2b-9a51-7c3a2e9f4d10")

# Zip guard: the upload itself is capped by LEDELSESRUM_MAX_UPLOAD_BYTES (20 MiB by default).
MAX_MEMBERS = 5_000
MAX_UNCOMPRESSED = 64 * 1024 * 1024
MAX_RATIO = 100
RATIO_FROM = 8 * 1024 * 1024

CONDENSED_MEMO = "Kondenseret mening"
ESSENCE_MEMO = "Essens"


class QdpxError(ValueError):
    """A file that cannot be read as a REFI-QDA project; the message is Danish."""


class ImportRefused(ValueError):
    """The project clashes with the study; ``problems`` lists every clash in Danish."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


# --- the project, as data ---------------------------------------------------------------------


@dataclass
class Memo:
    guid: str
    name: str
    text: str


@dataclass
class Coding:
    guid: str
    code_guid: str
    user_guid: str = ""
    created: dt.datetime | None = None


@dataclass
class Selection:
    guid: str
    start: int
    end: int
    codings: list[Coding] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)
    user_guid: str = ""
    created: dt.datetime | None = None


@dataclass
class Source:
    guid: str
    name: str
    text: str | None  # None: not a plain-text source (PDF, picture, audio, video, rich text only)
    selections: list[Selection] = field(default_factory=list)
    codings: list[Coding] = field(default_factory=list)  # codings of the whole source
    note_refs: list[str] = field(default_factory=list)
    kind: str = "TextSource"


@dataclass
class Code:
    guid: str
    name: str
    codable: bool = True
    description: str = ""
    children: list[Code] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)


@dataclass
class User:
    guid: str
    name: str


@dataclass
class Project:
    name: str
    origin: str = ORIGIN
    users: list[User] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    memos: list[Memo] = field(default_factory=list)
    creating_user: str = ""
    created: dt.datetime | None = None
    codebook: Codebook | None = None  # export: written with ``codebook.write_codes``
    code_scope: str = ""
    code_note_refs: dict[str, list[str]] = field(default_factory=dict)

    def all_codes(self) -> Iterable[Code]:
        stack = list(reversed(self.codes))
        while stack:
            code = stack.pop()
            yield code
            stack.extend(reversed(code.children))


def guid(scope: str, *parts: object) -> str:
    """A deterministic GUID for something of a study: uuid5 over the study key and ``parts``."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join([scope, *map(str, parts)])))


# --- writing ------------------------------------------------------------------------------------


def _when(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _attrs(**values: str | None) -> dict[str, str]:
    return {k: v for k, v in values.items() if v not in (None, "")}


def _write_coding(parent: ET.Element, coding: Coding) -> None:
    c = ET.SubElement(parent, f"{_N}Coding", _attrs(
        guid=coding.guid, creatingUser=coding.user_guid, creationDateTime=_when(coding.created)))
    ET.SubElement(c, f"{_N}CodeRef", {"targetGUID": coding.code_guid})


def _write_code(parent: ET.Element, code: Code) -> None:
    el = ET.SubElement(parent, f"{_N}Code", {
        "guid": code.guid, "name": code.name, "isCodable": "true" if code.codable else "false"})
    if code.description:
        ET.SubElement(el, f"{_N}Description").text = code.description
    for target in code.note_refs:
        ET.SubElement(el, f"{_N}NoteRef", {"targetGUID": target})
    for child in code.children:
        _write_code(el, child)


def project_xml(project: Project) -> bytes:
    """``project.qde`` of ``project`` (sources refer to ``internal://<guid>.txt``)."""
    ET.register_namespace("", NS)
    root = ET.Element(f"{_N}Project", _attrs(
        name=project.name, origin=project.origin, creatingUserGUID=project.creating_user,
        creationDateTime=_when(project.created)))
    if project.users:
        users = ET.SubElement(root, f"{_N}Users")
        for user in project.users:
            ET.SubElement(users, f"{_N}User", _attrs(guid=user.guid, name=user.name))
    if project.codebook is not None or project.codes:
        codes = ET.SubElement(ET.SubElement(root, f"{_N}CodeBook"), f"{_N}Codes")
        if project.codebook is not None:
            write_codes(codes, project.codebook, _N, scope=project.code_scope, themes_codable=False,
                        note_refs=project.code_note_refs)
        for code in project.codes:
            _write_code(codes, code)
    if project.sources:
        sources = ET.SubElement(root, f"{_N}Sources")
        for source in project.sources:
            el = ET.SubElement(sources, f"{_N}TextSource", _attrs(
                guid=source.guid, name=source.name, plainTextPath=f"internal://{source.guid}.txt"))
            for sel in source.selections:
                s = ET.SubElement(el, f"{_N}PlainTextSelection", _attrs(
                    guid=sel.guid, startPosition=str(sel.start), endPosition=str(sel.end),
                    creatingUser=sel.user_guid, creationDateTime=_when(sel.created)))
                for coding in sel.codings:
                    _write_coding(s, coding)
                for target in sel.note_refs:
                    ET.SubElement(s, f"{_N}NoteRef", {"targetGUID": target})
            for coding in source.codings:
                _write_coding(el, coding)
            for target in source.note_refs:
                ET.SubElement(el, f"{_N}NoteRef", {"targetGUID": target})
    if project.memos:
        notes = ET.SubElement(root, f"{_N}Notes")
        for memo in project.memos:
            n = ET.SubElement(notes, f"{_N}Note", _attrs(guid=memo.guid, name=memo.name))
            ET.SubElement(n, f"{_N}PlainTextContent").text = memo.text
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def write_qdpx(project: Project) -> bytes:
    """The ``.qdpx`` zip: ``project.qde`` and ``sources/<guid>.txt`` (UTF-8) per text source."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(PROJECT_FILE, project_xml(project))
        for source in project.sources:
            zf.writestr(f"sources/{source.guid}.txt", (source.text or "").encode("utf-8"))
    return buffer.getvalue()


# --- reading ------------------------------------------------------------------------------------


def is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def _check_zip(zf: zipfile.ZipFile, packed: int) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise QdpxError(_("Projektfilen består af %(n)d dele; der kan højst indlæses %(max)d.")
                        % {"n": len(infos), "max": MAX_MEMBERS})
    total = sum(max(0, info.file_size) for info in infos)
    if total > MAX_UNCOMPRESSED or (total > RATIO_FROM and total > MAX_RATIO * max(1, packed)):
        raise QdpxError(
            _("Projektfilen fylder %(size).0f MB, når den pakkes ud (%(packed).1f MB pakket); der kan højst "
              "indlæses %(max)d MB udpakket. Eksportér projektet uden lyd, video og billeder, og prøv igen.")
            % {"size": total / 1024 / 1024, "packed": packed / 1024 / 1024, "max": MAX_UNCOMPRESSED // 1024 // 1024})


def _member(zf: zipfile.ZipFile, wanted: str) -> zipfile.ZipInfo | None:
    """The zip member ``wanted`` (case-insensitive, ``\\`` as ``/``, a leading folder allowed)."""
    wanted = wanted.replace("\\", "/").lstrip("/").casefold()
    fallback = None
    for info in zf.infolist():
        name = info.filename.replace("\\", "/").lstrip("/").casefold()
        if name == wanted:
            return info
        if fallback is None and name.endswith("/" + wanted) and name.count("/") == wanted.count("/") + 1:
            fallback = info
    return fallback


def _parse_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _refs(el: ET.Element) -> list[str]:
    return [r.get("targetGUID", "").strip("{}").lower() for r in el.findall(f"{_N}NoteRef")]


def _g(value: str | None) -> str:
    return (value or "").strip().strip("{}").lower()


def _codings(el: ET.Element) -> list[Coding]:
    out = []
    for c in el.findall(f"{_N}Coding"):
        ref = c.find(f"{_N}CodeRef")
        out.append(Coding(_g(c.get("guid")), _g(ref.get("targetGUID") if ref is not None else ""),
                          _g(c.get("creatingUser")), _parse_time(c.get("creationDateTime"))))
    return out


def _read_code(el: ET.Element, depth: int = 0) -> Code:
    if depth > 24:
        raise QdpxError(_("Projektfilens kodetræ har mere end 24 niveauer; så dybe kodetræer kan ikke indlæses."))
    d = el.find(f"{_N}Description")
    return Code(
        _g(el.get("guid")), (el.get("name") or "").strip(), (el.get("isCodable") or "true").strip() in {"true", "1"},
        (d.text or "").strip() if d is not None else "",
        [_read_code(child, depth + 1) for child in el.findall(f"{_N}Code")], _refs(el),
    )


def _int(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def _read_text(zf: zipfile.ZipFile, path: str, name: str) -> str:
    """The plain text at ``plainTextPath`` (``internal://x.txt`` → ``sources/x.txt``)."""
    if not path.lower().startswith("internal://"):
        raise QdpxError(_("Kilden »%(name)s« ligger uden for projektfilen (%(path)s); eksportér projektet med "
                          "kildeteksterne indlejret, og prøv igen.") % {"name": name, "path": path})
    rel = path[len("internal://"):]
    info = _member(zf, f"sources/{rel}") or _member(zf, rel)
    if info is None:
        raise QdpxError(_("Kildeteksten til »%(name)s« (%(path)s) mangler i projektfilen.") % {"name": name, "path": path})
    raw = zf.read(info)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise QdpxError(_("Kildeteksten til »%(name)s« er ikke UTF-8-tekst, som REFI-QDA kræver.") % {"name": name}) from None


def read_qdpx(data: bytes) -> Project:
    """Parse a ``.qdpx`` (or a bare ``project.qde``). Raises :class:`QdpxError` (Danish) for a
    broken zip, a missing ``project.qde``, invalid XML, a DOCTYPE/ENTITY declaration, a file that
    is not a REFI-QDA project, and source texts that are missing or not UTF-8."""
    xml, zf = _project_xml(data)
    root = _project_root(xml)
    project = Project(name=root.get("name") or "", origin=root.get("origin") or "",
                      creating_user=_g(root.get("creatingUserGUID")))
    users = root.find(f"{_N}Users")
    for u in users.findall(f"{_N}User") if users is not None else []:
        project.users.append(User(_g(u.get("guid")), u.get("name") or ""))
    codes = root.find(f"{_N}CodeBook/{_N}Codes")
    if codes is not None:
        project.codes = [_read_code(c) for c in codes.findall(f"{_N}Code")]
    sources = root.find(f"{_N}Sources")
    for el in list(sources) if sources is not None else []:
        project.sources.append(_read_source(el, zf))
    notes = root.find(f"{_N}Notes")
    for n in notes.findall(f"{_N}Note") if notes is not None else []:
        project.memos.append(_read_memo(n, zf))
    return project


def _project_xml(data: bytes) -> tuple[bytes, zipfile.ZipFile | None]:
    """The ``project.qde`` bytes, and the zip when the upload is a ``.qdpx`` (for source texts)."""
    if not data:
        raise QdpxError(_("Filen er tom."))
    zf: zipfile.ZipFile | None = None
    if is_zip(data):
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            _check_zip(zf, len(data))
            info = _member(zf, PROJECT_FILE)
            if info is None:
                qde = [i for i in zf.infolist() if i.filename.lower().endswith(".qde")]
                info = qde[0] if len(qde) == 1 else None
            if info is None:
                raise QdpxError(_("Zip-filen indeholder ingen project.qde, så den er ikke et REFI-QDA-projekt (.qdpx)."))
            xml = zf.read(info)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError):
            raise QdpxError(_("Filen ligner en .qdpx (zip), men den er beskadiget eller ufuldstændig. "
                              "Eksportér projektet igen, og prøv på ny.")) from None
    elif data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        xml = data
    else:
        raise QdpxError(_("Filen er hverken en .qdpx (zip) eller en project.qde (XML)."))
    return xml, zf


def _project_root(xml: bytes) -> ET.Element:
    """The ``<Project>`` element; DOCTYPE/ENTITY refused before parsing (entity expansion)."""
    if re.search(rb"<!(DOCTYPE|ENTITY)", xml[:65536], flags=re.IGNORECASE):
        raise QdpxError(_("project.qde indeholder en DOCTYPE- eller ENTITY-erklæring; den kan ikke bruges."))
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise QdpxError(_("project.qde er ikke gyldig XML: %(error)s") % {"error": exc}) from None
    if root.tag != f"{_N}Project":
        raise QdpxError(_("project.qde har ikke et <Project> i navnerummet urn:QDA-XML:project:1.0, så filen er "
                          "ikke et REFI-QDA-projekt."))
    return root


def _read_source(el: ET.Element, zf: zipfile.ZipFile | None) -> Source:
    """One element of ``<Sources>``; only a ``TextSource`` gets a text and selections."""
    kind = el.tag.removeprefix(_N)
    name = el.get("name") or _g(el.get("guid"))
    source = Source(_g(el.get("guid")), name, None, kind=kind, codings=_codings(el), note_refs=_refs(el))
    if kind == "TextSource":
        content = el.find(f"{_N}PlainTextContent")
        path = el.get("plainTextPath")
        if content is not None:
            source.text = content.text or ""
        elif path:
            if zf is None:
                raise QdpxError(_("Kilden »%(name)s« har sin tekst i en fil; upload hele .qdpx-filen, ikke kun "
                                  "project.qde.") % {"name": name})
            source.text = _read_text(zf, path, name)
        for s in el.findall(f"{_N}PlainTextSelection"):
            start, end = _int(s.get("startPosition")), _int(s.get("endPosition"))
            source.selections.append(Selection(
                _g(s.get("guid")), -1 if start is None else start, -1 if end is None else end,
                _codings(s), _refs(s), _g(s.get("creatingUser")), _parse_time(s.get("creationDateTime"))))
    else:
        # Codings inside selections of PDFs, pictures, audio and video: counted, never mapped.
        source.codings += [c for sel in el.iter() if sel is not el for c in _codings(sel)]
    return source


def _read_memo(n: ET.Element, zf: zipfile.ZipFile | None) -> Memo:
    """One ``<Note>``; a memo whose text file is missing is kept empty rather than refusing the file."""
    content = n.find(f"{_N}PlainTextContent")
    text = (content.text or "") if content is not None else ""
    if content is None and n.get("plainTextPath") and zf is not None:
        try:
            text = _read_text(zf, n.get("plainTextPath") or "", n.get("name") or "")
        except QdpxError:
            text = ""
    return Memo(_g(n.get("guid")), n.get("name") or "", text.strip())


# --- locating unit texts in a note ----------------------------------------------------------------

_FOLD = {"\u01af": "ff", "\u01b0": "ff"}  # PDF glitches that text.normalise repairs


def _key(text: str) -> tuple[str, list[int]]:
    """Letters and digits of ``text``, case-folded (NFKC, ligatures and PDF glitches unfolded),
    and for each of them its index in ``text``. Whitespace, punctuation, soft hyphens and
    hyphenation at line ends do not count, which is all ``text.normalise`` changes."""
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            if ch.isalnum():
                chars.append(ch.lower())
                index.append(i)
            continue
        for c in _FOLD.get(ch) or unicodedata.normalize("NFKC", ch).casefold():
            if c.isalnum():
                chars.append(c)
                index.append(i)
    return "".join(chars), index


_OPENERS = "\"'«»“”„‚‘’([{"


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in punctuation that touches the span (a closing full stop, an opening quote)."""
    while start > 0 and not text[start - 1].isspace() and not text[start - 1].isalnum() and text[start - 1] in _OPENERS:
        start -= 1
    while end < len(text) and not text[end].isspace() and not text[end].isalnum():
        end += 1
    return start, end


def _extend(text: str, start: int, end: int, piece: str) -> tuple[int, int]:
    """Take in what the unit has before its first and after its last letter or digit (a bullet,
    a quote, the closing full stop), as far as the note has the same characters there."""
    alnum = [i for i, ch in enumerate(piece) if ch.isalnum()]
    prefix, suffix = piece[:alnum[0]], piece[alnum[-1] + 1:]
    for ch in reversed(prefix):
        if ch.isspace():
            continue
        k = start - 1
        while k >= 0 and text[k] in " \t":
            k -= 1
        if k < 0 or text[k] != ch:
            break
        start = k
    for ch in suffix:
        if ch.isspace():
            continue
        k = end
        while k < len(text) and text[k] in " \t":
            k += 1
        if k >= len(text) or text[k] != ch:
            break
        end = k + 1
    return start, end


@dataclass(frozen=True)
class Located:
    start: int
    end: int
    exact: bool  # False: found by similarity (the unit's text was edited)


def locate(text: str, pieces: Sequence[str], *, min_ratio: float = 0.75) -> list[Located | None]:
    """Where each of ``pieces`` (meaning-unit texts, in order) stands in ``text`` (a note).

    Units hold normalised text (whitespace collapsed, hyphenation joined, ligatures repaired), so
    the search compares letters and digits only (``_key``), from where the previous unit ended
    (then from the start). A unit whose text was edited afterwards is placed where its text is
    most similar (≥ ``min_ratio`` over a window of its own length around the longest common run);
    ``None`` when it cannot be placed."""
    hay, index = _key(text)
    out: list[Located | None] = []
    cursor = 0
    for piece in pieces:
        needle, _idx = _key(piece)
        if not needle:
            out.append(None)
            continue
        k = hay.find(needle, cursor)
        if k < 0:
            k = hay.find(needle)
        exact = k >= 0
        length = len(needle)
        if not exact:
            matcher = SequenceMatcher(None, hay, needle, autojunk=False)
            a, b, size = matcher.find_longest_match(0, len(hay), 0, len(needle))
            if size < min(12, length):
                out.append(None)
                continue
            k = max(0, a - b)
            window = hay[k:k + length]
            if SequenceMatcher(None, window, needle, autojunk=False).ratio() < min_ratio:
                out.append(None)
                continue
            length = len(window)
        start, end = index[k], index[k + length - 1] + 1
        start, end = _extend(text, start, end, piece) if exact else _widen(text, start, end)
        out.append(Located(start, end, exact))
        cursor = k + length
    return out


def _core(text: str, start: int, end: int) -> str:
    """What a span says, for comparing two spans: its letters and digits."""
    return _key(text[start:end])[0]


def unit_text(text: str, start: int, end: int) -> str:
    """The text a new meaning unit gets from a span of its note: normalised like the units the
    engine cuts (one line, whitespace collapsed)."""
    from .text import normalise

    return " ".join(normalise(text[start:end]).split())


def map_offsets(source_text: str, note_text: str) -> dict[int, int] | None:
    """When the file's text and the note differ only in line endings, spacing or hyphenation,
    a map from positions in the file's text to positions in the note (by letters and digits);
    ``None`` when they say different things."""
    a, ia = _key(source_text)
    b, ib = _key(note_text)
    if a != b:
        return None
    return dict(zip(ia, ib, strict=True))


def _translate(offsets: dict[int, int] | None, source_text: str, note_text: str, start: int, end: int) -> tuple[int, int] | None:
    """A selection of the file's text as a span of the note."""
    if offsets is None:
        return start, end
    inner = [i for i in range(start, end) if i in offsets]
    if not inner:
        return None
    s, e = offsets[inner[0]], offsets[inner[-1]] + 1
    return _widen(note_text, s, e)


def _same_text(a: str, b: str) -> bool:
    return a.replace("\r\n", "\n").replace("\r", "\n").strip() == b.replace("\r\n", "\n").replace("\r", "\n").strip()


def _label_key(label: str) -> str:
    return " ".join(unicodedata.normalize("NFC", label).casefold().split())


# ================================================================================================
# The database side: export a study, import into a study.
# ================================================================================================


def study_key(study) -> str:
    """What makes a study itself across exports: its id and the moment it was created (so study 1
    of one installation is not study 1 of another). The scope of every GUID of the study."""
    created = study.created_at
    stamp = created.astimezone(dt.UTC).isoformat(timespec="microseconds") if created else ""
    return f"ledelsesrum:study:{study.pk}:{stamp}"


def _note_name(note, theme_labels: dict[str, str]) -> str:
    """A source's name: interview number and kind of note, never the leader."""
    interview = _("Interview %(n)s") % {"n": note.interview_id}
    if note.kind == "notes":
        what = _("Noter")
    elif note.theme_id:
        label = theme_labels.get(note.theme_id, "")
        what = _("Resumé, tema %(id)s") % {"id": note.theme_id} + (f" {label}" if label else "")
    else:
        what = _("Samlet resumé")
    return f"{interview} · {what}"


def _study_notes(study):
    from ledelsesrum.interviews.models import Interview, InterviewNote

    return list(
        InterviewNote.objects.filter(interview__study=study)
        .exclude(interview__status=Interview.Status.CANCELLED)
        .exclude(text="")
        .select_related("interview")
        .order_by("interview_id", "kind", "theme_id", "id")
    )


def _coder_name(user, leader_names: set[str]) -> str:
    name = user.get_username()
    if name.casefold() in leader_names:
        return _("Koder %(n)s") % {"n": user.pk}
    return name


@dataclass
class ExportPlan:
    """What an export holds and what it leaves out, for the page and the command line."""

    project: Project
    sources: int = 0
    segments: int = 0
    memos: int = 0
    open_answers: int = 0  # coded units of open answers: never exported
    unplaced: list[int] = field(default_factory=list)  # unit ids whose text is no longer in the note
    approximate: int = 0  # units placed by similarity
    held_back: list[int] = field(default_factory=list)  # note ids holding a leader's name


def plan_export(study, user=None) -> ExportPlan:
    """The study's REFI-QDA project: every note of the study's non-cancelled interviews (the
    stored, pseudonymised text), the codebook, the coded units of notes with their codes, the
    condensed meanings and the essences. A note in which a leader's full name or e-mail from the
    register stands (a name the pseudonymiser could not know when the note was saved) is held
    back, with its units: leaders' names never go into the file."""
    from ledelsesrum.interviews.notes import load_register
    from ledelsesrum.organisation.models import Leader

    from .models import MeaningUnit, SubthemeEssence
    from .study_codebook import codebook_for
    from .text import shorten

    scope = study_key(study)
    codebook = codebook_for(study)
    theme_labels = {t.id: t.label for t in codebook.themes}
    register = load_register()
    emails = [e.casefold() for e in Leader.objects.exclude(email="").values_list("email", flat=True)]
    leader_names = {n.casefold() for n in register.full_names} | set(emails)
    project = Project(name=study.name, created=dt.datetime.now(dt.UTC), codebook=codebook, code_scope=scope)
    plan = ExportPlan(project)

    units_by_note: dict[int, list] = {}
    for unit in MeaningUnit.objects.filter(study=study).select_related("coded_by").order_by("position", "id"):
        if unit.interview_note_id is None:
            plan.open_answers += bool(unit.code)
            continue
        units_by_note.setdefault(unit.interview_note_id, []).append(unit)

    users: dict[int, User] = {}

    def user_guid(u) -> str:
        if u is None:
            return ""
        if u.pk not in users:
            users[u.pk] = User(guid(scope, "user", u.pk), _coder_name(u, leader_names))
        return users[u.pk].guid

    if user is not None and getattr(user, "is_authenticated", False):
        project.creating_user = user_guid(user)

    for note in _study_notes(study):
        units = units_by_note.get(note.pk, [])
        lowered = note.text.casefold()
        if any(True for _s in register.full_name_spans(note.text)) or any(e in lowered for e in emails):
            plan.held_back.append(note.pk)
            continue
        source = Source(guid(scope, "note", note.pk), _note_name(note, theme_labels), note.text)
        places = locate(note.text, [u.text for u in units])
        for unit, place in zip(units, places, strict=True):
            if not unit.code:
                continue
            if place is None:
                plan.unplaced.append(unit.pk)
                continue
            plan.approximate += not place.exact
            coder = user_guid(unit.coded_by)
            selection = Selection(
                guid(scope, "unit", unit.pk), place.start, place.end,
                [Coding(guid(scope, "unit", unit.pk, "code", unit.code), code_guid(unit.code, scope), coder, unit.coded_at)],
                user_guid=coder, created=unit.coded_at,
            )
            if unit.condensed.strip() and unit.condensed.strip() != shorten(unit.text):
                memo = Memo(guid(scope, "unit", unit.pk, "condensed"), CONDENSED_MEMO, unit.condensed.strip())
                project.memos.append(memo)
                selection.note_refs.append(memo.guid)
            source.selections.append(selection)
            plan.segments += 1
        project.sources.append(source)
    plan.sources = len(project.sources)

    for essence in SubthemeEssence.objects.filter(study=study).exclude(essence="").order_by("code"):
        if essence.code not in codebook:
            continue
        memo = Memo(guid(scope, "essence", essence.code), f"{ESSENCE_MEMO}: {essence.code}", essence.essence.strip())
        project.memos.append(memo)
        project.code_note_refs.setdefault(essence.code, []).append(memo.guid)
    project.users = list(users.values())
    plan.memos = len(project.memos)
    return plan


def export_study(study, user=None) -> tuple[bytes, ExportPlan]:
    """The ``.qdpx`` bytes of ``plan_export(study)`` and the plan. The caller audit-logs."""
    plan = plan_export(study, user)
    return write_qdpx(plan.project), plan


# --- import --------------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    sources: int = 0
    segments: int = 0  # (span, code) pairs in the file
    coded: int = 0  # existing uncoded units that got the code
    created: int = 0  # new units (a span no unit had, or a second code on a span)
    unchanged: int = 0  # already coded so
    new_codes: list[str] = field(default_factory=list)
    memos: int = 0
    skipped: list[str] = field(default_factory=list)  # what the file holds that has no place here
    unit_ids: list[int] = field(default_factory=list)


@dataclass
class _Target:
    """Where a file's code lands: a sub-theme id (codable) or a theme id (not codable here)."""

    code_id: str
    is_theme: bool


class _CodeMapper:
    """Maps the file's codes onto the study's codebook; new codes are added, clashes listed."""

    def __init__(self, codebook: Codebook, scope: str, used: Iterable[str]) -> None:
        self.codebook = codebook
        self.scope = scope
        self.problems: list[str] = []
        self.targets: dict[str, _Target] = {}
        self.labels: dict[str, str] = {}  # file guid → the file's label (messages)
        self.by_guid: dict[str, _Target] = {}
        for theme in codebook.themes:
            self.by_guid[code_guid(theme.id, scope)] = _Target(theme.id, True)
            for sub in theme.subthemes:
                self.by_guid[code_guid(sub.id, scope)] = _Target(sub.id, False)
        self.theme_ids = {t.id for t in codebook.themes}
        self.sub_ids = set(codebook.code_ids)
        self.theme_by_label: dict[str, str] = {}
        for t in codebook.themes:
            self.theme_by_label.setdefault(_label_key(t.label), t.id)
        self.sub_by_label: dict[str, str] = {}
        for s in codebook.subthemes:
            self.sub_by_label.setdefault(_label_key(s.label), s.id)
        self.taken = self.theme_ids | self.sub_ids | set(used)
        self.new_themes: list[Theme] = []
        self.new_subs: dict[str, list[SubTheme]] = {}  # theme id → new sub-themes

    def _label_of(self, code_id: str) -> str:
        for t in self.codebook.themes:
            if t.id == code_id:
                return t.label
        return self.codebook.get(code_id).label

    def _fresh(self, candidate: str) -> str:
        result, n = candidate, 2
        while result in self.taken:
            result = f"{candidate}-{n}"
            n += 1
        self.taken.add(result)
        return result

    def _existing(self, code: Code, want_theme: bool, label: str) -> str | None:
        """The id of the study's code this file code is, or None for a new code; clashes listed."""
        written_id, _label = split_code_name(code.name)
        target = self.by_guid.get(code.guid)
        if target is not None:
            if target.is_theme != want_theme or _label_key(self._label_of(target.code_id)) != _label_key(label):
                self.problems.append(
                    _("Koden »%(file)s« i filen har samme GUID som %(id)s »%(ours)s« her, men en anden betydning.")
                    % {"file": code.name, "id": target.code_id, "ours": self._label_of(target.code_id)})
            return target.code_id
        if written_id:
            if written_id in self.theme_ids or written_id in self.sub_ids:
                is_theme = written_id in self.theme_ids
                if is_theme != want_theme or _label_key(self._label_of(written_id)) != _label_key(label):
                    self.problems.append(
                        _("Id %(id)s bruges allerede her til »%(ours)s«; i filen betyder det »%(file)s«.")
                        % {"id": written_id, "ours": self._label_of(written_id), "file": label})
                return written_id
            if written_id in self.taken:
                self.problems.append(
                    _("Id %(id)s (»%(file)s« i filen) er allerede brugt i undersøgelsens kodninger med en anden "
                      "betydning.") % {"id": written_id, "file": label})
                return written_id
            return None
        index = self.theme_by_label if want_theme else self.sub_by_label
        return index.get(_label_key(label))

    def run(self, codes: Sequence[Code]) -> None:
        next_theme = 1
        for top in codes:
            written_id, label = split_code_name(top.name)
            has_children = bool(top.children)
            if not has_children and not self._is_theme_target(top, label):
                # A codable code with no children: a theme with one sub-theme of the same label
                # (as codebook.from_qdc reads it), unless it is one of the study's sub-themes.
                existing = self._existing(top, False, label)
                if existing is not None:
                    self._map(top, existing, False)
                    continue
            existing = self._existing(top, True, label)
            if existing is None:
                if written_id and written_id not in self.taken:
                    theme_id = self._fresh(written_id)
                else:
                    while str(next_theme) in self.taken:
                        next_theme += 1
                    theme_id = self._fresh(str(next_theme))
                self.new_themes.append(Theme(theme_id, label, top.description))
                self.new_subs.setdefault(theme_id, [])
                if not has_children:
                    sub_id = self._fresh(f"{theme_id}a")
                    self.new_subs[theme_id].append(SubTheme(sub_id, label, top.description, (), None, theme_id))
                    self._map(top, sub_id, False)
                    continue
            else:
                theme_id = existing
            self._map(top, theme_id, True)
            self._walk(top, theme_id, "")

    def _is_theme_target(self, code: Code, label: str) -> bool:
        target = self.by_guid.get(code.guid)
        if target is not None:
            return target.is_theme
        written_id, _label = split_code_name(code.name)
        return bool(written_id and written_id in self.theme_ids)

    def _walk(self, parent: Code, theme_id: str, prefix: str) -> None:
        for child in parent.children:
            _id, child_label = split_code_name(child.name)
            label = f"{prefix} › {child_label}" if prefix else child_label
            existing = self._existing(child, False, label)
            if existing is None:
                written_id, _l = split_code_name(child.name)
                n = len(self.new_subs.get(theme_id, [])) + sum(1 for t in self.codebook.themes if t.id == theme_id
                                                                for _s in t.subthemes)
                candidate = written_id or f"{theme_id}{_letters(n)}"
                sub_id = self._fresh(candidate)
                description, examples = split_examples(child.description)
                self.new_subs.setdefault(theme_id, []).append(SubTheme(sub_id, label, description, examples, None, theme_id))
                existing = sub_id
            self._map(child, existing, False)
            self._walk(child, theme_id, label)

    def _map(self, code: Code, code_id: str, is_theme: bool) -> None:
        self.targets[code.guid] = _Target(code_id, is_theme)
        self.labels[code.guid] = code.name

    def codebook_with_new_codes(self) -> Codebook | None:
        if not self.new_themes and not any(self.new_subs.values()):
            return None
        themes = []
        for theme in self.codebook.themes:
            extra = tuple(self.new_subs.get(theme.id, []))
            themes.append(Theme(theme.id, theme.label, theme.description, theme.subthemes + extra, theme.citation)
                          if extra else theme)
        for theme in self.new_themes:
            themes.append(Theme(theme.id, theme.label, theme.description, tuple(self.new_subs.get(theme.id, []))))
        return Codebook(themes=tuple(themes), name=self.codebook.name or _("Kodebog med importerede koder"))

    @property
    def new_code_ids(self) -> list[str]:
        return [t.id for t in self.new_themes] + [s.id for subs in self.new_subs.values() for s in subs]


@dataclass
class _Segment:
    start: int
    end: int
    code: str
    user_guid: str
    created: dt.datetime | None
    memos: list[str]


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def import_into_study(study, data: bytes, user=None, *, dry_run: bool = False) -> ImportOutcome:
    """Import a ``.qdpx``'s coded segments into ``study``, all or nothing.

    Sources are the study's interview notes: a source is matched by its GUID (an export of this
    study), else by its name as exported, else by having the same text; it must say exactly what
    the note says (line endings and spacing aside). Codes are matched by GUID, by the ``"<id>) "``
    prefix of their name, or by label; other codes are added to the study's codebook with ids no
    code of the study uses. Each (span, code) becomes a confirmed code on the unit with that span
    (or a new unit with exactly that text); nothing coded is overwritten. Memos on a segment join
    the unit's condensed meaning, memos on a code the sub-theme's essence.

    Raises :class:`QdpxError` for an unreadable file and :class:`ImportRefused` listing every clash
    (a code whose GUID or id means something else here, a source that is not one of the study's
    notes or has another text, a selection outside its text, a coding of a theme or of a code the
    file lacks, codings on PDFs, pictures, audio or video); then nothing is changed.
    """
    from django.db import transaction
    from django.utils import timezone

    from ledelsesrum.studies.models import Study

    from . import study_codebook, workspace
    from .models import MeaningUnit

    project = read_qdpx(data)
    scope = study_key(study)
    outcome = ImportOutcome()
    with transaction.atomic():
        Study.objects.select_for_update().filter(pk=study.pk).first()
        codebook = study_codebook.codebook_for(study)
        used = study_codebook.code_usage(study)
        mapper = _CodeMapper(codebook, scope, used)
        mapper.run(project.codes)
        problems = list(mapper.problems)

        # Sources → the study's notes.
        notes = _study_notes(study)
        theme_labels = {t.id: t.label for t in codebook.themes}
        by_guid = {guid(scope, "note", n.pk): n for n in notes}
        by_name = {_note_name(n, theme_labels): n for n in notes}
        memos = {m.guid: m for m in project.memos}
        users = {guid(scope, "user", pk): pk for pk in
                 _user_ids(study, project)}
        matched: dict[int, tuple] = {}
        plan: dict[int, list[_Segment]] = {}
        for source in project.sources:
            _plan_source(source, notes, by_guid, by_name, memos, mapper, matched, plan, problems, outcome)
        if problems:
            raise ImportRefused(_unique(problems))

        new_book = mapper.codebook_with_new_codes()
        if new_book is not None:
            try:
                study_codebook.save_codebook(study, new_book, user=user)
            except CodebookError as exc:
                raise ImportRefused([_("De nye koder kan ikke tilføjes kodebogen: %(reason)s") % {"reason": exc}]) from None
            outcome.new_codes = mapper.new_code_ids

        if any(not MeaningUnit.objects.filter(interview_note_id=pk).exists() for pk in plan):
            workspace.build_units(study)
        importer = user if user is not None and getattr(user, "is_authenticated", False) else None
        from django.contrib.auth import get_user_model

        user_model = get_user_model()
        known_users = {g: user_model.objects.filter(pk=pk).first() for g, pk in users.items()}
        now = timezone.now()
        for note_pk, segments in plan.items():
            _source, note = matched[note_pk]
            _apply_note(study, note_pk, note, segments, known_users, importer, now, outcome)

        # Memos on codes → essences.
        _import_essences(study, project, mapper, memos, importer, outcome)
        _list_skipped_memos(project, outcome)
        if dry_run:
            transaction.set_rollback(True)
        else:
            transaction.on_commit(lambda: workspace.forget_suggester(study.pk))
    if dry_run:
        workspace.forget_suggester(study.pk)
    return outcome


def _plan_source(
    source: Source, notes: list, by_guid: dict, by_name: dict, memos: dict[str, Memo], mapper: _CodeMapper,
    matched: dict[int, tuple], plan: dict[int, list[_Segment]], problems: list[str], outcome: ImportOutcome,
) -> None:
    """Match one source to a note and plan its segments; clashes go on ``problems`` (checked
    before anything is written, so that the import is all or nothing)."""
    codings = list(source.codings) + [c for s in source.selections for c in s.codings]
    if source.text is None:
        if codings:
            problems.append(_("Kilden »%(name)s« (%(kind)s) har kodninger, men Ledelsesrum kan kun importere "
                              "kodninger af tekst.") % {"name": source.name, "kind": source.kind})
        else:
            outcome.skipped.append(_("kilden »%(name)s« (%(kind)s)") % {"name": source.name, "kind": source.kind})
        return
    found = _match_note(source, source.text, notes, by_guid, by_name, matched, problems)
    if found is None:
        return
    note, offsets = found
    matched[note.pk] = (source, note)
    segments = plan.setdefault(note.pk, [])
    _plan_selections(source, source.text, note, offsets, memos, mapper, segments, problems)


def _match_note(
    source: Source, text: str, notes: list, by_guid: dict, by_name: dict, matched: dict[int, tuple],
    problems: list[str],
) -> tuple | None:
    """The study's note for ``source`` and the offset map onto its text (None: same text), or
    None with the reason on ``problems``."""
    note = by_guid.get(source.guid) or by_name.get(source.name)
    if note is None:
        same = [n for n in notes if _same_text(n.text, text) or map_offsets(text, n.text) is not None]
        note = same[0] if len(same) == 1 else None
        if note is None:
            problems.append(
                _("Kilden »%(name)s« svarer ikke til nogen interviewnote i undersøgelsen (hverken GUID, navn eller "
                  "tekst). Læg teksten ind som interviewnote først, og prøv igen.") % {"name": source.name})
            return None
    if note.pk in matched:
        problems.append(_("Kilderne »%(a)s« og »%(b)s« svarer begge til interview %(n)s's note.")
                        % {"a": matched[note.pk][0].name, "b": source.name, "n": note.interview_id})
        return None
    offsets = None
    if text != note.text:
        offsets = map_offsets(text, note.text)
        if offsets is None:
            problems.append(_("Kilden »%(name)s« findes allerede (interview %(n)s), men med en anden tekst.")
                            % {"name": source.name, "n": note.interview_id})
            return None
    return note, offsets


def _plan_selections(
    source: Source, text: str, note, offsets: dict[int, int] | None, memos: dict[str, Memo],
    mapper: _CodeMapper, segments: list[_Segment], problems: list[str],
) -> None:
    """Append the source's (span, code) pairs, in note offsets, to ``segments``; clashes go on ``problems``."""
    length = len(text)
    whole = Selection("", 0, length, list(source.codings), [])
    for sel in ([whole] if source.codings else []) + source.selections:
        if not sel.codings:
            continue
        if not 0 <= sel.start < sel.end <= length:
            problems.append(_("Markeringen %(s)s–%(e)s i kilden »%(name)s« ligger uden for teksten (0–%(n)s).")
                            % {"s": sel.start, "e": sel.end, "name": source.name, "n": length})
            continue
        span = _translate(offsets, text, note.text, sel.start, sel.end)
        if span is None or not _core(note.text, *span):
            problems.append(_("Markeringen %(s)s–%(e)s i kilden »%(name)s« indeholder ingen tekst.")
                            % {"s": sel.start, "e": sel.end, "name": source.name})
            continue
        texts = [memos[g].text for g in sel.note_refs if g in memos and memos[g].text]
        for coding in sel.codings:
            target = mapper.targets.get(coding.code_guid)
            if target is None:
                problems.append(_("En kodning i kilden »%(name)s« henviser til en kode, som filen ikke har (%(guid)s).")
                                % {"name": source.name, "guid": coding.code_guid})
                continue
            if target.is_theme:
                problems.append(
                    _("Kilden »%(name)s« er kodet med »%(code)s«, som er et tema her; i Ledelsesrum kodes med "
                      "undertemaer. Flyt kodningen til en underkode, og prøv igen.")
                    % {"name": source.name, "code": mapper.labels.get(coding.code_guid, target.code_id)})
                continue
            segments.append(_Segment(span[0], span[1], target.code_id, coding.user_guid or sel.user_guid,
                                     coding.created or sel.created, texts))


def _apply_note(
    study, note_pk: int, note, segments: list[_Segment], known_users: dict, importer, now: dt.datetime,
    outcome: ImportOutcome,
) -> None:
    """Write one note's planned segments onto its meaning units, then renumber the units."""
    from .models import MeaningUnit

    outcome.sources += 1
    units = list(MeaningUnit.objects.filter(interview_note_id=note_pk).order_by("position", "id"))
    places = locate(note.text, [u.text for u in units])
    cores = [(_core(note.text, p.start, p.end) if p else None) for p in places]
    for seg in segments:
        outcome.segments += 1
        unit = _code_segment(study, note_pk, note, seg, units, places, cores, known_users, importer, now, outcome)
        outcome.unit_ids.append(unit.pk)
        for memo in seg.memos:
            if _merge_memo(unit, "condensed", memo):
                unit.save(update_fields=["condensed"])
                outcome.memos += 1
    _renumber(units, places)


def _code_segment(
    study, note_pk: int, note, seg: _Segment, units: list, places: list[Located | None], cores: list[str | None],
    known_users: dict, importer, now: dt.datetime, outcome: ImportOutcome,
):
    """The unit that carries ``seg``: one already so coded, else an uncoded one with that span,
    else a new unit (appended to ``units``, ``places`` and ``cores``); never overwrites a code."""
    from .models import CodingDecision, MeaningUnit

    core = _core(note.text, seg.start, seg.end)
    same_span = [u for u, c in zip(units, cores, strict=True) if c == core]
    coder = known_users.get(seg.user_guid) or importer
    when = seg.created or now
    if any(u.code == seg.code for u in same_span):
        unit = next(u for u in same_span if u.code == seg.code)
        outcome.unchanged += 1
        return unit
    free = next((u for u in same_span if not u.code), None)
    if free is not None:
        unit = free
        outcome.coded += 1
    else:
        text = unit_text(note.text, seg.start, seg.end)
        from .text import shorten

        unit = MeaningUnit.objects.create(
            study=study, interview_note_id=note_pk, leader_id=note.interview.leader_id,
            source_key=f"note:{note_pk}", source_digest=_digest(note.text),
            position=len(units), text=text, condensed=shorten(text),
        )
        units.append(unit)
        cores.append(core)
        places.append(Located(seg.start, seg.end, True))
        outcome.created += 1
    previous = unit.code
    unit.code, unit.coded_by, unit.coded_at = seg.code, coder, when
    unit.suggestion_cache = []
    unit.save(update_fields=["code", "coded_by", "coded_at", "suggestion_cache"])
    CodingDecision.objects.create(unit=unit, code=seg.code, previous_code=previous,
                                  suggestion_rank=None, user=importer)
    return unit


def _import_essences(
    study, project: Project, mapper: _CodeMapper, memos: dict[str, Memo], importer, outcome: ImportOutcome,
) -> None:
    """Memos on the file's sub-theme codes join the sub-theme's essence."""
    from .models import SubthemeEssence

    for code in project.all_codes():
        target = mapper.targets.get(code.guid)
        if target is None or target.is_theme:
            continue
        for ref in code.note_refs:
            memo = memos.get(ref)
            if memo is None or not memo.text:
                continue
            essence, _created = SubthemeEssence.objects.get_or_create(study=study, code=target.code_id)
            if _merge_memo(essence, "essence", memo.text):
                essence.updated_by = importer
                essence.save()
                outcome.memos += 1


def _list_skipped_memos(project: Project, outcome: ImportOutcome) -> None:
    """Memos with no place here (not on a coded selection or a code, or on a whole source)."""
    referenced = {r for s in project.sources if s.text is not None for sel in s.selections if sel.codings
                  for r in sel.note_refs}
    referenced |= {r for c in project.all_codes() for r in c.note_refs}
    for m in project.memos:
        if m.guid not in referenced and m.text:
            outcome.skipped.append(_("noten »%(name)s«") % {"name": m.name or m.guid})
    for s in project.sources:
        if s.text is not None and s.note_refs:
            outcome.skipped.append(_("noter om hele kilden »%(name)s«") % {"name": s.name})


def _user_ids(study, project: Project) -> list[int]:
    """Ids of users whose study GUID appears in the file (an export of this study)."""
    from django.contrib.auth import get_user_model

    scope = study_key(study)
    wanted = {u.guid for u in project.users} | {project.creating_user}
    return [pk for pk in get_user_model().objects.values_list("pk", flat=True) if guid(scope, "user", pk) in wanted]


def _merge_memo(obj, attr: str, text: str) -> bool:
    """Put a memo's text into ``obj.attr``: taken when empty (or the offered condensation),
    appended after a blank line when it says something else, left when already there."""
    from .text import shorten

    current = (getattr(obj, attr) or "").strip()
    text = text.strip()
    if not text or _label_key(text) in _label_key(current):
        return False
    if not current or (attr == "condensed" and current == shorten(getattr(obj, "text", ""))):
        setattr(obj, attr, text)
    else:
        setattr(obj, attr, f"{current}\n\n{text}")
    return True


def _renumber(units: list, places: list[Located | None]) -> None:
    """Positions follow the text again: by where each unit starts (a unit that cannot be placed
    stays right after the unit before it)."""
    keyed = []
    last = -1
    for order, (unit, place) in enumerate(zip(units, places, strict=True)):
        start = place.start if place is not None else last
        last = start
        keyed.append((start, order, unit))
    for position, (_s, _o, unit) in enumerate(sorted(keyed, key=lambda k: (k[0], k[1]))):
        if unit.position != position:
            unit.position = position
            unit.save(update_fields=["position"])


def _unique(lines: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for line in lines:
        seen.setdefault(line, None)
    return list(seen)


def codebook_from_qdpx(data: bytes) -> Codebook:
    """The codebook inside a ``.qdpx`` (for the Kodebog page's import): its codes read the way a
    ``.qdc`` is read. Raises QdpxError or CodebookError (Danish)."""
    from .codebook import QDC_NAMESPACE, from_qdc

    project = read_qdpx(data)
    if not project.codes:
        raise QdpxError(_("Projektfilen indeholder ingen kodebog."))
    ns = f"{{{QDC_NAMESPACE}}}"
    ET.register_namespace("", QDC_NAMESPACE)
    root = ET.Element(f"{ns}CodeBook", {"origin": project.origin or project.name})
    codes = ET.SubElement(root, f"{ns}Codes")

    def add(parent: ET.Element, code: Code) -> None:
        el = ET.SubElement(parent, f"{ns}Code", {"guid": code.guid or str(uuid.uuid4()), "name": code.name,
                                                "isCodable": "true" if code.codable else "false"})
        if code.description:
            ET.SubElement(el, f"{ns}Description").text = code.description
        for child in code.children:
            add(el, child)

    for code in project.codes:
        add(codes, code)
    return from_qdc(ET.tostring(root, encoding="unicode"))
