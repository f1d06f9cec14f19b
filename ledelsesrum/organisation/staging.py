"""Staged single-file uploads of the leader and response imports (see ``lib.staging``)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ledelsesrum.lib.staging import Stager, valid_token

__all__ = ["claim", "discard", "import_dir", "is_pending", "path_for", "stage", "sweep", "valid_token"]

_stager = Stager("imports")
claim = _stager.claim
discard = _stager.discard
is_pending = _stager.is_pending
sweep = _stager.sweep


def import_dir() -> Path:
    return _stager.base_dir()


def stage(chunks: Iterable[bytes]) -> str:
    """Store one upload (e.g. ``UploadedFile.chunks()``); return its token."""
    return _stager.stage([chunks])


def path_for(token: str) -> Path:
    return _stager.path(token, 0)
