"""Read an uploaded CSV or XLSX file into rows of dicts, robustly.

Files come from Danish offices: Excel's "CSV (semikolonsepareret)" in cp1252, UTF-8 with or
without a byte-order mark, sometimes commas or tabs, headers typed by hand ("E-mail", "Område",
"Omraade", "område "), or an .xlsx workbook. This module turns all of them into one shape, a
:class:`Table`, or raises :class:`TabularError` with a Danish message that tells the user what to do.

Row numbers are the ones the user sees in Excel: the header is row 1 when it is on the first line.

The module reads nothing from the database; the only setting it uses is ``MAX_UPLOAD_BYTES``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from .archive import ArchiveRefused, check_zip

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

MAX_ROWS = 100_000
DELIMITERS = (";", ",", "\t")

# Canonical column keys and the headers people actually type. Keys are compared after
# normalise_header(), so "E-mail", "e mail" and "EMAIL" all become "e_mail"/"email".
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("navn", "name", "fulde navn", "fuldt navn", "ledernavn", "leder", "full name"),
    "email": ("e-mail", "email", "mail", "e-mailadresse", "emailadresse", "mailadresse",
              "e-mail-adresse", "email address", "e-mail address"),
    "unit": ("enhed", "unit", "enhedssti", "unit path", "tilbud", "institution", "arbejdssted",
             "afdeling"),
    "forvaltning": ("forvaltning", "direktørområde", "department", "directorate"),
    "area": ("område", "omraade", "omrade", "area", "fagområde"),
    "level": ("niveau", "ledelsesniveau", "lederniveau", "level", "leadership level"),
    "title": ("stilling", "stillingsbetegnelse", "titel", "title", "job title"),
    "span_of_control": ("ledelsesspænd", "ledelsesspaend", "antal medarbejdere", "medarbejdere",
                        "span", "span of control", "span_of_control"),
    "years_as_leader": ("år som leder", "aar som leder", "anciennitet", "lederanciennitet",
                        "years", "years as leader", "years_as_leader", "erfaring som leder"),
    "leadership_education": ("lederuddannelse", "uddannelse", "ledelsesuddannelse", "education",
                             "leadership education", "leadership_education"),
    "external_id": ("id", "respondent", "respondent id", "respondent_id", "respondentnummer",
                    "løbenummer", "external id", "external_id"),
}


class TabularError(Exception):
    """The file as a whole cannot be read. ``str(exc)`` is a Danish message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Row:
    """One data row. ``number`` is the row number in Excel (header = row 1)."""

    number: int
    values: dict[str, str]
    # Problems tabular already sees in this row (e.g. more fields than columns).
    problems: list[str] = field(default_factory=list)

    def get(self, key: str, default: str = "") -> str:
        return self.values.get(key, default)


@dataclass
class Table:
    headers: list[str]            # as written in the file
    keys: list[str]               # canonical key per header ("" for a blank header)
    rows: list[Row]
    format: str                   # "csv" or "xlsx"
    encoding: str = ""            # CSV only
    delimiter: str = ""           # CSV only
    header_row: int = 1

    @property
    def columns(self) -> set[str]:
        return {k for k in self.keys if k}

    def header_for(self, key: str) -> str:
        """The header as the user wrote it, for messages."""
        for header, k in zip(self.headers, self.keys, strict=True):
            if k == key:
                return header
        return key

    def to_data(self) -> dict:
        """Plain JSON-serialisable data, so that a parsed upload can be kept (``lib.staging``)."""
        return {
            "version": TABLE_DATA_VERSION, "headers": self.headers, "keys": self.keys,
            "rows": [[r.number, r.values, r.problems] for r in self.rows], "format": self.format,
            "encoding": self.encoding, "delimiter": self.delimiter, "header_row": self.header_row,
        }

    @classmethod
    def from_data(cls, data: object) -> Table | None:
        """The table :meth:`to_data` described, or None when ``data`` is not exactly that shape
        (another version, or damaged): the caller then reads the file again."""
        try:
            if not isinstance(data, dict) or data.get("version") != TABLE_DATA_VERSION:
                return None
            headers, keys = data["headers"], data["keys"]
            rows = [Row(number=number, values=values, problems=problems)
                    for number, values, problems in data["rows"]]
            ok = (
                _str_list(headers) and _str_list(keys) and len(headers) == len(keys)
                and all(type(r.number) is int and isinstance(r.values, dict) and _str_list(r.problems)
                        and all(isinstance(k, str) and isinstance(v, str) for k, v in r.values.items())
                        for r in rows)
            )
            if not ok:
                return None
            return cls(headers=headers, keys=keys, rows=rows, format=str(data["format"]),
                       encoding=str(data["encoding"]), delimiter=str(data["delimiter"]),
                       header_row=int(data["header_row"]))
        except (KeyError, TypeError, ValueError):
            return None


