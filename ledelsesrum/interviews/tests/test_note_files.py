"""Reading note files: txt (UTF-8, BOM, cp1252), md and docx; headings naming a theme → summaries."""

import pytest

from ledelsesrum.interviews.noteimport import NoteFileError, Section, read_note_file

from .helpers import docx_bytes

TEXT = "Indledende noter om lederen.\n\nTid til ledelse\nHun bruger for meget tid på drift.\n\n1. Motivation og trivsel\nHun er glad for sit job og sine kolleger.\n"


def test_a_utf8_text_file_is_split_under_theme_headings():
    parsed = read_note_file("noter.txt", TEXT.encode("utf-8"))
    assert parsed.format == "txt" and parsed.encoding == "utf-8"
    assert parsed.sections == [
        Section("", "Indledende noter om lederen."),
        Section("3b", "Hun bruger for meget tid på drift."),
        Section("1", "Hun er glad for sit job og sine kolleger."),
    ]


def test_a_utf8_file_with_bom_and_windows_line_endings_reads_cleanly():
    parsed = read_note_file("noter.txt", b"\xef\xbb\xbf" + "Ærlig snak om økonomi.\r\nÅbent sind.".encode())
    assert parsed.encoding == "utf-8-sig"
    assert parsed.sections == [Section("", "Ærlig snak om økonomi.\nÅbent sind.")]


def test_a_cp1252_file_keeps_its_danish_letters():
    parsed = read_note_file("noter.txt", "Økonomi\nRåderummet er blevet mindre – især på ældreområdet.".encode("cp1252"))
    assert parsed.encoding == "cp1252"
    assert parsed.sections == [Section("2e", "Råderummet er blevet mindre – især på ældreområdet.")]


def test_markdown_headings_map_to_themes_and_other_headings_stay_in_the_text():
    md = "# Interview med leder\n\nGod stemning.\n\n## 3b Tid til ledelse\nFor lidt tid.\n\nSamarbejde med stabe\n---------------------\nHR hjælper.\n"
    parsed = read_note_file("noter.md", md.encode())
    assert parsed.sections == [
        Section("", "Interview med leder\n\nGod stemning."),
        Section("3b", "For lidt tid."),
        Section("5a", "HR hjælper."),
    ]


def test_a_docx_built_with_python_docx_maps_headings_to_theme_summaries():
    data = docx_bytes(
        ("h1", "Interview 12"),
        ("p", "Samtalen foregik på skolen."),
        ("h2", "Opbakning og sparring fra chef/leder"),
        ("p", "Chefen er let at få fat på."),
        ("p", "Hun savner mere sparring om økonomi."),
        ("h2", "Tema 4"),
        ("table", "Samspillet med politikerne er godt."),
        ("h2", "Opbakning og sparring fra chef/leder"),
        ("p", "Chefen bakker op i svære sager."),
    )
    parsed = read_note_file("noter.docx", data)
    assert parsed.format == "docx"
    assert parsed.sections == [
        Section("", "Interview 12\nSamtalen foregik på skolen."),
        Section("1b", "Chefen er let at få fat på.\nHun savner mere sparring om økonomi.\nChefen bakker op i svære sager."),
        Section("4", "Samspillet med politikerne er godt."),
    ]
    assert parsed.theme_ids == ["1b", "4"]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("noter.pdf", b"%PDF-1.4", "filtypen .pdf kan ikke importeres. Brug .txt, .md eller .docx."),
    ("noter", b"tekst", "filtypen (ingen endelse) kan ikke importeres"),
    ("noter.txt", b"", "filen er tom."),
    ("noter.txt", b"  \n\r\n ", "filen er tom."),
    ("noter.docx", b"", "filen er tom."),
    ("noter.docx", b"PK\x03\x04 dette er ikke en zip", "kunne ikke læses som Word-dokument (.docx)"),
    ("noter.docx", b"helt almindelig tekst", "kunne ikke læses som Word-dokument (.docx)"),
    ("noter.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "ældre Word-dokument (.doc)"),
    ("noter.txt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "Gem den som .docx"),
    ("noter.txt", b"abc\x00def", "ligner ikke en tekstfil"),
])
def test_broken_inputs_get_a_clear_danish_message(name, data, message):
    with pytest.raises(NoteFileError) as exc:
        read_note_file(name, data)
    assert message in str(exc.value)
    assert str(exc.value).startswith(name)


def test_a_zip_that_is_not_a_word_document_is_refused():
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hej.txt", "hej")
    with pytest.raises(NoteFileError, match="kunne ikke læses som Word-dokument"):
        read_note_file("noter.docx", buf.getvalue())


def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(NoteFileError, match=r"filen er for stor \(2\.0 MB\)\. Grænsen er 1 MB pr\. fil\."):
        read_note_file("noter.txt", b"a" * (2 * 1024 * 1024), max_bytes=1024 * 1024)


def test_a_docx_with_only_headings_has_no_text():
    with pytest.raises(NoteFileError, match="indeholder ingen tekst"):
        read_note_file("noter.docx", docx_bytes(("h1", "Tid til ledelse")))
