"""The column mapping of the leader import (issue 12, item 14): HR headings are recognised,
first and last name are put together, a choice by hand beats what was recognised, and what is
missing or contradictory is said in Danish. Pure logic first; then imports through it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ledelsesrum.lib.tabular import COLUMN_ALIASES, read_table
from ledelsesrum.organisation import columns
from ledelsesrum.organisation.columns import (
    FIELD_KEYS,
    ColumnMapping,
    ColumnOptionError,
    SynonymsError,
    describe,
    parse_column_options,
    recognised_field,
    suggest_mapping,
    validate_synonyms,
)
from ledelsesrum.organisation.importer import LeaderImportFailed, import_leaders
from ledelsesrum.organisation.models import Leader, Unit

from .helpers import GOOD_ROWS, HEADER, csv_bytes

DOCS = Path(__file__).resolve().parents[3] / "docs" / "file-formats.md"
HR_HEADER = "Medarbejdernr;Fornavn;Efternavn;Arbejdsmail;Afdeling"


def _mapped(headers: list[str]) -> dict[str, str]:
    return suggest_mapping(headers).to_data()


# --- recognition -----------------------------------------------------------------------------

@pytest.mark.parametrize(("header", "field"), [
    ("Fornavn", "first_name"), ("FORNAVN ", "first_name"), ("Efternavn", "last_name"),
    ("Mellemnavn", "middle_name"), ("Navn", "name"), ("Fulde navn", "name"),
    ("Medarbejdernavn", "name"), ("medarbejder navn", "name"),
    ("Arbejdsmail", "email"), ("Arbejds-e-mail", "email"), ("ARBEJDS E-MAIL", "email"),
    ("arbejdsemail", "email"), ("E-mail", "email"), ("Mail", "email"), ("Email-adresse", "email"),
    ("Enhed", "unit"), ("enhed", "unit"), ("Afdeling", "unit"), ("Organisationsenhed", "unit"),
    ("Org. enhed", "unit"), ("Enhedssti", "unit"), ("Forvaltning", "forvaltning"),
    ("Område", "area"), ("Omraade", "area"), ("Stilling", "title"), ("Jobtitel", "title"),
    ("Ledelsesniveau", "level"), ("Antal ansatte", "span_of_control"),
    ("Antal år som leder", "years_as_leader"), ("Lederuddannelse", "leadership_education"),
    ("Medarbejdernr", ""), ("Medarbejder", ""), ("Privat e-mail", ""), ("", ""),
])
def test_common_danish_hr_headings_are_recognised(header, field):
    assert recognised_field(header) == field


def test_every_heading_the_importer_accepted_before_is_still_recognised():
    for key, aliases in COLUMN_ALIASES.items():
        if key not in FIELD_KEYS:
            continue
        for alias in (key, *aliases):
            assert recognised_field(alias) == key, alias


def test_the_old_fixed_headings_map_exactly_as_before():
    headers = HEADER.split(";")
    assert _mapped(headers) == {
        "name": "navn", "email": "e-mail", "unit": "enhed", "area": "område",
        "level": "ledelsesniveau", "title": "stillingsbetegnelse", "span_of_control": "ledelsesspænd",
        "years_as_leader": "år som leder", "leadership_education": "lederuddannelse",
    }


def test_first_and_last_name_make_the_name_in_that_order():
    mapping = suggest_mapping(["Efternavn", "Arbejdsmail", "Fornavn"])
    assert mapping.to_data() == {"first_name": "Fornavn", "last_name": "Efternavn", "email": "Arbejdsmail"}
    assert mapping.name_from_parts and mapping.problems() == []
    assert mapping.source_of("name") == "Fornavn + Efternavn"
    table = read_table(csv_bytes("Hansen;mette@k.dk;Mette", " Ørsted ;jens@k.dk; Jens ",
                                 header="Efternavn;Arbejdsmail;Fornavn"))
    rows = mapping.apply(table)
    assert [(r.number, r.values["name"], r.values["email"]) for r in rows] == [
        (2, "Mette Hansen", "mette@k.dk"), (3, "Jens Ørsted", "jens@k.dk"),
    ]


def test_a_middle_name_goes_between_and_empty_parts_are_left_out():
    table = read_table(csv_bytes("Anne;Marie;Holm;a@k.dk", "Bo;;Ek;b@k.dk", ";;;c@k.dk",
                                 header="Fornavn;Mellemnavn;Efternavn;E-mail"))
    names = [r.values["name"] for r in suggest_mapping(table.headers).apply(table)]
    assert names == ["Anne Marie Holm", "Bo Ek", ""]


def test_a_whole_name_column_wins_over_first_and_last_name():
    mapping = suggest_mapping(["Fornavn", "Efternavn", "Navn", "Mail"])
    assert mapping.to_data() == {"name": "Navn", "email": "Mail"}
    assert mapping.ignored_headers() == ["Fornavn", "Efternavn"]


def test_of_two_email_headings_the_one_listed_first_wins():
    assert _mapped(["Arbejdsmail", "E-mail", "Navn"])["email"] == "E-mail"
    assert _mapped(["Arbejdsmail", "Privat e-mail", "Navn"])["email"] == "Arbejdsmail"


def test_the_synonyms_table_is_documented_heading_by_heading():
    docs = DOCS.read_text(encoding="utf-8")
    for key, names in columns.synonyms().items():
        row = re.search(rf"^\| `{key}` \| (.*?) \|", docs, flags=re.M)
        assert row, key
        documented = [n.strip() for n in row.group(1).split(",")]
        assert documented == list(names), key


# --- the synonyms table is validated when it is loaded -------------------------------------------

def _data(**changes):
    fields = {key: list(names) for key, names in columns.synonyms().items()}
    fields.update(changes)
    return {"version": 1, "fields": fields}


def test_the_built_in_synonyms_table_is_valid():
    assert set(validate_synonyms(_data())) == set(FIELD_KEYS)


@pytest.mark.parametrize(("data", "complaint"), [
    ({"version": 2, "fields": {}}, "version"),
    ("navn: e-mail", "version"),
    ({"version": 1, "fields": {"name": ["navn"]}}, "exactly"),
    (_data(first_name=[]), "non-empty"),
    (_data(first_name=["fornavn", 3]), "non-empty"),
    (_data(first_name=["fornavn", "Arbejds mail"]), "both"),
    (_data(email=["e-mail", "arbejdsmail"]), "must keep"),
])
def test_a_broken_synonyms_table_is_refused(data, complaint):
    with pytest.raises(SynonymsError, match=complaint):
        validate_synonyms(data)


def test_a_synonyms_file_that_is_not_yaml_is_refused(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("version: [1\n", encoding="utf-8")
    with pytest.raises(SynonymsError, match="cannot read"):
        columns.load_synonyms(path)


# --- choices by hand ----------------------------------------------------------------------------

def test_a_choice_beats_what_was_recognised():
    headers = ["Medarbejder", "Fornavn", "Efternavn", "Arbejdsmail", "Afdeling"]
    mapping = suggest_mapping(headers).with_choices({"name": 0})
    assert mapping.to_data() == {"name": "Medarbejder", "email": "Arbejdsmail", "unit": "Afdeling"}
    assert mapping.problems() == []
    # The column recognised as the unit is taken for the area instead: the unit goes.
    moved = suggest_mapping(headers).with_choices({"area": 4})
    assert moved.to_data() == {"first_name": "Fornavn", "last_name": "Efternavn", "email": "Arbejdsmail",
                               "area": "Afdeling"}
    # Choosing a name part drops a recognised name column.
    parts = suggest_mapping(["Navn", "Kaldenavn", "Efternavn", "Mail"]).with_choices({"first_name": 1, "last_name": 2})
    assert parts.to_data() == {"first_name": "Kaldenavn", "last_name": "Efternavn", "email": "Mail"}


def test_contradicting_choices_are_named_in_danish():
    headers = ["Navn", "Fornavn", "Efternavn", "Mail", "Afdeling"]
    mapping = ColumnMapping(headers=tuple(headers)).with_choices(
        {"name": 0, "first_name": 1, "last_name": 2, "email": 3, "unit": 4, "area": 4})
    assert mapping.conflicts() == [
        "Kolonnen 'Afdeling' er valgt til både enhed og område. En kolonne kan kun give ét felt.",
        "Vælg enten én kolonne til navn ('Navn') eller kolonner til fornavn og efternavn, ikke begge.",
    ]
    assert mapping.problems() == mapping.conflicts()


def test_a_missing_required_field_names_the_columns_found():
    recognised = suggest_mapping(["Fornavn", "Afdeling"])
    assert recognised.missing() == ["name", "email"]
    [message] = recognised.problems()
    assert message.startswith("Filen mangler kolonnen/kolonnerne 'navn', 'e-mail'. Fundne kolonner: Fornavn, Afdeling.")
    assert "Kolonnen 'Fornavn' giver fornavn, men ingen kolonne giver efternavn" in message
    chosen = suggest_mapping(["Fornavn", "Efternavn", "Arbejdsmail"]).with_choices({"email": None})
    assert chosen.problems() == [
        "Der er ikke valgt nogen kolonne til 'e-mail'. Fundne kolonner: Fornavn, Efternavn, Arbejdsmail. "
        "Vælg en kolonne til 'navn' (eller til både 'fornavn' og 'efternavn') og til 'e-mail'."
    ]


def test_a_mapping_is_kept_by_heading_and_checked_against_the_file_again():
    headers = ["Fornavn", "Efternavn", "Arbejdsmail"]
    data = suggest_mapping(headers).to_data()
    assert data == {"first_name": "Fornavn", "last_name": "Efternavn", "email": "Arbejdsmail"}
    again = ColumnMapping.from_data(data, ["Arbejdsmail", "Fornavn", "Efternavn"])
    assert again is not None and again.index("email") == 0 and again.source_of("name") == "Fornavn + Efternavn"
    for stale in ({"email": "Mail"}, {"nickname": "Fornavn"}, {"email": 2}, ["email"]):
        assert ColumnMapping.from_data(stale, headers) is None


# --- the command line's --column ------------------------------------------------------------------

def test_column_options_name_fields_in_danish_or_by_key_and_columns_by_heading():
    headers = ["Medarbejder", "Fornavn", "Arbejdsmail", "År som leder"]
    assert parse_column_options(
        ["navn=medarbejder", "email= Arbejdsmail ", "fornavn=", "år som leder=ÅR SOM LEDER"], headers
    ) == {"name": 0, "email": 2, "first_name": None, "years_as_leader": 3}
    assert parse_column_options(["E-mail=Arbejdsmail", "first_name=Fornavn"], headers) == {"email": 2, "first_name": 1}
    mapping = suggest_mapping(headers).with_choices(parse_column_options(["navn=Medarbejder"], headers))
    assert describe(mapping) == "navn ← Medarbejder · e-mail ← Arbejdsmail · år som leder ← År som leder"


@pytest.mark.parametrize(("option", "message"), [
    ("navn", "--column skal skrives FELT=KOLONNE, fx --column email=Arbejdsmail (fik 'navn')."),
    ("=Navn", "--column skal skrives FELT=KOLONNE"),
    ("navnet=Medarbejder", "Feltet 'navnet' i --column kendes ikke. Brug et af: navn, fornavn, mellemnavn,"),
    ("navn=Medarbejdr", "Kolonnen 'Medarbejdr' (i --column navn=Medarbejdr) findes ikke i filen. "
                        "Filens kolonner: Medarbejder, Arbejdsmail."),
])
def test_a_column_option_that_cannot_be_used_is_explained(option, message):
    with pytest.raises(ColumnOptionError) as info:
        parse_column_options([option], ["Medarbejder", "Arbejdsmail"])
    assert str(info.value).startswith(message)


def test_a_field_given_twice_is_refused():
    with pytest.raises(ColumnOptionError, match="Feltet 'navn' er angivet mere end én gang"):
        parse_column_options(["navn=A", "name=B"], ["A", "B"])


# --- imports through the mapping ----------------------------------------------------------------

@pytest.fixture
def kommune():
    root = Unit.objects.create(name="Demo Kommune", kind=Unit.Kind.ORGANISATION)
    boern = Unit.objects.create(name="Børn og Unge", kind=Unit.Kind.FORVALTNING, parent=root)
    solsikken = Unit.objects.create(name="Børnehuset Solsikken", kind=Unit.Kind.TILBUD, parent=boern)
    return root, boern, solsikken


@pytest.mark.django_db
def test_an_hr_export_imports_under_the_existing_units(kommune):
    _root, boern, solsikken = kommune
    data = csv_bytes("1001;Mette;Hansen;Mette@Kommune.dk;Børnehuset Solsikken",
                     "1002;Jens;Ørsted;jens@kommune.dk;Børn og Unge", header=HR_HEADER)
    plan = import_leaders(data, "hr.csv")
    assert plan.columns == {"first_name": "Fornavn", "last_name": "Efternavn", "email": "Arbejdsmail",
                            "unit": "Afdeling"}
    assert plan.ignored_columns == ["Medarbejdernr"]
    leaders = {leader.email: (leader.name, leader.unit_id) for leader in Leader.objects.all()}
    assert leaders == {"mette@kommune.dk": ("Mette Hansen", solsikken.pk), "jens@kommune.dk": ("Jens Ørsted", boern.pk)}
    assert Unit.objects.count() == 3


@pytest.mark.django_db
def test_the_documented_hr_example_imports(kommune):
    block = next(b for b in re.findall(r"```csv\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
                 if b.startswith("Medarbejdernr;Fornavn;"))
    import_leaders(block.encode(), "hr.csv")
    mette = Leader.objects.get(email="mette@kommune.dk")
    assert (mette.name, mette.unit, mette.title) == ("Mette Hansen", kommune[2], "Dagtilbudsleder")
    assert Leader.objects.get(email="jens@kommune.dk").unit.path == "Demo Kommune › Dagtilbud Nord"


@pytest.mark.django_db
def test_columns_chosen_by_hand_are_imported(kommune):
    data = csv_bytes("Mette H.;Mette;Hansen;mette@kommune.dk;x", header="Medarbejder;Fornavn;Efternavn;Arbejdsmail;Afdeling")
    headers = data.decode().splitlines()[0].split(";")
    mapping = suggest_mapping(headers).with_choices({"name": 0, "unit": None})
    plan = import_leaders(data, "hr.csv", columns=mapping)
    assert plan.columns == {"name": "Medarbejder", "email": "Arbejdsmail"}
    leader = Leader.objects.get()
    assert (leader.name, leader.unit) == ("Mette H.", None)
    # Kept as data (session, job) it works the same.
    import_leaders(data, "hr.csv", columns={"name": "Fornavn", "email": "Arbejdsmail"})
    assert Leader.objects.get().name == "Mette"


@pytest.mark.django_db
def test_nothing_is_imported_when_a_required_field_has_no_column(kommune):
    data = csv_bytes("Mette;Hansen;Skolen", header="Fornavn;Efternavn;Afdeling")
    with pytest.raises(LeaderImportFailed) as info:
        import_leaders(data, "hr.csv")
    assert info.value.plan.needs_columns
    assert info.value.plan.file_errors == [
        "Filen mangler kolonnen/kolonnerne 'e-mail'. Fundne kolonner: Fornavn, Efternavn, Afdeling. "
        "Overskriftsrækken skal mindst have 'navn' og 'e-mail'."
    ]
    with pytest.raises(LeaderImportFailed) as info:
        import_leaders(csv_bytes(*GOOD_ROWS), "l.csv", columns={"email": "findes ikke"})
    assert "Kolonnevalget passer ikke til filens kolonner" in info.value.plan.file_errors[0]
    assert not Leader.objects.exists() and Unit.objects.count() == 3


@pytest.mark.django_db
def test_an_hr_header_below_a_title_row_is_found(kommune):
    data = b"Lederliste pr. 1. december;;\nFornavn;Efternavn;Arbejdsmail\nMette;Hansen;mette@kommune.dk\n"
    plan = import_leaders(data, "hr.csv")
    assert plan.counts["create"] == 1
    assert Leader.objects.get().name == "Mette Hansen"
