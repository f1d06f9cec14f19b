"""Pages of the knowledge base: search and browse (``/viden/``) and one entry (``/viden/<id>/``).

Any logged-in user may read them. Nothing is audit-logged: the knowledge base holds no personal
data. The logic lives in ``base`` and ``search``; these views only parse and render.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from ledelsesrum.frame.subthemes import load_frame

from .base import KINDS, SEED_DOCUMENTS, cited_passage, load_entries, reflow
from .search import get_index

PAGE_SIZE = 25


def _clean(value: str | None, allowed) -> str:
    return value if value and value in allowed else ""


@login_required
def search(request: HttpRequest) -> HttpResponse:
    kb = load_entries()
    frame = load_frame()
    q = (request.GET.get("q") or "").strip()[:300]
    kind = _clean(request.GET.get("kind"), KINDS)
    theme_param = request.GET.get("theme") or ""
    subtheme = _clean(theme_param, frame.codes)
    theme = "" if subtheme else _clean(theme_param, frame.theme_codes)
    document = _clean(request.GET.get("document"), SEED_DOCUMENTS)
    hits = get_index().search(q, limit=PAGE_SIZE if q else len(kb), kind=kind or None,
                              subtheme=subtheme or None, theme=theme or None,
                              document=document or None)
    results = [{"entry": h.entry, "summary": mark_safe(h.highlighted_summary)} for h in hits]  # noqa: S308 - escaped in highlight()
    context = {
        "q": q,
        "kind": kind,
        "theme": subtheme or theme,
        "document": document,
        "results": results,
        "total": len(kb),
        "filtered": bool(kind or subtheme or theme or document),
        "kinds": [(k, label, sum(1 for e in kb if e.kind == k)) for k, label in KINDS.items()],
        "themes": [
            (t.code, t.label, [(s.code, s.label) for s in frame.subthemes_of(t.code)])
            for t in frame.themes
        ],
        "documents": [(d, title, sum(1 for e in kb if d in e.documents))
                      for d, title in SEED_DOCUMENTS.items()],
    }
    template = "knowledge/_results.html" if request.headers.get("HX-Request") else "knowledge/search.html"
    return render(request, template, context)


@login_required
def entry(request: HttpRequest, entry_id: str) -> HttpResponse:
    kb = load_entries()
    item = kb.get(entry_id)
    if item is None:
        raise Http404("Posten findes ikke.")
    citations = [{"citation": c, "passage": reflow(cited_passage(c))} for c in item.citations]
    labels = load_frame().theme_labels()
    return render(request, "knowledge/entry.html", {
        "entry": item,
        "citations": citations,
        "related": kb.related(item),
        "themes": [(t, labels[t]) for t in item.themes if t in labels],
    })
