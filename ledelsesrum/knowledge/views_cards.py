"""The card pile ("kortbunke"): chosen knowledge entries become printable dialogue cards.

The pile lives in the session (a list of keys plus the analyst's own questions and the chosen
size), so it needs no model and follows the user between the search, the entry pages and the pile.
A key is a knowledge entry's id or a finding of a study's report ("fund-<study>-<sub-theme>",
added from the dialogue edition); a finding card is made from the study's report each time it is
shown or printed, and only for a user who may read the study's results. Any logged-in user may
use the pile. Nothing is audit-logged: entry cards carry no personal data, and finding cards only
what the report shows. The logic is in ``cards`` and ``reports.dialogue``; these views parse the
form, keep the session and render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .base import load_entries
from .cards import (
    SIZES,
    CardError,
    DialogueCard,
    cards_from_entries,
    clean_question,
    render_cards_pdf,
)

PILE_KEY = "knowledge_cards"
QUESTIONS_KEY = "knowledge_card_questions"
SIZE_KEY = "knowledge_card_size"
MAX_CARDS = 60  # a generous meeting; keeps the session and the PDF job small


def _pile(request: HttpRequest) -> list[str]:
    from ledelsesrum.reports.dialogue import parse_finding_card_key

    kb = load_entries()
    return [i for i in request.session.get(PILE_KEY, []) if i in kb or parse_finding_card_key(i)]


def _pile_cards(request: HttpRequest, questions: dict[str, str] | None = None) -> list[DialogueCard]:
    """The pile as cards, in pile order. Finding cards come from each study's report as it is now;
    a finding of a study the user may not (or no longer) read, or that is gone, is left out."""
    from ledelsesrum.accounts.roles import can_read_results
    from ledelsesrum.reports.compose import compose
    from ledelsesrum.reports.dialogue import finding_cards, parse_finding_card_key
    from ledelsesrum.studies.models import Study

    pile = _pile(request)
    questions = _questions(request) if questions is None else questions
    by_key = {c.entry_id: c for c in cards_from_entries(pile, questions)}
    wanted: dict[int, list[str]] = {}
    for key in pile:
        parsed = parse_finding_card_key(key)
        if parsed:
            wanted.setdefault(parsed[0], []).append(parsed[1])
    if wanted and can_read_results(request.user):
        for study in Study.objects.filter(pk__in=wanted):
            by_key.update(finding_cards(compose(study), wanted[study.pk], questions))
    return [by_key[key] for key in pile if key in by_key]


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
    questions = _questions(request)
    defaults = {c.entry_id: c.question for c in _pile_cards(request, questions={})}
    for key, default in defaults.items():
        field = f"question-{key}"
        if field not in request.POST:
            continue
        text = clean_question(request.POST.get(field))
        if text and text != default:
            questions[key] = text
        else:
            questions.pop(key, None)
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


def _put_in_pile(request: HttpRequest, key: str, what: str) -> None:
    """Add ``key`` once, up to ``MAX_CARDS``; ``what`` names the card in the message."""
    pile = _pile(request)
    if key in pile:
        messages.info(request, _("%(what)s ligger allerede i kortbunken.") % {"what": what})
    elif len(pile) >= MAX_CARDS:
        messages.error(request, _("Kortbunken er fuld (højst %(n)s kort). Fjern et kort først.")
                       % {"n": MAX_CARDS})
    else:
        pile.append(key)
        request.session[PILE_KEY] = pile
        messages.success(request, _("%(what)s er lagt i kortbunken.") % {"what": what})


@login_required
@require_http_methods(["GET", "POST"])
def cards(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        _save_form(request)
        messages.success(request, _("Kortene er gemt."))
        return redirect("knowledge:cards")
    pile = _pile_cards(request)
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
    _put_in_pile(request, entry_id, _("»%(title)s«") % {"title": entry.title})
    return redirect(_next_url(request, fallback="knowledge:cards"))


@login_required
@require_POST
def cards_add_finding(request: HttpRequest) -> HttpResponse:
    """A finding of a study's report (from the dialogue edition) goes into the pile."""
    from ledelsesrum.accounts.roles import can_read_results
    from ledelsesrum.coding.study_codebook import codebook_for
    from ledelsesrum.reports.dialogue import finding_card_key
    from ledelsesrum.studies.models import Study

    if not can_read_results(request.user):
        raise PermissionDenied
    try:
        study = Study.objects.get(pk=int(request.POST.get("study_id") or 0))
    except (ValueError, Study.DoesNotExist):
        raise Http404(_("Undersøgelsen findes ikke.")) from None
    code = request.POST.get("code") or ""
    codebook = codebook_for(study)
    if code not in codebook:
        raise Http404(_("Undertemaet findes ikke i undersøgelsens kodebog."))
    sub = codebook.get(code)
    key = finding_card_key(study.pk, sub.id)
    _put_in_pile(request, key, _("Fundet om »%(label)s«") % {"label": sub.label})
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
        pdf = render_cards_pdf(_pile_cards(request), size)
    except CardError as exc:
        messages.error(request, str(exc))
        return redirect("knowledge:cards")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="dialogkort-{size}.pdf"'
    return response
