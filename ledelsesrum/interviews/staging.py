"""Staged batches of uploaded note files (see ``lib.staging``)."""

from __future__ import annotations

from pathlib import Path

from ledelsesrum.lib.staging import Stager, valid_token

__all__ = ["base_dir", "claim", "discard", "is_pending", "read", "stage", "sweep", "valid_token"]

_stager = Stager("interview-imports")
stage = _stager.stage
read = _stager.read
claim = _stager.claim
discard = _stager.discard
is_pending = _stager.is_pending
sweep = _stager.sweep


def base_dir() -> Path:
    return _stager.base_dir()
