"""The demo's pages over HTTP, cold and warm (issue 12, item 12).

    .venv/bin/python bench/bench_demo_pages.py [--repeat 5] [--pages results,change,exports]
        [--restart page|once] [--no-worker] [--data-dir /tmp/benchpages-x] [--keep]

1. Builds the demo (``ledelsesrum demo --no-serve``) into a fresh data folder
   ``/tmp/benchpages-*`` (or reuses ``--data-dir`` if a demo is already built there).
2. For every page: starts ``ledelsesrum serve`` (waitress, plus the job worker unless
   ``--no-worker``) on a free port of 127.0.0.1, logs in as the demo analyst through the login
   form, and fetches the page once (**cold**: the first request of that page after a fresh server
   process start, so every in-process cache is empty) and then ``--repeat`` times more (**warm**:
   the median). Then the server is stopped. ``--restart once`` uses one server for all pages
   instead (cold = the first request of each page in one session, in the order listed).
3. Before that, the coding page is fetched once in a fresh server with an *empty* on-disk
   embedding cache (the first coding page ever after a build; the row "kodning, tom
   indlejringscache"). ``ledelsesrum demo`` queues a warm-up job that fills that cache while the
   user logs in; the later rows run with it filled.

Printed: one row per page with cold and warm-median seconds (whole response, body read), the warm
maximum, the HTTP status, the bytes of the body and the server's peak RSS; pages with a warm
median over 1 s or a cold time over 5 s are flagged. Timings are wall-clock from the client; note
``uptime`` with a result. Never point ``--data-dir`` at real data: the demo is built into it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
USER = "analytiker"

# (key, group, label, path); "{s}" is the study id, "{r}" the latest closed main round's id.
PAGES = [
    ("studies", "overview", "undersøgelser (liste)", "/undersoegelser/"),
    ("study", "overview", "undersøgelsens overblik", "/undersoegelser/{s}/"),
    ("results_area", "results", "resultater efter område", "/undersoegelser/{s}/resultater/?by=area"),
    ("results_unit", "results", "resultater efter enhed", "/undersoegelser/{s}/resultater/?by=unit"),
    ("change_area", "change", "udvikling efter område", "/undersoegelser/{s}/resultater/udvikling/?by=area"),
    ("change_unit", "change", "udvikling efter enhed", "/undersoegelser/{s}/resultater/udvikling/?by=unit"),
    ("open_answers", "results", "åbne svar", "/undersoegelser/{s}/resultater/aabne-svar/"),
    ("coding", "coding", "kodning (meningsenheder)", "/undersoegelser/{s}/kodning/"),
    ("synthesis", "coding", "syntese (oversigt)", "/undersoegelser/{s}/kodning/syntese/"),
    ("synthesis_1d", "coding", "syntese, undertema 1d", "/undersoegelser/{s}/kodning/syntese/1d/"),
    ("matrix", "coding", "matrix", "/undersoegelser/{s}/kodning/matrix/"),
    ("emerging", "coding", "nye temaer", "/undersoegelser/{s}/kodning/nye-temaer/"),
    ("interviews", "interviews", "interviewregister", "/undersoegelser/{s}/interviews/"),
    ("report", "report", "rapport", "/undersoegelser/{s}/rapport/"),
    ("dialogue", "report", "dialogudgave", "/undersoegelser/{s}/rapport/dialog/"),
    ("followup", "followup", "opfølgning", "/undersoegelser/{s}/opfoelgning/"),
    ("distribution", "distribution", "distribution", "/undersoegelser/{s}/distribution/"),
    ("response_overview", "distribution", "svaroversigt (runde 2)", "/undersoegelser/{s}/runder/{r}/svar/"),
    ("export_xlsx", "exports", "resultater eksport.xlsx", "/undersoegelser/{s}/resultater/eksport.xlsx"),
    ("export_csv", "exports", "resultater eksport.csv", "/undersoegelser/{s}/resultater/eksport.csv"),
    ("export_json", "exports", "resultater eksport.json", "/undersoegelser/{s}/resultater/eksport.json"),
    ("change_xlsx", "exports", "udvikling eksport.xlsx", "/undersoegelser/{s}/resultater/udvikling/eksport.xlsx"),
    ("change_csv", "exports", "udvikling eksport.csv", "/undersoegelser/{s}/resultater/udvikling/eksport.csv"),
    ("followup_xlsx", "exports", "opfølgning eksport.xlsx", "/undersoegelser/{s}/opfoelgning/eksport.xlsx"),
    ("report_docx", "downloads", "rapport hent.docx", "/undersoegelser/{s}/rapport/hent.docx"),
    ("report_pdf", "downloads", "rapport hent.pdf", "/undersoegelser/{s}/rapport/hent.pdf"),
    ("dialogue_pdf", "downloads", "dialogudgave hent.pdf", "/undersoegelser/{s}/rapport/dialog/hent.pdf"),
]

IDS = """
import json
from ledelsesrum.cli import setup_django
setup_django()
from ledelsesrum.studies.models import Round, Study
study = Study.objects.get(pk={study})
closed = list(study.rounds.filter(kind=Round.Kind.MAIN, status=Round.Status.CLOSED).order_by("number"))
print(json.dumps({{"round": closed[-1].pk}}))
"""


# --- a small HTTP client with a cookie jar ------------------------------------------------------


class Browser:
    """Keep-alive connection, cookies, CSRF token; redirects followed like a browser's."""

    def __init__(self, port: int, timeout: float = 300):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def _request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = {"Host": f"{HOST}:{self.port}", "Accept": "text/html,*/*", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server dropped an idle keep-alive connection: reconnect once.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers, data

    def get(self, path: str, max_redirects: int = 5) -> tuple[int, bytes, str]:
        """(final status, body, final path), following redirects."""
        for _ in range(max_redirects + 1):
            status, headers, data = self._request("GET", path)
            if status in (301, 302, 303, 307, 308) and headers.get("Location"):
                location = urlsplit(headers["Location"])
                path = location.path + (f"?{location.query}" if location.query else "")
                continue
            return status, data, path
        return status, data, path

    def login(self, username: str, password: str) -> float:
        """Log in through the form; returns the seconds of the POST (the redirect not followed)."""
        status, _headers, page = self._request("GET", "/konto/log-ind/")
        assert status == 200, status
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password}).encode()
        started = time.perf_counter()
        status, headers, _data = self._request(
            "POST", "/konto/log-ind/", body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Referer": f"http://{HOST}:{self.port}/konto/log-ind/"},
        )
        seconds = time.perf_counter() - started
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"Login som {username} mislykkedes (status {status}).")
        return seconds

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    while True:
        with socket.socket() as s:
            s.bind((HOST, 0))
            port = s.getsockname()[1]
        if port not in (8000, 8101):
            return port


