"""Short dates in Danish: "23. sep. 2026", never "23. Sept 2026"."""

import datetime as dt
from pathlib import Path

import pytest
from django.template import Context, Template

from ledelsesrum.lib.danish_dates import short_date


def test_every_month_has_its_danish_abbreviation():
    got = [short_date(dt.date(2026, m, 23)) for m in range(1, 13)]
    assert got == ["23. jan. 2026", "23. feb. 2026", "23. mar. 2026", "23. apr. 2026", "23. maj 2026",
                   "23. jun. 2026", "23. jul. 2026", "23. aug. 2026", "23. sep. 2026", "23. okt. 2026",
                   "23. nov. 2026", "23. dec. 2026"]


@pytest.mark.django_db
def test_the_filter_is_built_in_and_shows_local_time(settings):
    aware = dt.datetime(2026, 9, 23, 12, 5, tzinfo=dt.UTC)  # 14:05 in Copenhagen
    html = Template('{{ d|kort_dato }} / {{ t|kort_dato:"tid" }} / {{ n|kort_dato|default:"–" }}').render(
        Context({"d": dt.date(2026, 9, 23), "t": aware, "n": None}))
    assert html == "23. sep. 2026 / 23. sep. 2026 14:05 / –"


def test_no_template_uses_djangos_english_month_abbreviations():
    root = Path(__file__).resolve().parents[2]
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.html")
                 if 'date:"j. M' in p.read_text(encoding="utf-8") or 'date:"j. N' in p.read_text(encoding="utf-8")]
    assert offenders == []
