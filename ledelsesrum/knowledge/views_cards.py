"""The card pile ("kortbunke"): chosen knowledge entries become printable dialogue cards.

The pile lives in the session (a list of entry ids plus the analyst's own questions and the chosen
size), so it needs no model and follows the user between the search, the entry pages and the pile.
Any logged-in user may use it. Nothing is audit-logged: cards carry no personal data. The logic is
in ``cards``; these views parse the form, keep the session and render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .base import load_entries
from .cards import (
    SIZES,
    CardError,
    cards_from_entries,
    clean_question,
    default_question,
    render_cards_pdf,
)

PILE_KEY = "knowledge_cards"
QUESTIONS_KEY = "knowledge_card_questions"
SIZE_KEY = "knowledge_card_size"
MAX_CARDS = 60  # a generous meeting; keeps the session and the PDF job small


def _pile(request: HttpRequest) -> list[str]:
    kb = load_entries()
    return [i for i in request.session.get(PILE_KEY, []) if i in kb]


def _questions(request: HttpRequest) -> dict[str, str]:
    return dict(request.session.get(QUESTIONS_KEY, {}))


def _size(request: HttpRequest) -> str:
    size = request.session.get(SIZE_KEY, "A6")
    return size if size in SIZES else "A6"


def _save_form(request: HttpRequest) -> None:
    """Store the questions and size posted from the pile page.

    A question left empty or equal to the generated one is not stored, so the default follows
    the entry if its title changes.
    """
    kb = load_entries()
    questions = _questions(request)
    for entry_id in _pile(request):
        field = f"question-{entry_id}"
        if field not in request.POST:
            continue
        text = clean_question(request.POST.get(field))
        if text and text != default_question(kb.get(entry_id)):
            questions[entry_id] = text
        else:
            questions.pop(entry_id, None)
    request.session[QUESTIONS_KEY] = questions
    size = request.POST.get("size")
    if size in SIZES:
        request.session[SIZE_KEY] = size


def _next_url(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return fallback


@login_required
@require_http_methods(["GET", "POST"])
def cards(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        _save_form(request)
        messages.success(request, _("Kortene er gemt."))
        return redirect("knowledge:cards")
    pile = cards_from_entries(_pile(request), _questions(request))
    return render(request, "knowledge/cards/pile.html", {
        "cards": pile,
        "size": _size(request),
        "sizes": list(SIZES),
        "max_cards": MAX_CARDS,
    })


@login_required
@require_POST
def cards_add(request: HttpRequest) -> HttpResponse:
    entry_id = request.POST.get("entry_id") or ""
    entry = load_entries().get(entry_id)
    if entry is None:
        raise Http404(_("Posten findes ikke."))
    pile = _pile(request)
    if entry_id in pile:
        messages.info(request, _("»%(title)s« ligger allerede i kortbunken.") % {"title": entry.title})
    elif len(pile) >= MAX_CARDS:
        messages.error(request, _("Kortbunken er fuld (højst %(n)s kort). Fjern et kort først.")
                       % {"n": MAX_CARDS})
    else:
        pile.append(entry_id)
        request.session[PILE_KEY] = pile
        messages.success(request, _("»%(title)s« er lagt i kortbunken.") % {"title": entry.title})
    return redirect(_next_url(request, fallback="knowledge:cards"))


@login_required
@require_POST
def cards_remove(request: HttpRequest) -> HttpResponse:
    entry_id = request.POST.get("entry_id") or ""
    _save_form(request)  # keep edits made to the other cards on the same page
    request.session[PILE_KEY] = [i for i in _pile(request) if i != entry_id]
    questions = _questions(request)
    questions.pop(entry_id, None)
    request.session[QUESTIONS_KEY] = questions
    messages.success(request, _("Kortet er fjernet fra bunken."))
    return redirect("knowledge:cards")


@login_required
@require_http_methods(["GET", "POST"])
def cards_pdf(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        _save_form(request)  # "Hent PDF" on the pile page prints what is on screen
    size = request.GET.get("size") or _size(request)
    try:
        pdf = render_cards_pdf(cards_from_entries(_pile(request), _questions(request)), size)
    except CardError as exc:
        messages.error(request, str(exc))
        return redirect("knowledge:cards")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="dialogkort-{size}.pdf"'
    return response
