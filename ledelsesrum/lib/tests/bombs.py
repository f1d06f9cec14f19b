"""Decompression bombs built from real files: a workbook from openpyxl and a document from
python-docx, with one part replaced by a large, highly compressible one (streamed, so building
it costs little memory)."""

from __future__ import annotations

import io
import zipfile

MB = 1024 * 1024


def _rebuild(original: bytes, part: str, head: bytes, unit: bytes, tail: bytes, size: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            if info.filename != part:
                dst.writestr(info, src.read(info.filename))
                continue
            bomb = zipfile.ZipInfo(part)
            bomb.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(bomb, "w", force_zip64=True) as stream:
                stream.write(head)
                block = unit * max(1, (1 * MB) // len(unit))
                written = 0
                while written < size:
                    stream.write(block)
                    written += len(block)
                stream.write(tail)
    return out.getvalue()


def xlsx_bomb(size: int = 300 * MB) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Navn", "E-mail", "Enhed"])
    buf = io.BytesIO()
    wb.save(buf)
    row = (b'<row><c t="inlineStr"><is><t>Mette Hansen</t></is></c>'
           b'<c t="inlineStr"><is><t>mette@kommune.dk</t></is></c></row>')
    head = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
            b'org/spreadsheetml/2006/main"><sheetData>')
    return _rebuild(buf.getvalue(), "xl/worksheets/sheet1.xml", head, row,
                    b"</sheetData></worksheet>", size)


def docx_bomb(size: int = 300 * MB) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Interview")
    buf = io.BytesIO()
    document.save(buf)
    head = (b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
            b'openxmlformats.org/wordprocessingml/2006/main"><w:body>')
    para = b"<w:p><w:r><w:t>Lederen fortalte om sin hverdag.</w:t></w:r></w:p>"
    return _rebuild(buf.getvalue(), "word/document.xml", head, para, b"</w:body></w:document>", size)
