"""Zip-based uploads (.xlsx, .docx) checked before anything is parsed.

A 307 KB .xlsx can declare hundreds of MB of XML (a decompression bomb): parsing it cost the web
process +900 MB and 26 s. Python's zipfile never inflates a member past the size its header
declares (it stops there and fails the CRC check), so the declared sizes are a true bound, and
checking them from the central directory costs nothing. Limits: the number of parts, the total
uncompressed size, and the ratio of uncompressed to compressed size once the content is large
(real workbooks and documents compress 5–20 times; bombs hundreds or thousands of times).
"""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _

MAX_MEMBERS = 2_000
MAX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_RATIO = 100
RATIO_FROM = 16 * 1024 * 1024  # below this, any ratio is harmless


class ArchiveRefused(ValueError):
    """The archive is larger inside than we will parse; the message is Danish, for the user."""


def check_zip(data: bytes, what: str) -> None:
    """Raise `ArchiveRefused` if ``data`` (a zip: .xlsx, .docx) is too large inside to parse.

    ``what`` names the file type in the message ("Excel-filen", "Word-dokumentet").
    Raises ``zipfile.BadZipFile`` for a file that is not a readable zip at all.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ArchiveRefused(
            _("%(what)s består af %(n)d dele; der kan højst indlæses %(max)d. "
              "Gem filen igen fra Excel eller Word, og prøv på ny.")
            % {"what": what, "n": len(infos), "max": MAX_MEMBERS})
    total = sum(max(0, info.file_size) for info in infos)
    too_big = total > MAX_UNCOMPRESSED
    too_packed = total > RATIO_FROM and total > MAX_RATIO * max(1, len(data))
    if too_big or too_packed:
        raise ArchiveRefused(
            _("%(what)s fylder %(size).0f MB, når den pakkes ud (%(packed).1f MB pakket). "
              "Så store eller så stærkt komprimerede filer indlæses ikke; del filen op, eller "
              "gem den igen, og prøv på ny.")
            % {"what": what, "size": total / 1024 / 1024, "packed": len(data) / 1024 / 1024})
