"""The report as a job: the same function runs in the worker (web) and inline (CLI)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from ledelsesrum.jobs.runner import JobError

from .compose import compose
from .render import FORMATS, render

KIND = "ledelsesrum.reports.jobs:render_job"


def output_dir() -> Path:
    path = Path(settings.DATA_DIR) / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def render_job(params: dict, progress) -> dict:
    """Compose and render ``params["study_id"]`` as ``params["format"]`` into ``params["path"]``
    (default: the data folder), returning where it went and how many bytes."""
    from ledelsesrum.studies.models import Study

    fmt = params.get("format", "pdf")
    if fmt not in FORMATS:
        raise JobError(_("Ukendt format »%(fmt)s«. Vælg html, pdf eller docx.") % {"fmt": fmt})
    study = Study.objects.filter(pk=params.get("study_id")).first()
    if study is None:
        raise JobError(_("Undersøgelsen findes ikke."))
    report = compose(study, progress=progress)
    total = progress.total if hasattr(progress, "total") else 0
    progress(total, total + 1, _("Opsætter %(fmt)s") % {"fmt": fmt.upper()})
    data = render(report, fmt)
    path = Path(params.get("path") or output_dir() / f"rapport-{study.pk}.{fmt}")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)  # a crash mid-write never leaves half a file under the real name
    progress(total + 1, total + 1, _("Færdig"))
    result = {"path": str(path), "bytes": len(data), "format": fmt, "study_id": study.pk}
    if params.get("next_url"):
        result["next_url"] = params["next_url"]
    return result
