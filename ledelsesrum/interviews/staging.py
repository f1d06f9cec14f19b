"""Staged batches of uploaded note files (see ``lib.staging``)."""

from __future__ import annotations

from pathlib import Path

from ledelsesrum.lib.staging import Stager, valid_token

__all__ = [
    "base_dir", "claim", "discard", "is_pending", "load_result", "read", "save_result", "stage", "sweep",
    "valid_token",
]

_stager = Stager("interview-imports")
stage = _stager.stage
read = _stager.read
claim = _stager.claim
discard = _stager.discard
is_pending = _stager.is_pending
sweep = _stager.sweep
# What was parsed from a staged file, kept with it (the preview does not parse again on reload).
save_result = _stager.save_result
load_result = _stager.load_result


def base_dir() -> Path:
    return _stager.base_dir()
