"""The respondent's pages, reached only through a personal link ``/s/<token>/``.

Thin views over ``answering``. The personal token is the only credential, so CSRF protection
adds nothing here (whoever can forge the POST already holds the token) while a lost or blocked
CSRF cookie would cost a leader their answers: these views are CSRF-exempt on purpose.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import answering
from .forms_respond import build_fields, error_count_text

ACTIONS = {"next", "back", "later", "submit"}


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _not_found(request) -> HttpResponse:
    """The same page for an unknown, malformed or cleared link: it reveals nothing."""
    response = render(request, "surveys/respond/not_found.html", status=404)
    # Keep the path (which holds the token) out of django.request's "Not Found" log line.
    response._has_been_logged = True
    return _private(response)


def _unavailable(request, invitation, state: str) -> HttpResponse:
    context = {"state": state, "round": invitation.round, "study": invitation.round.study}
    return _private(render(request, "surveys/respond/unavailable.html", context))


def _page_context(invitation, pages, index: int, raw: dict, errors: dict) -> dict:
    section = pages[index]
    questionnaire = answering.questionnaire_of(invitation)
    fields = build_fields(section.page_questions, raw, errors)
    token = invitation.token
    return {
        "invitation": invitation,
        "round": invitation.round,
        "study": invitation.round.study,
        "questionnaire": questionnaire,
        "section": section,
        "fields": fields,
        "error_fields": [f for f in fields if f.error],
        "error_summary": error_count_text(len(errors)) if errors else "",
        "page_index": index,
        "page_number": index + 1,
        "page_count": len(pages),
        "is_first": index == 0,
        "is_last": index == len(pages) - 1,
        "respond_url": reverse("surveys:respond", kwargs={"token": token}),
        "save_url": reverse("surveys:respond_save", kwargs={"token": token}),
        "privacy": answering.privacy_statement(invitation.round.study, questionnaire),
    }


def _load(token: str):
    """(invitation, state) or (None, None) for a link that must look unknown."""
    invitation = answering.invitation_for_token(token)
    if invitation is None:
        return None, None
    return invitation, answering.access_state(invitation)


@csrf_exempt
@never_cache
def respond(request, token: str):
    invitation, state = _load(token)
    if invitation is None:
        return _not_found(request)
    if state != "open":
        return _unavailable(request, invitation, state)
    pages = answering.pages_of(answering.questionnaire_of(invitation))
    if not pages:
        return _unavailable(request, invitation, "no_questionnaire")
    if request.method == "POST":
        return _post(request, invitation, pages)

    answering.mark_opened(invitation)
    response = answering.response_of(invitation)
    asked = request.GET.get("side", "")
    if response is not None and response.submitted_at is not None and not asked:
        return _thanks(request, invitation, response)
    if asked.isdigit():
        index = answering.clamp_page(int(asked) - 1, len(pages))
    else:
        index = answering.clamp_page(response.current_section if response else 0, len(pages))
    raw = answering.stored_raw(response, pages[index].page_questions)
    errors = {}
    if request.GET.get("mangler"):
        # Sent back here by a submit that found a required question unanswered.
        errors = answering.clean_page(
            pages[index].page_questions,
            {answering.field_name(q): raw.get(q.code, "") for q in pages[index].page_questions},
            enforce_required=True,
        ).errors
    context = _page_context(invitation, pages, index, raw, errors)
    context["submitted"] = bool(response and response.submitted_at)
    return _private(render(request, "surveys/respond/page.html", context))


def _post(request, invitation, pages):
    try:
        index = answering.clamp_page(int(request.POST.get("page", "0")), len(pages))
    except ValueError:
        index = 0
    action = request.POST.get("action", "next")
    if action not in ACTIONS:
        action = "next"
    if action == "submit" and index != len(pages) - 1:
        action = "next"
    page = answering.clean_page(
        pages[index].page_questions, request.POST, enforce_required=action in ("next", "submit")
    )
    target = {"next": index + 1, "back": index - 1, "later": index, "submit": index}[action]
    response = answering.start_response(invitation)
    try:
        # Valid fields are saved even when others are not, so a typo never costs the rest.
        response = answering.save_section(
            response, index, page.cleaned, move_to=index if page.errors else target, pages=pages,
            order=answering.save_order(request.POST),
        )
        if page.errors:
            context = _page_context(invitation, pages, index, page.raw, page.errors)
            context["submitted"] = response.submitted_at is not None
            return _private(render(request, "surveys/respond/page.html", context))
        respond_url = reverse("surveys:respond", kwargs={"token": invitation.token})
        if action == "later":
            return _private(render(request, "surveys/respond/saved.html", {
                "study": invitation.round.study, "round": invitation.round,
                "respond_url": respond_url,
            }))
        if action == "submit":
            missing = answering.missing_required(response, pages)
            if missing is not None:
                return redirect(f"{respond_url}?side={missing + 1}&mangler=1")
            answering.submit(response)
            return redirect(respond_url)
        return redirect(f"{respond_url}?side={answering.clamp_page(target, len(pages)) + 1}")
    except answering.AnsweringClosed:
        return _unavailable(request, invitation, "closed")


def _thanks(request, invitation, response):
    context = {
        "study": invitation.round.study,
        "round": invitation.round,
        "respond_url": reverse("surveys:respond", kwargs={"token": invitation.token}),
        "privacy": answering.privacy_statement(
            invitation.round.study, answering.questionnaire_of(invitation)
        ),
    }
    return _private(render(request, "surveys/respond/thanks.html", context))


@csrf_exempt
@never_cache
@require_POST
def respond_save(request, token: str):
    """Save-on-change (htmx): stores the valid fields of the page the leader is on.

    Answers with a small status fragment for the page's live region; never an error page.
    """
    invitation, state = _load(token)
    if invitation is None:
        return _not_found(request)
    if state != "open":
        return _private(render(request, "surveys/respond/_autosave.html", {"status": "closed"}))
    pages = answering.pages_of(answering.questionnaire_of(invitation))
    if not pages:
        return _private(render(request, "surveys/respond/_autosave.html", {"status": "closed"}))
    try:
        index = answering.clamp_page(int(request.POST.get("page", "0")), len(pages))
    except ValueError:
        index = 0
    page = answering.clean_page(pages[index].page_questions, request.POST)
    response = answering.start_response(invitation)
    try:
        answering.save_section(response, index, page.cleaned, move_to=index, pages=pages,
                               order=answering.save_order(request.POST))
    except answering.AnsweringClosed:
        return _private(render(request, "surveys/respond/_autosave.html", {"status": "closed"}))
    status = "partial" if page.errors else "saved"
    return _private(render(request, "surveys/respond/_autosave.html", {"status": status}))