# Bump when Table or Row change shape or reading rules change, so that kept tables are re-read.
TABLE_DATA_VERSION = 1


def _str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


# --- headers ---------------------------------------------------------------------------------

def normalise_header(text: object) -> str:
    """Lower case, trimmed, æøå spelled out, separators folded to one space.

    "  E-Mail " → "e mail"; "Område" → "omraade"; "Omrade" stays "omrade" (matched by alias);
    "år_som-leder" → "aar som leder".
    """
    value = unicodedata.normalize("NFC", str(text or "")).strip().lower()
    value = value.replace("\ufeff", "")
    for src, dst in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("ä", "ae"), ("ö", "oe"), ("é", "e")):
        value = value.replace(src, dst)
    value = re.sub(r"[\s_\-./:()]+", " ", value)
    return value.strip()


Aliases = Mapping[str, Iterable[str]] | None  # None: the built-in COLUMN_ALIASES


def _alias_index(aliases: Mapping[str, Iterable[str]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for key, names in aliases.items():
        for name in (key, *names):
            index[normalise_header(name)] = key
            index[normalise_header(name).replace(" ", "")] = key
    return index


_DEFAULT_INDEX = _alias_index(COLUMN_ALIASES)


def canonical_key(header: object, aliases: Mapping[str, Iterable[str]] | None = None) -> str:
    """The canonical key of a header: an alias key when known, else the normalised header."""
    index = _DEFAULT_INDEX if aliases is None else _alias_index(aliases)
    norm = normalise_header(header)
    if not norm:
        return ""
    return index.get(norm) or index.get(norm.replace(" ", "")) or norm


# --- reading ---------------------------------------------------------------------------------

def read_table(
    source: bytes | str | Path | io.IOBase,
    filename: str = "",
    *,
    aliases: Mapping[str, Iterable[str]] | None = None,
    header_names: Iterable[str] = (),
    max_bytes: int | None = None,
    max_rows: int = MAX_ROWS,
) -> Table:
    """Read a CSV or XLSX file (bytes, a path or a binary file object) into a :class:`Table`.

    The format is decided by the content, not the name: an .xlsx renamed .csv is still read.
    ``header_names`` are more headings (beyond the aliases) that a caller recognises, e.g. the
    leader import's "Fornavn" and "Arbejdsmail": they count as known when the header is looked
    for below a title row. They do not change the keys.
    """
    data, filename = _read_bytes(source, filename)
    limit = settings.MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    if len(data) > limit:
        raise TabularError(
            _("Filen fylder %(size).1f MB; der kan højst indlæses %(limit).0f MB ad gangen. "
              "Del filen op, og prøv igen.")
            % {"size": len(data) / 1024 / 1024, "limit": limit / 1024 / 1024}
        )
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise TabularError(_("Filen er tom. Vælg en CSV- eller Excel-fil (.xlsx) med en overskriftsrække og mindst én række."))

    kind = _sniff_kind(data)
    known = frozenset(_compact(name) for name in header_names)
    if kind == "xlsx":
        table = _read_xlsx(data, aliases, max_rows, known)
    elif kind == "csv":
        table = _read_csv(data, aliases, max_rows, known)
    else:
        raise TabularError(kind)
    if not table.rows:
        raise TabularError(
            _("Filen har kun en overskriftsrække (række %(row)d) og ingen rækker med data.")
            % {"row": table.header_row}
        )
    return table


def _read_bytes(source: bytes | str | Path | io.IOBase, filename: str) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray):
        return bytes(source), filename
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise TabularError(_("Filen %(name)s findes ikke eller kan ikke læses.") % {"name": path.name}) from exc
        if size > settings.MAX_UPLOAD_BYTES:
            # Refuse before reading a huge file into memory.
            raise TabularError(
                _("Filen fylder %(size).1f MB; der kan højst indlæses %(limit).0f MB ad gangen. "
                  "Del filen op, og prøv igen.")
                % {"size": size / 1024 / 1024, "limit": settings.MAX_UPLOAD_BYTES / 1024 / 1024}
            )
        return path.read_bytes(), filename or path.name
    name = filename or getattr(source, "name", "") or ""
    if hasattr(source, "seek"):
        source.seek(0)
    return source.read(settings.MAX_UPLOAD_BYTES + 1), str(name)


_SIGNATURES: list[tuple[bytes, str]] = [
    (b"\x89PNG", "PNG-billede"),
    (b"\xff\xd8\xff", "JPEG-billede"),
    (b"GIF8", "GIF-billede"),
    (b"%PDF", "PDF-dokument"),
    (b"\xd0\xcf\x11\xe0", "gammelt Excel/Word-format (.xls/.doc)"),
    (b"\x1f\x8b", "gzip-komprimeret fil"),
    (b"Rar!", "RAR-arkiv"),
    (b"7z\xbc\xaf", "7-Zip-arkiv"),
]


def _sniff_kind(data: bytes) -> str:
    """'xlsx', 'csv', or a Danish error message describing what the file is instead."""
    if data.startswith(b"PK\x03\x04"):
        try:
            check_zip(data, _("Excel-filen"))
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except ArchiveRefused as exc:
            return str(exc)
        except zipfile.BadZipFile:
            return _("Filen ligner en Excel-fil (.xlsx), men den er beskadiget eller ufuldstændig. "
                     "Åbn den i Excel, gem den igen, og prøv på ny.")
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return _("Filen er et Word-dokument. Vælg en CSV- eller Excel-fil (.xlsx).")
        return _("Filen er et zip-arkiv, ikke en CSV- eller Excel-fil (.xlsx).")
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            if what.startswith("gammelt"):
                return _("Filen er i det gamle Excel-format (.xls). Gem den som "
                         "'Excel-projektmappe (.xlsx)' eller 'CSV (semikolonsepareret)', og prøv igen.")
            return _("Filen er et %(what)s, ikke en CSV- eller Excel-fil (.xlsx).") % {"what": what}
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "csv"  # UTF-16 text (Excel's "Unicode-tekst"); NULs are expected there.
    if b"\x00" in head or _control_ratio(head) > 0.05:
        return _("Filen ser ud til at være en binær fil, ikke tekst. Vælg en CSV- eller Excel-fil (.xlsx).")
    return "csv"


def _control_ratio(chunk: bytes) -> float:
    if not chunk:
        return 0.0
    controls = sum(1 for b in chunk if b < 32 and b not in (9, 10, 13))
    return controls / len(chunk)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text the way a Danish office writes it. Returns (text, encoding name).

    UTF-8 (with or without BOM) first, since it is strict: a cp1252 file almost never decodes as
    UTF-8 by accident. Then cp1252 (Danish Windows/Excel) when it decodes cleanly. Only when both
    fail does charset-normalizer guess.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8-sig")
        return text, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise TabularError(
            _("Tegnsættet i filen kunne ikke genkendes. Gem filen som 'CSV UTF-8' i Excel, og prøv igen.")
        )
    return str(best), best.encoding


def sniff_delimiter(text: str) -> str:
    """';' (Danish Excel), ',' or tab: the one giving the most columns in the first lines,
    consistently. Ties go to ';'."""
    lines = [line for line in text.splitlines()[:20] if line.strip()][:10]
    if not lines:
        return ";"
    best, best_score = ";", (0, 0)
    for delim in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=delim)]
        except csv.Error:
            continue
        if not counts or counts[0] <= 1:
            continue
        consistent = sum(1 for c in counts if c == counts[0])
        score = (consistent, counts[0])
        if score > best_score:
            best, best_score = delim, score
    return best


