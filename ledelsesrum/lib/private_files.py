"""Private file modes for the data folder: 0700 for folders, 0600 for files.

New files are private through the process umask (settings); this tightens what an older version
or another tool left readable (the audit found 0755 / 0644). Run at every ``migrate``/``serve``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def make_private(root: Path | str) -> int:
    """Remove group and other permissions below ``root``; returns how many entries changed."""
    changed = 0
    uid = os.getuid()
    for folder, _dirs, files in os.walk(root):
        for path in [Path(folder), *(Path(folder) / f for f in files)]:
            try:
                info = path.lstat()
            except OSError:
                continue
            if stat.S_ISLNK(info.st_mode) or info.st_uid != uid or not info.st_mode & 0o077:
                continue
            path.chmod(stat.S_IMODE(info.st_mode) & 0o700)
            changed += 1
    return changed
