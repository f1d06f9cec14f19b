#!/usr/bin/env python3
"""Set up and run Ledelsesrum on a fresh machine with nothing but Python 3.11 and pip.

    python3 dev.py demo    # install, build the demo study, serve it, print URL and login
    python3 dev.py test    # install, then run the whole suite on SQLite and PostgreSQL

Under CI=true the test command also installs what is missing (Chromium, PostgreSQL) with
apt-get, because nothing may be skipped there for want of a service or a browser.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_URL = os.environ.get("LEDELSESRUM_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/ledelsesrum")
DEBIAN_TEST_PACKAGES = [
    "chromium", "chromium-driver", "poppler-utils", "fonts-dejavu-core",
    # WeasyPrint renders PDFs with Pango.
    "libpango-1.0-0", "libpangoft2-1.0-0",
    # The exports are opened by LibreOffice in the tests, as a Danish office user would (issue 13).
    "libreoffice-calc-nogui", "libreoffice-writer-nogui",
]


def say(msg: str) -> None:
    print(f"==> {msg}", flush=True)


def run(cmd: list[str], **kw) -> None:
    subprocess.run(cmd, check=True, **kw)


def ensure_venv(extras: str) -> None:
    if sys.version_info[:2] != (3, 11):
        say(f"Advarsel: Ledelsesrum er bygget til Python 3.11 (du kører {sys.version.split()[0]}).")
    if not PY.exists():
        say("Opretter virtuelt miljø i .venv")
        run([sys.executable, "-m", "venv", str(VENV)])
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    say("Installerer Python-pakker (første gang tager det et par minutter)")
    target = f".[{extras}]" if extras else "."
    run([str(PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target], cwd=ROOT)
    stamp.write_text(digest)


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


_apt_updated = False


def apt_install(packages: list[str]) -> None:
    global _apt_updated
    if not is_root():
        raise SystemExit(f"Mangler {', '.join(packages)}; installer dem (kræver root) og prøv igen.")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not _apt_updated:
        run(["apt-get", "update", "-qq"], env=env)
        _apt_updated = True
    run(["apt-get", "install", "-y", "-qq", *packages], env=env, stdout=subprocess.DEVNULL)


def ensure_browser() -> bool:
    missing = [p for p, exe in (("chromium", "chromium"), ("chromium-driver", "chromedriver"),
                                ("poppler-utils", "pdftoppm"), ("libreoffice-calc-nogui", "soffice"))
               if not shutil.which(exe)]
    if not any(Path(d).glob("libpango-1.0.so*") for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib")):
        missing.append("libpango-1.0-0")
    if not missing:
        return True
    if CI or is_root():
        say(f"Installerer {', '.join(missing)} fra Debian")
        apt_install(DEBIAN_TEST_PACKAGES)
        return True
    say("Chromium mangler: browsertests springes over (installér pakken 'chromium').")
    return False


def postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def ensure_postgres() -> bool:
    if postgres_reachable():
        return True
    if not (CI or is_root()):
        say("PostgreSQL svarer ikke på 127.0.0.1:5432: testene køres kun på SQLite.")
        return False
    if not shutil.which("pg_ctlcluster"):
        say("Installerer PostgreSQL fra Debian")
        apt_install(["postgresql"])
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if versions:
        hba = Path(f"/etc/postgresql/{versions[-1]}/main/pg_hba.conf")
        text = hba.read_text()
        # Tests connect as postgres over TCP without a password, as on CI's machine.
        if "ledelsesrum-trust" not in text:
            hba.write_text("# ledelsesrum-trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n"
                           "local all all trust\n" + text)
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "restart"],
                       check=False)
    for _ in range(30):
        if postgres_reachable():
            return True
        time.sleep(1)
    raise SystemExit("PostgreSQL kunne ikke startes på 127.0.0.1:5432.")


def cmd_demo(args: list[str]) -> int:
    ensure_venv("")
    return subprocess.call([str(VENV / "bin" / "ledelsesrum"), "demo", *args], cwd=ROOT)


def static_checks(env: dict[str, str]) -> int:
    """ruff (style, C901 complexity), mypy over the domain modules, import-linter's layers
    (pyproject.toml; docs/architecture.md, "Checks"). 0 when all three pass."""
    bin_ = VENV / "bin"
    checks = {
        "ruff check": [str(bin_ / "ruff"), "check", "ledelsesrum", "tests", "bench", "dev.py"],
        "mypy": [str(bin_ / "mypy")],
        "lint-imports": [str(bin_ / "lint-imports"), "--no-cache"],
    }
    # mypy's Django plugin loads the settings, which create the data folder.
    check_env = {**env, "LEDELSESRUM_DATA_DIR": str(ROOT / "data" / "test-runs" / "checks")}
    failed = []
    for name, cmd in checks.items():
        say(name)
        if subprocess.call(cmd, cwd=ROOT, env=check_env) != 0:
            failed.append(name)
    if failed:
        say("Fejl i: " + ", ".join(failed))
    return 1 if failed else 0


def cmd_test(args: list[str]) -> int:
    ensure_venv("test")
    browser = ensure_browser()
    postgres = ensure_postgres()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}
    env.pop("LEDELSESRUM_DATABASE_URL", None)
    env.pop("DATABASE_URL", None)
    if not browser:
        env["LEDELSESRUM_SKIP_BROWSER"] = "1"
    lint = static_checks(env)

    data_root = ROOT / "data" / "test-runs"
    data_root.mkdir(parents=True, exist_ok=True)
    runs = {"sqlite": {**env, "LEDELSESRUM_DATA_DIR": str(data_root / "sqlite")}}
    if postgres:
        runs["postgresql"] = {**env, "LEDELSESRUM_DATA_DIR": str(data_root / "postgresql"),
                              "LEDELSESRUM_DATABASE_URL": PG_URL}
    # The two databases run side by side: one core each.
    procs = {}
    for name, run_env in runs.items():
        log = open(data_root / f"{name}.log", "w")
        say(f"pytest på {name}")
        # Page-only checks (the axe crawl of the demo, ~90 s) say nothing new on a second database.
        only = ["-m", "not database_neutral"] if name != "sqlite" and not args else []
        procs[name] = (subprocess.Popen([str(PY), "-m", "pytest", "-q", "-p", "no:randomly", *only, *args],
                                        cwd=ROOT, env=run_env, stdout=log, stderr=subprocess.STDOUT), log)
    codes = {}
    for name, (proc, log) in procs.items():
        codes[name] = proc.wait()
        log.close()
    for name in procs:
        print(f"\n======== {name} ========", flush=True)
        print((data_root / f"{name}.log").read_text(), flush=True)
    say("Resultat: " + ", ".join(f"{n}: {'OK' if c == 0 else f'FEJL ({c})'}" for n, c in codes.items())
        + f", ruff/mypy/lint-imports: {'OK' if lint == 0 else 'FEJL'}")
    if CI and "postgresql" not in codes:
        return 1
    return 0 if lint == 0 and all(c == 0 for c in codes.values()) else 1


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"demo", "test"}:
        print(__doc__)
        return 2
    os.chdir(ROOT)
    return {"demo": cmd_demo, "test": cmd_test}[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
