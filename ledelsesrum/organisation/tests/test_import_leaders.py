"""Leader import: validation row by row, create/update by e-mail, units, all or nothing."""

import pytest

from ledelsesrum.lib.tabular import read_table
from ledelsesrum.organisation.importer import (
    LeaderImportFailed,
    import_leaders,
    parse_education,
    parse_whole_number,
    plan_leader_import,
)
from ledelsesrum.organisation.models import Leader, Unit

from .helpers import GOOD_ROWS, SOLSIKKEN, csv_bytes, xlsx_bytes


def _plan(data: bytes):
    return plan_leader_import(read_table(data, "ledere.csv"))


def _failure(data: bytes, name: str = "ledere.csv"):
    with pytest.raises(LeaderImportFailed) as info:
        import_leaders(data, name)
    return info.value.plan


@pytest.mark.django_db
def test_a_good_file_creates_leaders_and_the_unit_tree():
    plan = import_leaders(csv_bytes(*GOOD_ROWS))
    assert plan.counts["create"] == 2
    mette = Leader.objects.get(email="mette@kommune.dk")
    assert mette.unit.path == SOLSIKKEN.replace(" > ", " › ")
    assert (mette.area, mette.level, mette.title) == ("Dagtilbud", "Førstelinjeleder", "Dagtilbudsleder")
    assert (mette.span_of_control, mette.years_as_leader, mette.leadership_education) == (14, 6, "diplom")
    assert Leader.objects.get(email="jens@kommune.dk").leadership_education == "master"
    kinds = dict(Unit.objects.values_list("name", "kind"))
    assert kinds == {
        "Børn og Unge": "forvaltning", "Dagtilbud Nord": "omraade", "Børnehuset Solsikken": "tilbud",
    }


@pytest.mark.django_db
def test_separate_forvaltning_area_and_unit_columns_build_the_path():
    data = csv_bytes("Åse;aase@k.dk;Sundhed og Omsorg;Hjemmeplejen;Distrikt Vest",
                     header="navn;e-mail;forvaltning;område;enhed")
    import_leaders(data)
    leader = Leader.objects.get()
    assert leader.unit.path == "Sundhed og Omsorg › Hjemmeplejen › Distrikt Vest"
    assert leader.area == "Hjemmeplejen"


@pytest.mark.django_db
def test_a_unit_name_alone_finds_the_existing_unit_anywhere_in_the_tree():
    root = Unit.objects.create(name="Skoler", kind="forvaltning")
    school = Unit.objects.create(name="Nordskolen", parent=root)
    import_leaders(csv_bytes("Bo;bo@k.dk;nordskolen", header="navn;e-mail;enhed"))
    assert Leader.objects.get().unit == school
    assert Unit.objects.count() == 2


@pytest.mark.django_db
def test_an_ambiguous_unit_name_is_a_row_error():
    for parent in ("A", "B"):
        Unit.objects.create(name="Køkkenet", parent=Unit.objects.create(name=parent))
    plan = _failure(csv_bytes("Bo;bo@k.dk;Køkkenet", header="navn;e-mail;enhed"))
    assert "findes flere steder" in str(plan.row_errors[0])
    assert not Leader.objects.exists()


@pytest.mark.django_db
def test_row_errors_name_the_excel_row_and_the_problem():
    data = csv_bytes(
        "Ok;ok@k.dk;;;;;;;",
        "Uden mail;;;;;;;;",
        "Forkert;ikke-en-mail;;;;;;;",
        "Tal;tal@k.dk;;;;;mange;2,5;",
        "Uddannet;udd@k.dk;;;;;;;ph.d.",
        ";tom@k.dk;;;;;;;",
        "Negativ;neg@k.dk;;;;;-3;;",
    )
    plan = _failure(data)
    report = [str(e) for e in plan.row_errors]
    assert report == [
        "Række 3: e-mail mangler",
        "Række 4: 'ikke-en-mail' er ikke en gyldig e-mailadresse",
        "Række 5: ledelsesspænd 'mange' er ikke et tal; år som leder '2,5' skal være et helt tal",
        "Række 6: lederuddannelse 'ph.d.' kendes ikke; brug en af 'ingen', 'kurser', 'diplom', 'master', 'anden'",
        "Række 7: navn mangler",
        "Række 8: ledelsesspænd '-3' må ikke være negativ",
    ]
    assert not Leader.objects.exists()


@pytest.mark.django_db
def test_missing_required_columns_name_what_is_missing_and_what_was_found():
    plan = _failure(csv_bytes("Bo;Skolen", header="Fulde navn;Arbejdssted"))
    assert plan.file_errors == [
        "Filen mangler kolonnen/kolonnerne 'e-mail'. Fundne kolonner: Fulde navn, Arbejdssted. "
        "Overskriftsrækken skal mindst have 'navn' og 'e-mail'."
    ]
    plan = _failure(csv_bytes("x;y", header="Fornavn;Afdeling"))
    assert "'navn', 'e-mail'" in plan.file_errors[0]
    assert not Leader.objects.exists()


