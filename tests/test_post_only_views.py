"""Every view that only accepts POST refuses a GET with 405 and changes nothing (issue 14).

The views are found by walking the URL patterns, not listed by hand: a view decorated with
``require_POST`` (or ``require_http_methods(["POST"])``), or a class view whose
``http_method_names`` allow POST only. Removing a ``require_POST`` makes its view drop out of the
discovered set, which the test of known views below notices.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.views.decorators.http import require_POST

from ledelsesrum.accounts.roles import ALL_ROLES, grant

# The code object of the function require_http_methods wraps a view in; a view chain holding
# it was decorated, and its closure says with which methods.
_METHOD_CHECK = require_POST(lambda request: None).__code__


@dataclass(frozen=True)
class Route:
    name: str
    pattern: URLPattern

    def url(self) -> str:
        """The route with a sample value for every parameter (an id of 1, a token "x")."""
        converters = getattr(self.pattern.pattern, "converters", {})
        kwargs = {key: _sample(conv) for key, conv in converters.items()}
        return reverse(self.name, kwargs=kwargs)


def _sample(converter: Any) -> Any:
    if isinstance(converter, IntConverter):
        return 1
    if isinstance(converter, UUIDConverter):
        return uuid.UUID(int=1)
    return "x"


def allowed_methods(view: Callable) -> set[str] | None:
    """The methods a view accepts when a decorator or its class limits them; None otherwise."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names if m not in ("options", "head")}
    func: Any = view
    while func is not None:
        code = getattr(func, "__code__", None)
        if code is not None and (code.co_name, code.co_filename) == (_METHOD_CHECK.co_name,
                                                                     _METHOD_CHECK.co_filename):
            cells = dict(zip(code.co_freevars, (c.cell_contents for c in func.__closure__), strict=True))
            return {m.upper() for m in cells["request_method_list"]}
        func = getattr(func, "__wrapped__", None)
    return None


def _routes(patterns: list, namespace: tuple[str, ...] = ()) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespace, pattern.namespace) if pattern.namespace else namespace
            yield from _routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield Route(":".join((*namespace, pattern.name or "")), pattern)


def post_only_routes() -> list[Route]:
    routes = []
    for route in _routes(get_resolver().url_patterns):
        methods = allowed_methods(route.pattern.callback)
        if methods and methods <= {"POST"}:
            assert route.pattern.name, f"a POST-only view without a URL name: {route.pattern}"
            routes.append(route)
    return routes


POST_ONLY = post_only_routes()


def test_the_post_only_views_are_found():
    names = {r.name for r in POST_ONLY}
    assert len(POST_ONLY) >= 30, names
    # A few that must stay POST-only; each drops out of the walk if its require_POST is removed.
    assert {"accounts:logout", "studies:round_launch", "surveys:distribution_send",
            "surveys:respond_save", "coding:confirm", "reports:recommendation_delete",
            "knowledge:panel_choose"} <= names


def test_the_discovery_tells_post_only_views_from_the_others():
    from django.views.decorators.http import require_GET, require_http_methods
    from django.views.generic import View

    def view(request):
        return None

    assert allowed_methods(require_POST(view)) == {"POST"}
    assert allowed_methods(require_http_methods(["GET", "POST"])(view)) == {"GET", "POST"}
    assert allowed_methods(require_GET(view)) == {"GET"}
    assert allowed_methods(view) is None

    class PostOnly(View):
        http_method_names = ["post"]

    assert allowed_methods(PostOnly.as_view()) == {"POST"}


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()
            if m._meta.label != "sessions.Session"}


@pytest.fixture
def everyone_client(client, django_user_model):
    """A user with every role (and superuser): whatever role a view asks for, this user has it,
    so a refusal can only be the method's."""
    # No password: force_login needs none, and hashing one per test costs a third of a second.
    user = django_user_model.objects.create(username="alle", is_staff=True, is_superuser=True)
    grant(user, *ALL_ROLES)
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("route", POST_ONLY, ids=[r.name for r in POST_ONLY])
def test_a_get_of_a_post_only_view_is_refused_with_405_and_changes_nothing(everyone_client, route):
    before = _row_counts()
    response = everyone_client.get(route.url())
    assert response.status_code == 405, (route.name, response.status_code)
    assert "POST" in response.get("Allow", ""), route.name
    assert _row_counts() == before, route.name
