"""The apps' layering (docs/architecture.md, "Checks"): import-linter's contracts in pyproject.toml.

An import from a lower app into a higher one, at module level or inside a function, is a cycle
between apps and fails here; a new app must be given its place among the layers.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ledelsesrum"


def _contract(contract_id: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["id"] == contract_id)


def test_the_import_contracts_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_app_has_a_layer():
    layered = {name.strip().removeprefix("ledelsesrum.")
               for layer in _contract("layers")["layers"] for name in layer.split("|")}
    apps = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert apps - layered == set(), "give each app its place in pyproject's layers contract"