@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    ready_seconds: float

    def peak_rss_mb(self) -> float:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # serve_forever stops its worker child too
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_server(env: dict, log: Path, worker: bool) -> Server:
    port = free_port()
    cmd = [str(Path(sys.executable).with_name("ledelsesrum")), "serve", "--host", HOST, "--port", str(port)]
    if not worker:
        cmd.append("--no-worker")
    started = time.perf_counter()
    with open(log, "ab") as out:  # a file, not a pipe: a full pipe would stall the server
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("Serveren stoppede:\n" + log.read_text(errors="replace")[-3000:])
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return Server(proc, port, time.perf_counter() - started)
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("Serveren svarede ikke inden for 120 sekunder.")


# --- measuring ----------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    path: str
    cold: float
    warm: list[float] = field(default_factory=list)
    status: int = 0
    size: int = 0
    rss_mb: float = float("nan")
    note: str = ""

    @property
    def warm_median(self) -> float:
        return statistics.median(self.warm) if self.warm else float("nan")

    @property
    def flags(self) -> str:
        out = []
        if self.status != 200:
            out.append(f"STATUS {self.status}")
        if self.warm and self.warm_median > 1.0:
            out.append("WARM > 1 s")
        if self.cold > 5.0:
            out.append("COLD > 5 s")
        return ", ".join(out)