def _read_csv(data: bytes, aliases: Aliases, max_rows: int, known: frozenset[str] = frozenset()) -> Table:
    text, encoding = decode_text(data)
    text = text.lstrip("\ufeff")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for record in reader:
            number += 1
            records.append((number, record))
            if number > max_rows + 1 + 1000:
                break
    except csv.Error as exc:
        raise TabularError(
            _("Filen kan ikke læses som CSV omkring linje %(line)d: %(reason)s. "
              "Tjek at alle anførselstegn (\") er parvise, eller gem filen fra Excel igen.")
            % {"line": reader.line_num, "reason": _csv_reason(str(exc))}
        ) from exc
    table = _build_table(records, aliases, max_rows, "csv", known)
    table.encoding = encoding
    table.delimiter = delimiter
    return table


def _csv_reason(message: str) -> str:
    if "unexpected end of data" in message or "EOF" in message:
        return _("et anførselstegn er ikke lukket")
    if "expected after" in message:
        return _("der står tekst lige efter et afsluttende anførselstegn")
    if "NUL" in message or "null byte" in message:
        return _("filen indeholder binære tegn")
    return _("ugyldig CSV")


def _read_xlsx(data: bytes, aliases: Aliases, max_rows: int, known: frozenset[str] = frozenset()) -> Table:
    try:
        records = _xlsx_records_fast(data, max_rows + 1 + 1000)
    except Exception:  # noqa: BLE001 — anything unusual: let openpyxl read it, or explain why not
        return _read_xlsx_openpyxl(data, aliases, max_rows, known)
    return _build_table(records, aliases, max_rows, "xlsx", known)


