"""Staged single-file uploads of the leader and response imports (see ``lib.staging``).

:func:`read_table` parses a staged upload once: the table is kept next to the file (JSON, mode
0600, same lifetime) and read back on every later preview and by the import job.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ledelsesrum.lib import tabular
from ledelsesrum.lib.staging import Stager, valid_token

__all__ = [
    "claim", "discard", "import_dir", "is_pending", "path_for", "read_table", "stage", "sweep",
    "valid_token",
]

TABLE_RESULT = "table"

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


def read_table(token: str, filename: str = "", *, header_names: Iterable[str] = ()) -> tabular.Table:
    """The staged upload as a table, parsed only the first time.

    Later calls read the kept table back, as long as it was made from the bytes staged now;
    when it is missing, damaged or of another version, the file is parsed again (and kept again).
    ``header_names`` as for ``tabular.read_table`` (the leader import's recognised headings).
    Raises ``TabularError`` like ``tabular.read_table`` (nothing is kept then).
    """
    table = tabular.Table.from_data(_stager.load_result(token, 0, TABLE_RESULT))
    if table is not None:
        return table
    table = tabular.read_table(path_for(token), filename, header_names=header_names)
    _stager.save_result(token, 0, TABLE_RESULT, table.to_data())
    return table