def timed_get(browser: Browser, path: str) -> tuple[float, int, int, str]:
    started = time.perf_counter()
    status, body, final = browser.get(path)
    return time.perf_counter() - started, status, len(body), final


def measure(browser: Browser, label: str, path: str, repeat: int, slow: float) -> Row:
    cold, status, size, final = timed_get(browser, path)
    row = Row(label, path, cold, status=status, size=size,
              note="" if final == path else f"→ {final}")
    # A page slower than --slow-cutoff cold is repeated once only, so the run stays bounded.
    for _ in range(repeat if cold < slow else min(repeat, 1)):
        seconds, _status, _size, _final = timed_get(browser, path)
        row.warm.append(seconds)
    if len(row.warm) < repeat:
        row.note = (row.note + " " if row.note else "") + f"(warm: {len(row.warm)} repeat)"
    return row


def measure_login(env: dict, log: Path, worker: bool, password: str, repeat: int) -> list[Row]:
    """The login form (GET) and the login itself (POST, password checked, session written), each
    the first request of its kind in a fresh server; warm = new browsers logging in again."""
    server = start_server(env, log, worker)
    try:
        forms, posts = [], []
        for _ in range(repeat + 1):
            browser = Browser(server.port)
            seconds, status, size, _final = timed_get(browser, "/konto/log-ind/")
            forms.append(seconds)
            posts.append(browser.login(USER, password))
            browser.close()
        rss = server.peak_rss_mb()
        return [
            Row("log ind, formular (GET; første forespørgsel)", "/konto/log-ind/", forms[0], forms[1:],
                status, size, rss),
            # status 200 stands for the 302 to the front page that a successful login answers.
            Row("log ind (POST)", "/konto/log-ind/", posts[0], posts[1:], 200, 0, rss, "302 = logget ind"),
        ]
    finally:
        server.stop()


def fmt(seconds: float) -> str:
    return "—" if seconds != seconds else f"{seconds:.3f}"