# Excel's built-in number formats that show a date (ECMA-376 18.8.30).
_BUILTIN_DATE_FORMATS = {*range(14, 23), 27, 30, 36, 45, 46, 47, 50, 57}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xlsx_records_fast(data: bytes, limit: int) -> list[tuple[int, list[str]]]:
    """Stream the first sheet's XML with ElementTree: about four times faster than openpyxl's
    read-only mode on a 10,000-row file. Handles shared and inline strings, numbers, booleans
    and date-formatted numbers; raises on anything it does not understand."""
    import posixpath
    import xml.etree.ElementTree as ET

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        workbook = ET.fromstring(zf.read("xl/workbook.xml"))
        sheet = next(el for el in workbook.iter() if _local(el.tag) == "sheet")
        rel_id = next(v for k, v in sheet.attrib.items() if _local(k) == "id")
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        target = next(el.get("Target", "") for el in rels if el.get("Id") == rel_id)
        sheet_path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))

        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            for el in ET.fromstring(zf.read("xl/sharedStrings.xml")):
                if _local(el.tag) == "si":
                    shared.append("".join(
                        t.text or "" for t in el.iter()
                        if _local(t.tag) == "t" and not _inside_phonetic(el, t)
                    ))
        date_styles = _date_styles(zf, names)

        records: list[tuple[int, list[str]]] = []
        next_row = 1
        with zf.open(sheet_path) as stream:
            for _event, el in ET.iterparse(stream, events=("end",)):
                if _local(el.tag) != "row":
                    continue
                number = int(el.get("r") or next_row)
                next_row = number + 1
                cells: list[str] = []
                for c in el:
                    if _local(c.tag) != "c":
                        continue
                    ref = c.get("r")
                    index = _column_index(ref) if ref else len(cells)
                    while len(cells) < index:
                        cells.append("")
                    cells.append(_fast_cell(c, shared, date_styles))
                records.append((number, cells))
                el.clear()
                if len(records) > limit:
                    break
    return records


