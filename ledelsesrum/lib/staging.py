"""Keep uploaded files between an import's preview and its confirmation.

A batch of files is stored under ``MEDIA_ROOT/<area>/<token>/`` as ``0.bin``, ``1.bin`` … with an
unguessable token as its name — never the user's file names, which often hold a person's name.
Confirming *claims* the batch with an atomic rename, so a double submit (two clicks, two tabs, a
retried request) starts one import only. The job deletes the batch when it has run; batches nobody
confirmed are swept after a day.

What an import derives from a staged file (the parsed table, say) can be kept next to it with
:meth:`Stager.save_result`, so that the preview page does not parse the upload again on every load.
The result is a JSON file in the batch's folder (mode 0600), so it lives exactly as long as the
upload: it is renamed with it on confirmation and deleted with it (discard, sweep).
:meth:`Stager.load_result` returns it only when it was made from the very bytes now staged.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")
MAX_AGE_SECONDS = 24 * 3600


def valid_token(token: str) -> bool:
    return bool(token) and bool(TOKEN_RE.match(token))


class Stager:
    """Staged uploads of one kind of import (``area`` is its folder under MEDIA_ROOT)."""

    def __init__(self, area: str) -> None:
        self.area = area

    def base_dir(self) -> Path:
        path = Path(settings.MEDIA_ROOT) / self.area
        path.mkdir(parents=True, exist_ok=True)
        return path

    def stage(self, files: Iterable[Iterable[bytes]]) -> str:
        """Store several uploads (each an iterable of byte chunks); return the batch token."""
        self.sweep()
        token = secrets.token_urlsafe(32)
        target = self.base_dir() / token
        target.mkdir(mode=0o700)
        for i, chunks in enumerate(files):
            fd = os.open(target / f"{i}.bin", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
        return token

    def _dir(self, token: str) -> Path:
        if not valid_token(token):
            raise ValueError("malformed import token")
        claimed = self.base_dir() / f"{token}.claimed"
        return claimed if claimed.exists() else self.base_dir() / token

    def path(self, token: str, index: int = 0) -> Path:
        """The stored file (claimed or not). Raises ValueError for a malformed token."""
        return self._dir(token) / f"{int(index)}.bin"

    def read(self, token: str, index: int = 0) -> bytes:
        return self.path(token, index).read_bytes()

    # --- results derived from a staged file ------------------------------------------------

    def file_digest(self, token: str, index: int = 0) -> str:
        """SHA-256 of the staged file (hex). Raises OSError when it is gone."""
        digest = hashlib.sha256()
        with self.path(token, index).open("rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def _result_path(self, token: str, index: int, name: str) -> Path:
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,30}", name):
            raise ValueError("malformed result name")
        return self._dir(token) / f"{int(index)}.{name}.json"

    def save_result(self, token: str, index: int, name: str, data: Any) -> bool:
        """Keep ``data`` (JSON-serialisable) as what was derived from staged file ``index``.

        Written atomically with mode 0600 into the batch's folder, tagged with the file's
        SHA-256; the folder's modification time is kept, so the batch expires as if nothing had
        been added. Returns False (and stores nothing) when the batch is gone meanwhile.
        """
        target = self._result_path(token, index, name)
        folder = target.parent
        try:
            before = folder.stat()
            payload = json.dumps(
                {"source_sha256": self.file_digest(token, index), "data": data},
                ensure_ascii=False, separators=(",", ":"),
            ).encode()
            temporary = folder / f".{target.name}.{secrets.token_hex(8)}.tmp"
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError:
            return False
        try:
            with os.fdopen(fd, "wb") as out:
                os.fchmod(out.fileno(), 0o600)
                out.write(payload)
            os.replace(temporary, target)
            os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
        except OSError:
            temporary.unlink(missing_ok=True)
            return False
        return True

    def load_result(self, token: str, index: int, name: str) -> Any | None:
        """What :meth:`save_result` kept for staged file ``index``, or None when there is nothing,
        it cannot be read, or it was made from other bytes than the file staged now."""
        try:
            stored = json.loads(self._result_path(token, index, name).read_bytes())
            if not isinstance(stored, dict) or stored.get("source_sha256") != self.file_digest(token, index):
                return None
        except (OSError, ValueError):
            return None
        return stored.get("data")

    def is_pending(self, token: str) -> bool:
        """Uploaded and not yet confirmed."""
        return valid_token(token) and (self.base_dir() / token).is_dir()

    def claim(self, token: str) -> bool:
        """Mark the batch as confirmed. True for the first caller only."""
        if not valid_token(token):
            return False
        try:
            os.rename(self.base_dir() / token, self.base_dir() / f"{token}.claimed")
        except OSError:
            return False
        return True

    def discard(self, token: str) -> None:
        if not valid_token(token):
            return
        for name in (token, f"{token}.claimed"):
            shutil.rmtree(self.base_dir() / name, ignore_errors=True)

    def sweep(self, max_age: int = MAX_AGE_SECONDS) -> int:
        """Delete batches older than ``max_age`` seconds; return how many."""
        removed = 0
        limit = time.time() - max_age
        for path in self.base_dir().iterdir():
            try:
                if path.stat().st_mtime < limit:
                    shutil.rmtree(path, ignore_errors=True)
                    removed += 1
            except FileNotFoundError:
                continue
        return removed
