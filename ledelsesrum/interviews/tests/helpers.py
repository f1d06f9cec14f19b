"""Objects the interview tests need, created through the models directly."""

from __future__ import annotations

import io

from ledelsesrum.interviews.models import Interview
from ledelsesrum.organisation.models import Leader
from ledelsesrum.studies.models import Study


def make_study(name: str = "Ledernes vilkår 2025") -> Study:
    return Study.objects.create(name=name)


def make_leader(name: str, email: str | None = None) -> Leader:
    email = email or name.lower().replace(" ", ".").replace("ø", "oe").replace("æ", "ae").replace("å", "aa") + "@kommune.dk"
    return Leader.objects.create(name=name, email=email, title="Skoleleder")


def make_interview(study: Study, leader: Leader, interviewer=None, **fields) -> Interview:
    return Interview.objects.create(study=study, leader=leader, interviewer=interviewer, **fields)


def docx_bytes(*blocks: tuple[str, str]) -> bytes:
    """A Word document built with python-docx: blocks are ("h1"|"h2"|"p"|"table", text)."""
    import docx

    document = docx.Document()
    for kind, text in blocks:
        if kind.startswith("h"):
            document.add_heading(text, level=int(kind[1:]))
        elif kind == "table":
            table = document.add_table(rows=1, cols=1)
            table.cell(0, 0).text = text
        else:
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
