"""Keep uploaded note files between the preview and the confirmation.

A batch of files is stored under ``MEDIA_ROOT/interview-imports/<token>/`` as ``0.bin``, ``1.bin``
… (never the user's file names, which often hold a leader's name; those live in the session and
the job's parameters). Confirming *claims* the batch with an atomic rename, so a double submit
starts one import only. The job deletes the batch when it has run; unclaimed batches are swept
after a day.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")
MAX_AGE_SECONDS = 24 * 3600


def base_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "interview-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def valid_token(token: str) -> bool:
    return bool(token) and bool(TOKEN_RE.match(token))


def stage(files: Iterable[Iterable[bytes]]) -> str:
    """Store several uploads (each an iterable of byte chunks); return the batch token."""
    sweep()
    token = secrets.token_urlsafe(32)
    target = base_dir() / token
    target.mkdir(mode=0o700)
    for i, chunks in enumerate(files):
        fd = os.open(target / f"{i}.bin", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
    return token


def _dir(token: str) -> Path:
    if not valid_token(token):
        raise ValueError("malformed import token")
    claimed = base_dir() / f"{token}.claimed"
    return claimed if claimed.exists() else base_dir() / token


def read(token: str, index: int) -> bytes:
    return (_dir(token) / f"{int(index)}.bin").read_bytes()


def is_pending(token: str) -> bool:
    return valid_token(token) and (base_dir() / token).is_dir()


def claim(token: str) -> bool:
    """Mark the batch as confirmed. True for the first caller only."""
    if not valid_token(token):
        return False
    try:
        os.rename(base_dir() / token, base_dir() / f"{token}.claimed")
    except (FileNotFoundError, OSError):
        return False
    return True


def discard(token: str) -> None:
    if not valid_token(token):
        return
    for name in (token, f"{token}.claimed"):
        shutil.rmtree(base_dir() / name, ignore_errors=True)


def sweep(max_age: int = MAX_AGE_SECONDS) -> int:
    removed = 0
    limit = time.time() - max_age
    for path in base_dir().iterdir():
        try:
            if path.stat().st_mtime < limit:
                shutil.rmtree(path, ignore_errors=True)
                removed += 1
        except FileNotFoundError:
            continue
    return removed
