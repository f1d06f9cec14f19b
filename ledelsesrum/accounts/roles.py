"""The roles of Ledelsesrum and what each may do.

Roles are Django groups, so an administrator manages them in the admin like any other group.
Permission checks go through the functions here, never through group names in views.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group

ADMINISTRATOR = "administrator"
ANALYST = "analyst"
BOARD_READER = "board_reader"
INTERVIEWER = "interviewer"

ROLE_LABELS = {
    ADMINISTRATOR: "Administrator",
    ANALYST: "Analytiker",
    BOARD_READER: "Direktion/læser",
    INTERVIEWER: "Interviewer",
}
ALL_ROLES = tuple(ROLE_LABELS)


def ensure_groups() -> None:
    for name in ALL_ROLES:
        Group.objects.get_or_create(name=name)


def roles_of(user: AbstractBaseUser | AnonymousUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_ledelsesrum_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(ADMINISTRATOR)
        user._ledelsesrum_roles = cached
    return cached


def grant(user, *roles: str) -> None:
    ensure_groups()
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    if hasattr(user, "_ledelsesrum_roles"):
        del user._ledelsesrum_roles


def is_administrator(user) -> bool:
    return ADMINISTRATOR in roles_of(user)


def can_manage_studies(user) -> bool:
    """Set up studies, import leaders, build questionnaires, send invitations."""
    return bool(roles_of(user) & {ADMINISTRATOR, ANALYST})


def can_read_results(user) -> bool:
    """Aggregated, suppressed results."""
    return bool(roles_of(user) & {ADMINISTRATOR, ANALYST, BOARD_READER})


def can_read_open_answers(user) -> bool:
    """Open questionnaire answers are personal data of their authors: analysts only."""
    return ANALYST in roles_of(user)


def can_interview(user) -> bool:
    return bool(roles_of(user) & {ANALYST, INTERVIEWER})


def can_read_pseudonym_key(user) -> bool:
    """The key from pseudonyms to real names in interview notes: analysts only."""
    return ANALYST in roles_of(user)
