"""A console mail backend that keeps personal links out of server output.

Without SMTP, Django's console backend prints every e-mail to stdout, and with it every
respondent's personal link — a credential that opens the respondent's answers. The link is
replaced by a placeholder before the message is written; the analyst hands out links with the
links CSV (``surveys.distribution.links_csv``) or configures SMTP instead.
"""

from __future__ import annotations

import copy
import re

from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend

# A personal link is ``/s/<token>/`` with a ``secrets.token_urlsafe`` token (43 characters);
# anything that long after /s/ is treated as one, so a shorter test token is still caught.
PERSONAL_LINK = re.compile(r"(/s/)[A-Za-z0-9_-]{8,}")
PLACEHOLDER = r"\1[personligt-link-skjult]"


def redact_links(text: str) -> str:
    return PERSONAL_LINK.sub(PLACEHOLDER, text)


class RedactingConsoleBackend(ConsoleEmailBackend):
    """Prints e-mails like Django's console backend, with personal links replaced."""

    def write_message(self, message) -> None:
        shown = copy.copy(message)
        shown.subject = redact_links(str(message.subject))
        shown.body = redact_links(str(message.body))
        shown.alternatives = [
            alt._replace(content=redact_links(str(alt.content))) if hasattr(alt, "_replace")
            else (redact_links(str(alt[0])), alt[1])
            for alt in getattr(message, "alternatives", [])
        ]
        super().write_message(shown)
