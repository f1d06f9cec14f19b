"""Keep an uploaded import file between the preview and the confirmation.

The file is stored under ``MEDIA_ROOT/imports/`` with an unguessable name (the token), never the
user's file name. Confirming *claims* the file with an atomic rename, so a double submit (two
clicks, two tabs, a retried request) starts one import only. The job deletes the file when it has
run; files nobody confirmed are swept after a day.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")
MAX_AGE_SECONDS = 24 * 3600


def import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def valid_token(token: str) -> bool:
    return bool(token) and bool(TOKEN_RE.match(token))


def stage(chunks) -> str:
    """Store an upload (an iterable of byte chunks, e.g. ``UploadedFile.chunks()``); return its token."""
    sweep()
    token = secrets.token_urlsafe(32)
    target = import_dir() / f"{token}.upload"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in chunks:
            out.write(chunk)
    return token


def path_for(token: str) -> Path:
    """The stored file for ``token`` (claimed or not). Raises ValueError for a malformed token."""
    if not valid_token(token):
        raise ValueError("malformed import token")
    claimed = import_dir() / f"{token}.claimed"
    if claimed.exists():
        return claimed
    return import_dir() / f"{token}.upload"


def is_pending(token: str) -> bool:
    """Uploaded and not yet confirmed."""
    return valid_token(token) and (import_dir() / f"{token}.upload").exists()


def claim(token: str) -> bool:
    """Mark the upload as confirmed. True for the first caller only."""
    if not valid_token(token):
        return False
    try:
        os.rename(import_dir() / f"{token}.upload", import_dir() / f"{token}.claimed")
    except FileNotFoundError:
        return False
    return True


def discard(token: str) -> None:
    if not valid_token(token):
        return
    for suffix in (".upload", ".claimed"):
        try:
            (import_dir() / f"{token}{suffix}").unlink()
        except FileNotFoundError:
            pass


def sweep(max_age: int = MAX_AGE_SECONDS) -> int:
    """Delete uploads older than ``max_age`` seconds; return how many."""
    removed = 0
    limit = time.time() - max_age
    for path in [*import_dir().glob("*.upload"), *import_dir().glob("*.claimed")]:
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