def _inside_phonetic(si: ET.Element, t: ET.Element) -> bool:
    for rph in si:
        if _local(rph.tag) == "rPh" and t in rph.iter():
            return True
    return False


def _date_styles(zf: zipfile.ZipFile, names: set[str]) -> set[int]:
    import xml.etree.ElementTree as ET

    if "xl/styles.xml" not in names:
        return set()
    styles = ET.fromstring(zf.read("xl/styles.xml"))
    custom_dates = set()
    for el in styles.iter():
        if _local(el.tag) == "numFmt":
            code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", el.get("formatCode", "")).lower()
            if re.search(r"[dmy]", code) and not re.fullmatch(r"[#0.,\s%e+-]*", code):
                custom_dates.add(int(el.get("numFmtId", "0")))
    result = set()
    for el in styles:
        if _local(el.tag) == "cellXfs":
            for index, xf in enumerate(x for x in el if _local(x.tag) == "xf"):
                fmt = int(xf.get("numFmtId", "0"))
                if fmt in _BUILTIN_DATE_FORMATS or fmt in custom_dates:
                    result.add(index)
    return result


def _column_index(ref: str) -> int:
    index = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            index = index * 26 + ord(ch) - 64
        else:
            break
    return index - 1


def _fast_cell(c: ET.Element, shared: list[str], date_styles: set[int]) -> str:
    kind = c.get("t", "n")
    value = None
    for child in c:
        tag = _local(child.tag)
        if tag == "v":
            value = child.text
        elif tag == "is":
            return "".join(t.text or "" for t in child.iter() if _local(t.tag) == "t").strip()
    if value is None:
        return ""
    if kind == "s":
        return shared[int(value)].strip()
    if kind == "b":
        return "ja" if value == "1" else "nej"
    if kind in ("str", "e", "d", "inlineStr"):
        return value.strip()
    number = float(value) if any(ch in value for ch in ".eE") else int(value)
    style = c.get("s")
    if style and int(style) in date_styles:
        from openpyxl.utils.datetime import from_excel

        return _cell_text(from_excel(number))
    return _cell_text(number)


def _read_xlsx_openpyxl(data: bytes, aliases: Aliases, max_rows: int, known: frozenset[str] = frozenset()) -> Table:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 — openpyxl raises many kinds for broken files
        raise TabularError(
            _("Excel-filen kunne ikke åbnes; den er måske beskadiget eller beskyttet med adgangskode. "
              "Åbn den i Excel, gem den igen som .xlsx, og prøv på ny.")
        ) from exc
    try:
        if not workbook.worksheets:
            raise TabularError(_("Excel-filen har ingen ark."))
        sheet = workbook.worksheets[0]
        records: list[tuple[int, list[str]]] = []
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                records.append((number, [_cell_text(v) for v in values]))
                if number > max_rows + 1 + 1000:
                    break
        except TabularError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise TabularError(
                _("Excel-filen er beskadiget og kunne ikke læses til ende. Gem den igen, og prøv på ny.")
            ) from exc
    finally:
        workbook.close()
    return _build_table(records, aliases, max_rows, "xlsx", known)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _compact(text: object) -> str:
    return normalise_header(text).replace(" ", "")


