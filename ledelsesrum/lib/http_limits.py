"""Waitress's answer to an oversize request body, in Danish.

Waitress refuses a body above ``max_request_body_size`` from its headers, before reading it; its
own answer is an English text. The class-level override below changes only that answer.
"""

from __future__ import annotations

from waitress.utilities import RequestEntityTooLarge

DANISH_413 = (
    "Filen er for stor til at blive modtaget. Intet er gemt eller ændret. "
    "Del filen op, eller gem den som CSV uden billeder og formatering, og prøv igen."
)


def _danish_response(self, ident=None):
    body = DANISH_413.encode("utf-8")
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Language", "da")]
    return "413 Request Entity Too Large", headers, body


def install_danish_413() -> None:
    RequestEntityTooLarge.to_response = _danish_response