@pytest.mark.django_db
def test_duplicate_emails_in_the_file_name_both_rows():
    data = csv_bytes("A;dup@k.dk", "B;andet@k.dk", "C;DUP@k.dk", header="navn;e-mail")
    plan = _failure(data)
    assert [str(e) for e in plan.row_errors] == [
        "Række 2: e-mailen dup@k.dk står også i række 4",
        "Række 4: e-mailen dup@k.dk står også i række 2",
    ]
    assert not Leader.objects.exists()


@pytest.mark.django_db
def test_reimport_updates_by_email_instead_of_duplicating():
    import_leaders(csv_bytes(*GOOD_ROWS))
    first_ids = set(Leader.objects.values_list("id", flat=True))
    changed = GOOD_ROWS[0].replace(";14;6;diplom", ";20;7;").replace("mette@", "METTE@")
    plan = import_leaders(csv_bytes(changed, GOOD_ROWS[1], "Ny Leder;ny@kommune.dk;;;;;;;"))
    assert plan.counts == {"create": 1, "update": 1, "unchanged": 1, "errors": 0, "units": 0, "rows": 3}
    assert Leader.objects.count() == 3
    assert first_ids < set(Leader.objects.values_list("id", flat=True))
    mette = Leader.objects.get(email="mette@kommune.dk")
    assert (mette.span_of_control, mette.years_as_leader) == (20, 7)
    # An empty cell keeps what the leader already had.
    assert mette.leadership_education == "diplom"
    assert Unit.objects.count() == 3


@pytest.mark.django_db
def test_preview_marks_existing_leaders_as_updated_with_the_changed_fields():
    Leader.objects.create(name="Mette Hansen", email="mette@kommune.dk", level="Topleder")
    plan = _plan(csv_bytes(*GOOD_ROWS))
    mette = plan.rows[0]
    assert mette.action == "update"
    assert "ledelsesniveau" in mette.changes and "enhed" in mette.changes
    assert plan.rows[1].action == "create"
    assert Leader.objects.get().level == "Topleder"  # planning writes nothing


@pytest.mark.django_db
def test_one_bad_row_means_nothing_is_created():
    rows = [f"Leder {i};l{i}@k.dk;{SOLSIKKEN};;;;;;" for i in range(50)]
    rows.append("Dårlig;ikke-mail;;;;;;;")
    plan = _failure(csv_bytes(*rows))
    assert plan.row_errors[0].row == 52
    assert Leader.objects.count() == 0
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_xlsx_happy_path():
    data = xlsx_bytes([
        ["Navn", "E-mail", "Enhed", "Ledelsesspænd", "År som leder", "Lederuddannelse"],
        ["Åse Ødegård", "aase@k.dk", SOLSIKKEN, 12, 3.0, "Diplomuddannelse i ledelse"],
        [None, None, None, None, None, None],
        ["Bo Bæk", "bo@k.dk", "Børn og Unge", None, None, None],
    ])
    plan = import_leaders(data, "ledere.xlsx")
    assert plan.counts["create"] == 2
    aase = Leader.objects.get(email="aase@k.dk")
    assert (aase.name, aase.span_of_control, aase.years_as_leader, aase.leadership_education) == (
        "Åse Ødegård", 12, 3, "diplom")
    assert Leader.objects.get(email="bo@k.dk").unit.name == "Børn og Unge"


@pytest.mark.django_db
def test_cp1252_leader_file_keeps_danish_letters():
    import_leaders(csv_bytes(*GOOD_ROWS, encoding="cp1252"))
    assert Leader.objects.get(email="jens@kommune.dk").name == "Jens Ørsted"
    assert Unit.objects.filter(name="Børnehuset Solsikken").exists()


@pytest.mark.django_db
def test_dry_run_writes_nothing():
    plan = import_leaders(csv_bytes(*GOOD_ROWS), dry_run=True)
    assert plan.counts["create"] == 2
    assert not Leader.objects.exists() and not Unit.objects.exists()


@pytest.mark.django_db
def test_unknown_columns_are_reported_as_ignored():
    plan = _plan(csv_bytes("A;a@k.dk;x", header="navn;e-mail;CPR"))
    assert plan.ignored_columns == ["CPR"]


def test_education_accepts_keys_and_danish_labels():
    assert parse_education("Diplomuddannelse i ledelse") == "diplom"
    assert parse_education("  MPA ") == "master"
    assert parse_education("Ingen formel lederuddannelse") == "ingen"
    assert parse_education("") == ""
    assert parse_education("ph.d.") is None


def test_whole_numbers_accept_excel_decimals_but_not_fractions():
    assert parse_whole_number("12,0", maximum=100) == 12
    assert parse_whole_number(" 7 ", maximum=100) == 7
    with pytest.raises(ValueError, match="urealistisk"):
        parse_whole_number("500", maximum=70)
