"""Danish messages for the command line's usage errors (typer/click write them in English).

``ledelsesrum results --study abc`` said "Invalid value for '--study': 'abc' is not a valid
integer." (issue 12). :func:`danish` translates the messages click produces for wrong input;
anything it does not know stays as it is rather than being guessed at.
"""

from __future__ import annotations

import re

_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"Invalid value for '?([^':]+)'?: "), r"Ugyldig værdi for \1: "),
    (re.compile(r"'([^']*)' is not a valid integer( range)?\."), r"»\1« er ikke et helt tal."),
    (re.compile(r"Input should be a valid integer[^.\n]*\.?"), "skal være et helt tal."),
    (re.compile(r"Input should be a valid number[^.\n]*\.?"), "skal være et tal."),
    (re.compile(r"'([^']*)' is not a valid float( range)?\."), r"»\1« er ikke et tal."),
    (re.compile(r"'([^']*)' is not one of (.+)\."), r"»\1« er ikke en af \2."),
    (re.compile(r"No such option: (\S+)"), r"Ukendt tilvalg: \1"),
    (re.compile(r"Missing option '([^']+)'\."), r"Tilvalget \1 mangler."),
    (re.compile(r"Missing argument '([^']+)'\."), r"Argumentet \1 mangler."),
    (re.compile(r"No such command '([^']+)'\."), r"Kommandoen »\1« findes ikke."),
    (re.compile(r"Got unexpected extra arguments? \((.+)\)"), r"Uventede ekstra argumenter (\1)"),
    (re.compile(r"Option '([^']+)' requires an argument\."), r"Tilvalget \1 skal have en værdi."),
    (re.compile(r"Did you mean (\S+)\?"), r"Mente du \1?"),
]


def danish(message: str) -> str:
    for pattern, replacement in _RULES:
        message = pattern.sub(replacement, message)
    return message
