"""The data folder is private: 0700 folders and 0600 files, new and old."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from ledelsesrum.lib.private_files import make_private


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_installation_writes_only_private_files(tmp_path):
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k not in {"LEDELSESRUM_DATABASE_URL", "DATABASE_URL"}}
    env["LEDELSESRUM_DATA_DIR"] = str(data)
    # As a service started with the common umask 022 would be.
    code = "import os; os.umask(0o022); from ledelsesrum.cli import main; main()"
    subprocess.run([sys.executable, "-c", code, "migrate"], env=env, check=True, capture_output=True, timeout=300)

    assert _mode(data) == 0o700
    for name in ("ledelsesrum.sqlite3", "secret_key"):
        assert _mode(data / name) == 0o600, name
    leaky = [p for p in data.rglob("*") if stat.S_IMODE(p.stat().st_mode) & 0o077]
    assert leaky == []


def test_files_written_by_the_process_are_private(tmp_path):
    # settings set the umask; a report PDF or an embeddings cache is written like this.
    target = tmp_path / "rapport.pdf"
    target.write_bytes(b"%PDF")
    assert _mode(target) == 0o600
    folder = tmp_path / "embeddings"
    folder.mkdir()
    assert _mode(folder) == 0o700


def test_what_an_older_version_left_readable_is_tightened(tmp_path):
    (tmp_path / "reports").mkdir()
    old = tmp_path / "reports" / "rapport-1.pdf"
    old.write_bytes(b"%PDF")
    db = tmp_path / "ledelsesrum.sqlite3"
    db.write_bytes(b"")
    for path, mode in ((tmp_path, 0o755), (tmp_path / "reports", 0o755), (old, 0o644), (db, 0o664)):
        path.chmod(mode)

    assert make_private(tmp_path) == 4
    assert [_mode(p) for p in (tmp_path, tmp_path / "reports", old, db)] == [0o700, 0o700, 0o600, 0o600]
    assert make_private(tmp_path) == 0