def print_table(rows: list[Row]) -> None:
    print()
    print("| page | path | cold s | warm median s | warm max s | bytes | server peak MB | flag |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        flag = " ".join(x for x in (r.flags, r.note) if x)
        print(f"| {r.label} | `{r.path}` | {fmt(r.cold)} | {fmt(r.warm_median)} | "
              f"{fmt(max(r.warm) if r.warm else float('nan'))} | {r.size:,} | {r.rss_mb:.0f} | {flag} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    groups = sorted({g for _k, g, _l, _p in PAGES})
    parser.add_argument("--repeat", type=int, default=5, help="warm requests per page (median)")
    parser.add_argument("--pages", default="all",
                        help=f"comma-separated page keys or groups ({', '.join(groups)}; "
                             f"'all'; keys: {', '.join(k for k, *_ in PAGES)})")
    parser.add_argument("--restart", choices=("page", "once"), default="page",
                        help="a fresh server per page (default) or one server for all pages")
    parser.add_argument("--no-worker", action="store_true", help="serve without the job worker")
    parser.add_argument("--no-empty-cache", action="store_true",
                        help="skip the coding page with an empty embedding cache")
    parser.add_argument("--slow-cutoff", type=float, default=20.0,
                        help="a page slower than this cold (s) is repeated once only")
    parser.add_argument("--data-dir", type=Path, help="reuse this data folder (built if empty)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    args = parser.parse_args()
    # Stopped with SIGTERM, unwind through the finally blocks so no server is left behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    wanted = set(args.pages.split(",")) if args.pages != "all" else {"all"}
    unknown = wanted - {"all", *groups, *(k for k, *_ in PAGES)}
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    pages = [p for p in PAGES if "all" in wanted or p[0] in wanted or p[1] in wanted]

    data = args.data_dir or Path(tempfile.mkdtemp(prefix="benchpages-", dir="/tmp"))
    data.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "LEDELSESRUM_DATA_DIR": str(data)}
    for name in ("LEDELSESRUM_DATABASE_URL", "DATABASE_URL", "LEDELSESRUM_CODING_EMBEDDER", "LEDELSESRUM_REDIS_URL"):
        env.pop(name, None)
    log = data / "server.log"
    worker = not args.no_worker
    try:
        print(f"Data folder {data}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
        started = time.perf_counter()
        built = subprocess.run([str(Path(sys.executable).with_name("ledelsesrum")), "demo", "--no-serve"],
                               env=env, cwd=ROOT, check=True, capture_output=True, text=True)
        study = int(built.stdout.strip().splitlines()[-1])
        reused = "genbruges" in built.stdout
        print(f"Demo {'reused' if reused else 'built'} in {time.perf_counter() - started:.1f} s "
              f"(ledelsesrum demo --no-serve, whole process); study {study}")
        password = json.loads((data / "demo-credentials.json").read_text())["password"]
        ids = json.loads(subprocess.run([sys.executable, "-c", IDS.format(study=study)], env=env, cwd=ROOT,
                                        check=True, capture_output=True, text=True).stdout)
        subst = {"s": study, "r": ids["round"]}

        rows: list[Row] = []
        rows.extend(measure_login(env, log, worker, password, args.repeat))

        coding_path = "/undersoegelser/{s}/kodning/".format(**subst)
        if not args.no_empty_cache and any(p[0] == "coding" for p in pages):
            shutil.rmtree(data / "embeddings", ignore_errors=True)
            server = start_server(env, log, worker)
            try:
                browser = Browser(server.port)
                browser.login(USER, password)
                cold, status, size, _final = timed_get(browser, coding_path)
                rows.append(Row("kodning, tom indlejringscache (kun kold)", coding_path, cold,
                                status=status, size=size, rss_mb=server.peak_rss_mb()))
            finally:
                server.stop()

        readiness = []
        server = None
        browser = None
        try:
            for _key, _group, label, template in pages:
                path = template.format(**subst)
                if server is None or args.restart == "page":
                    if server is not None:
                        server.stop()
                    server = start_server(env, log, worker)
                    readiness.append(server.ready_seconds)
                    browser = Browser(server.port)
                    browser.login(USER, password)
                row = measure(browser, label, path, args.repeat, args.slow_cutoff)
                row.rss_mb = server.peak_rss_mb()
                rows.append(row)
                print(f"  {label:42} cold {row.cold:7.3f} s  warm median {row.warm_median:7.3f} s  "
                      f"{row.size:>10,} B  {row.flags}", flush=True)
        finally:
            if server is not None:
                server.stop()

        print(f"\nServer start to listening: median {statistics.median(readiness):.2f} s "
              f"({len(readiness)} starts; `ledelsesrum serve` migrates first)")
        print(f"Warm = median of {args.repeat} repeats; cold = first request of the page after "
              + ("a fresh server start and login" if args.restart == "page" else "one server start, pages in order")
              + (" (job worker running)" if worker else " (--no-worker)"))
        print_table(rows)
        slow = [r for r in rows if r.flags and not r.flags.startswith("STATUS")]
        print(f"\nFlagged (warm > 1 s or cold > 5 s): {', '.join(r.label for r in slow) or 'none'}")
        errors = [line for line in log.read_text(errors="replace").splitlines() if "Traceback" in line or " ERROR " in line]
        print(f"Server log: {len(errors)} error lines" + (f", e.g. {errors[:2]}" if errors else ""))
        print(f"Load average at the end: {os.getloadavg()[0]:.2f}")
    finally:
        if not args.keep and not args.data_dir:
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