def _below_title_rows(records: list[tuple[int, list[str]]], aliases: Aliases,
                      header_names: frozenset[str] = frozenset()) -> list[tuple[int, list[str]]]:
    """Records from the real header on. HR exports often start with a title row ("Lederliste pr.
    1. december", one filled cell) above the header: when the first filled row has at most one
    cell and no two known column names, and one of the next five filled rows has two known column
    names, that row is the header (issue 12: such files were refused as missing 'navn').
    Known names are the aliases' and ``header_names`` (compacted with :func:`_compact`)."""
    known = set(COLUMN_ALIASES if aliases is None else aliases)

    def known_names(record: list[str]) -> int:
        return sum(1 for cell in record if cell.strip() and (
            canonical_key(cell, aliases) in known or _compact(cell) in header_names))

    filled = [i for i, (_number, record) in enumerate(records[:40]) if any(cell.strip() for cell in record)]
    if len(filled) < 2:
        return records
    first = records[filled[0]][1]
    if sum(1 for cell in first if cell.strip()) > 1 or known_names(first) >= 2:
        return records
    for i in filled[1:6]:
        if known_names(records[i][1]) >= 2:
            return records[i:]
    return records


def _build_table(records: list[tuple[int, list[str]]], aliases: Aliases, max_rows: int, fmt: str,
                 header_names: frozenset[str] = frozenset()) -> Table:
    records = _below_title_rows(records, aliases, header_names)
    it: Iterator[tuple[int, list[str]]] = iter(records)
    header_row, headers = 0, []
    for number, record in it:
        if any(cell.strip() for cell in record):
            header_row, headers = number, [cell.strip().lstrip("\ufeff") for cell in record]
            break
    if not header_row:
        raise TabularError(_("Filen indeholder ingen overskriftsrække, kun tomme rækker."))
    while headers and not headers[-1]:
        headers.pop()
    keys = [canonical_key(h, aliases) for h in headers]
    if _looks_like_data(headers):
        raise TabularError(
            _("Første række ligner data, ikke overskrifter (%(first)s). Tilføj en overskriftsrække "
              "med kolonnenavne, fx navn og e-mail.") % {"first": ", ".join(headers[:3])}
        )
    seen: dict[str, int] = {}
    for index, key in enumerate(keys):
        if not key:
            continue
        if key in seen:
            raise TabularError(
                _("Kolonnen '%(name)s' findes to gange (kolonne %(a)s og %(b)s). Slet den ene, og prøv igen.")
                % {"name": headers[index], "a": column_letter(seen[key]), "b": column_letter(index)}
            )
        seen[key] = index

    rows: list[Row] = []
    for number, record in it:
        if not any(cell.strip() for cell in record):
            continue
        if len(rows) >= max_rows:
            raise TabularError(
                _("Filen har mere end %(max)s rækker. Del den op i mindre filer.")
                % {"max": f"{max_rows:,}".replace(",", ".")}
            )
        values = {}
        for index, key in enumerate(keys):
            if key and index < len(record):
                values[key] = record[index].strip()
        problems = []
        extra = [cell for cell in record[len(headers):] if cell.strip()]
        if extra:
            problems.append(
                _("rækken har %(n)d felter, men der er kun %(cols)d kolonner med overskrift – "
                  "tjek skilletegn og anførselstegn")
                % {"n": len(headers) + len(extra), "cols": len(headers)}
            )
        rows.append(Row(number=number, values=values, problems=problems))
    return Table(headers=headers, keys=keys, rows=rows, format=fmt, header_row=header_row)


def _looks_like_data(headers: list[str]) -> bool:
    """A header row with an e-mail address or only numbers is data without a header."""
    filled = [h for h in headers if h]
    if any("@" in h for h in filled):
        return True
    return bool(filled) and all(re.fullmatch(r"[\d.,\s]+", h) for h in filled)


def column_letter(index: int) -> str:
    """0 → 'A', 27 → 'AB', as Excel names columns."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
