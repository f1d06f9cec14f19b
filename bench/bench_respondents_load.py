#!/usr/bin/env python3
"""Load benchmark: many leaders answering the questionnaire at the same time.

Acceptance (issue 2): 200 concurrent respondents saving pages against PostgreSQL with p95 under
300 ms and zero lost answers, load generated on loopback only, bounded in time.

What it does:

1. creates a fresh database (PostgreSQL: ``DROP/CREATE DATABASE`` of the one named in
   ``--database-url``; ``--database-url sqlite``: a new SQLite file in a temporary data folder),
   migrates it and builds the demo organisation with one invitation per respondent and the round
   open (``ledelsesrum.demo.build.build_demo(with_responses=False)``);
2. starts ``ledelsesrum serve --no-worker`` on a free port of 127.0.0.1 as a subprocess;
3. runs the virtual respondents — threads with keep-alive ``http.client`` connections, spread over
   ``--processes`` client processes so that the load generator is not itself the bottleneck. Each
   arrives at a random moment within ``--ramp-up`` seconds, opens its personal link, and for every
   page fills in the form found in the HTML (a random answer for every radio group, a number, a
   unique Danish text for open questions), thinks for ``--think-min``–``--think-max`` seconds
   (a real leader needs 10 s or more per page; 0.5–2 s is deliberately harsh), POSTs the page
   ("Næste", and "Indsend" on the last page) and follows the redirect to the next page;
4. stops the server and verifies, in the database, that every answer every respondent sent is
   stored exactly as sent and that every respondent who pressed "Indsend" is submitted.

Measured: latency of the page saves (the POSTs) p50/p95/p99/max, of the page loads (GETs), errors
(non-2xx/3xx answers, connection failures, timeouts) and lost answers. Bounded: ``--max-seconds``
for the load phase (respondents still busy then are stopped and reported as unfinished) and
``--max-requests`` in all.

Run::

    .venv/bin/python bench/bench_respondents_load.py                      # 200 on PostgreSQL
    .venv/bin/python bench/bench_respondents_load.py --database-url sqlite
"""

from __future__ import annotations

import argparse
import html
import http.client
import multiprocessing
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lr_bench"
HOST = "127.0.0.1"  # loopback only, always

OPEN_TEXTS = [
    "Tid til faglig ledelse og til at være til stede hos medarbejderne",
    "Sparring med andre ledere på tværs af områderne",
    "Færre møder og enklere dokumentation",
    "Rekruttering og fastholdelse af dygtige medarbejdere",
    "Klarere rammer for, hvad jeg selv kan beslutte – æ, ø og å skal med",
]


# --- the virtual respondent ------------------------------------------------------------------------

_FORM_RE = re.compile(r'<form\b[^>]*method="post"[^>]*>(.*?)</form>', re.S | re.I)
_INPUT_RE = re.compile(r"<input\b([^>]*)>", re.I)
_TEXTAREA_RE = re.compile(r"<textarea\b([^>]*)>", re.I)
_BUTTON_RE = re.compile(r'<button\b[^>]*name="action"[^>]*value="(\w+)"', re.I)
_ATTR_RE = re.compile(r'([\w:-]+)(?:\s*=\s*"([^"]*)")?')
_CSRF_RE = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')


def _attrs(text: str) -> dict[str, str]:
    return {k.lower(): html.unescape(v or "") for k, v in _ATTR_RE.findall(text)}


def parse_page(page: str) -> tuple[dict[str, str], dict[str, list[str]], list[str], list[str], list[str]] | None:
    """(hidden fields, radio groups → values, number fields, text areas, actions) of the page's
    form, or None when the page has no answer form (thanks page, error page)."""
    match = _FORM_RE.search(page)
    if match is None:
        return None
    form = match.group(1)
    hidden: dict[str, str] = {}
    radios: dict[str, list[str]] = {}
    numbers: list[str] = []
    for tag in _INPUT_RE.findall(form):
        attrs = _attrs(tag)
        kind, name = attrs.get("type", "text").lower(), attrs.get("name", "")
        if not name:
            continue
        if kind == "hidden":
            hidden[name] = attrs.get("value", "")
        elif kind == "radio":
            radios.setdefault(name, []).append(attrs.get("value", ""))
        elif kind in ("text", "number"):
            numbers.append(name)
    textareas = [_attrs(tag).get("name", "") for tag in _TEXTAREA_RE.findall(form)]
    csrf = _CSRF_RE.search(page)
    if csrf:
        hidden["csrfmiddlewaretoken"] = csrf.group(1)
    return hidden, radios, numbers, [t for t in textareas if t], _BUTTON_RE.findall(form)


class Respondent:
    """One leader with a personal link, a keep-alive connection and a record of what was sent."""

    def __init__(self, token: str, port: int, cfg: dict, rng: random.Random, shared: dict) -> None:
        self.token = token
        self.port = port
        self.cfg = cfg
        self.rng = rng
        self.shared = shared
        self.path = f"/s/{token}/"
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.sent: dict[str, str] = {}
        self.submitted = False
        self.finished = False

    # HTTP with one retry on a broken keep-alive connection (counted as an error either way).
    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, dict, str, float]:
        if time.monotonic() > self.shared["deadline"]:
            raise TimeoutError("time cap reached")
        with self.shared["lock"]:
            if self.shared["requests"] >= self.cfg["max_requests"]:
                raise TimeoutError("request cap reached")
            self.shared["requests"] += 1
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "ledelsesrum-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{self.path}"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.cfg["timeout"])
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read().decode("utf-8", "replace")
            except (OSError, http.client.HTTPException) as exc:
                self.shared["errors"].append(f"{method} {type(exc).__name__}: {exc}"[:200])
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            elapsed = time.perf_counter() - started
            for header, value in resp.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data, elapsed
        raise AssertionError("unreachable")

    def run(self) -> None:
        rng = self.rng
        time.sleep(rng.uniform(0, self.cfg["ramp_up"]))
        try:
            status, _headers, page, elapsed = self.request("GET", self.path)
            self.shared["get_latencies"].append(elapsed)
            if status != 200:
                self.shared["errors"].append(f"GET first page: HTTP {status}")
                return
            for _guard in range(100):
                parsed = parse_page(page)
                if parsed is None:
                    self.shared["errors"].append("page without a form")
                    return
                hidden, radios, numbers, textareas, actions = parsed
                fields = dict(hidden)
                for name, values in radios.items():
                    fields[name] = rng.choice(values)
                for name in numbers:
                    fields[name] = str(rng.randint(0, 40))
                for name in textareas:
                    fields[name] = f"{rng.choice(OPEN_TEXTS)} (svar {self.token[:8]}-{rng.randint(0, 10**6)})"
                action = "submit" if "submit" in actions else "next"
                fields["action"] = action
                time.sleep(rng.uniform(self.cfg["think_min"], self.cfg["think_max"]))
                status, headers, page, elapsed = self.request("POST", self.path, urlencode(fields))
                self.shared["save_latencies"].append(elapsed)
                if status not in (302, 303):
                    self.shared["errors"].append(f"POST page: HTTP {status}")
                    return
                # The page is saved: record what the server now holds for its questions.
                for name, value in fields.items():
                    if name.startswith("q-"):
                        self.sent[name[2:]] = value
                location = urlsplit(headers.get("location", self.path))
                target = location.path + (f"?{location.query}" if location.query else "")
                status, _headers, page, elapsed = self.request("GET", target)
                self.shared["get_latencies"].append(elapsed)
                if status != 200:
                    self.shared["errors"].append(f"GET next page: HTTP {status}")
                    return
                if action == "submit":
                    self.submitted = True
                    self.finished = True
                    return
        except TimeoutError:
            self.shared["capped"] += 1
        except (OSError, http.client.HTTPException):
            pass  # already counted in errors
        finally:
            if self.conn is not None:
                self.conn.close()


def run_clients(tokens: list[str], port: int, cfg: dict, seed: int) -> dict:
    """One client process: a thread per respondent. Returns plain data for the parent."""
    shared = {
        "lock": threading.Lock(), "requests": 0, "errors": [], "save_latencies": [],
        "get_latencies": [], "capped": 0, "deadline": time.monotonic() + cfg["max_seconds"],
    }
    cfg = {**cfg, "max_requests": cfg["max_requests"] // cfg["processes"] + 1}
    respondents = [Respondent(t, port, cfg, random.Random(seed * 100003 + i), shared)
                   for i, t in enumerate(tokens)]
    threads = [threading.Thread(target=r.run, daemon=True) for r in respondents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(cfg["max_seconds"] + cfg["timeout"] + 5)
    return {
        "save_latencies": shared["save_latencies"], "get_latencies": shared["get_latencies"],
        "errors": shared["errors"], "requests": shared["requests"], "capped": shared["capped"],
        "sent": {r.token: r.sent for r in respondents},
        "submitted": [r.token for r in respondents if r.submitted],
        "unfinished": [r.token for r in respondents if not r.finished],
    }


def _client_entry(args: tuple) -> dict:
    return run_clients(*args)


# --- set-up ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def recreate_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"Databasenavnet {name!r} er ikke tilladt i benchmarken.")
    admin = parts._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def build_study(respondents: int, seed: int) -> tuple[int, list[str], int]:
    """Migrate, build the demo with an open round; returns (study id, tokens, questions)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledelsesrum.settings")
    import django

    django.setup()
    from django.db import connections

    from ledelsesrum.cli import prepare_database
    from ledelsesrum.demo.build import build_demo
    from ledelsesrum.surveys.models import Invitation, Question

    prepare_database()
    result = build_demo(seed=seed, size=respondents, with_responses=False)
    from ledelsesrum.studies.models import Study

    study = Study.objects.get(pk=result.study_id)
    tokens = list(
        Invitation.objects.filter(round=study.main_round).order_by("pk").values_list("token", flat=True)
    )
    questions = Question.objects.filter(questionnaire__study=study).count()
    connections.close_all()
    return result.study_id, tokens, questions


_REUSEPORT_LAUNCHER = """
import socket, sys
from ledelsesrum.cli import setup_django
setup_django()
from waitress import serve
from ledelsesrum.wsgi import application
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
sock.bind((sys.argv[1], int(sys.argv[2])))
sock.listen(1024)
serve(application, sockets=[sock], threads=int(sys.argv[3]), connection_limit=int(sys.argv[4]),
      asyncore_use_poll=True, ident="ledelsesrum")
"""


def start_server(port: int, env: dict, threads: int, log: Path, connection_limit: int | None,
                 processes: int = 1) -> list[subprocess.Popen]:
    args = ["serve", "--no-worker", "--host", HOST, "--port", str(port), "--threads", str(threads)]
    if processes > 1:
        # Prototype of a multi-process `serve`: N waitress processes accept on one SO_REUSEPORT
        # port, so the GIL of one process no longer caps the server at one core.
        limit = str(connection_limit or 1000)
        cmds = [[sys.executable, "-c", _REUSEPORT_LAUNCHER, HOST, str(port), str(threads), limit]
                for _ in range(processes)]
        return [_spawn(cmd, env, log.with_suffix(f".{i}.log"), port, wait=(i == processes - 1))
                for i, cmd in enumerate(cmds)]
    if connection_limit is None:
        cmd = [str(Path(sys.executable).with_name("ledelsesrum")), *args]
    else:
        # The same `ledelsesrum serve`, with only waitress's connection limit raised (its default,
        # 100, leaves the 101st keep-alive browser waiting): what the proposed cli.py change does.
        launcher = (
            "import sys, waitress.adjustments as a; "
            f"a.Adjustments.connection_limit = {int(connection_limit)}; "
            "a.Adjustments.asyncore_use_poll = True; "
            f"sys.argv = ['ledelsesrum', *{args!r}]; "
            "from ledelsesrum.cli import main; main()"
        )
        cmd = [sys.executable, "-c", launcher]
    return [_spawn(cmd, env, log, port)]


def _spawn(cmd: list[str], env: dict, log: Path, port: int, wait: bool = True) -> subprocess.Popen:
    # The server's log goes to a file: a full pipe would stall the server mid-benchmark.
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    if not wait:
        time.sleep(1.0)
        return proc
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("Serveren stoppede:\n" + log.read_text(errors="replace")[-3000:])
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/konto/log-ind/")
            conn.getresponse().read()
            conn.close()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("Serveren svarede ikke inden for 60 sekunder.")


def verify(sent: dict[str, dict[str, str]], submitted: list[str]) -> dict:
    """Compare what each respondent sent with what the database holds."""
    from ledelsesrum.surveys.models import Response

    responses = {
        r.invitation.token: r
        for r in Response.objects.filter(invitation__token__in=list(sent)).select_related("invitation")
    }
    checked = lost = wrong = 0
    examples: list[str] = []
    for token, answers in sent.items():
        response = responses.get(token)
        for code, value in answers.items():
            checked += 1
            if response is None:
                lost += 1
                continue
            stored = response.answers.get(code, response.open_answers.get(code))
            if stored is None:
                lost += 1
                if len(examples) < 5:
                    examples.append(f"mangler {code}")
            elif str(stored) != value.replace("\r\n", "\n").strip():
                wrong += 1
                if len(examples) < 5:
                    examples.append(f"{code}: sendt {value!r}, gemt {stored!r}")
    not_submitted = sum(
        1 for token in submitted if token not in responses or responses[token].submitted_at is None
    )
    return {"checked": checked, "lost": lost, "wrong": wrong, "not_submitted": not_submitted,
            "examples": examples}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def ms(value: float) -> str:
    return f"{value * 1000:7.1f} ms"


# --- main --------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--think-min", type=float, default=0.5, help="seconds before each page save")
    parser.add_argument("--think-max", type=float, default=2.0)
    parser.add_argument("--ramp-up", type=float, default=5.0, help="arrivals spread over this many s")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL,
                        help="postgres://… (dropped and recreated!) or 'sqlite'")
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    parser.add_argument("--server-threads", type=int, default=8, help="waitress threads")
    parser.add_argument("--connection-limit", type=int, default=None,
                        help="raise waitress's connection limit (default 100) in the served process")
    parser.add_argument("--server-processes", type=int, default=1,
                        help="prototype: N waitress processes on one SO_REUSEPORT port")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="cap on the load phase")
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--timeout", type=float, default=30.0, help="per request")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--p95-target-ms", type=float, default=300.0)
    args = parser.parse_args()
    if args.respondents < 1 or args.think_min < 0 or args.think_max < args.think_min:
        parser.error("check --respondents and --think-min/--think-max")

    data_dir = Path(tempfile.mkdtemp(prefix="lr-bench-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LEDELSESRUM_DATABASE_URL")}
    env.update({"LEDELSESRUM_DATA_DIR": str(data_dir), "LEDELSESRUM_DEBUG": "0",
                "LEDELSESRUM_SITE_URL": f"http://{HOST}"})
    engine = "SQLite" if args.database_url == "sqlite" else "PostgreSQL"
    if engine == "PostgreSQL":
        recreate_postgres(args.database_url)
        env["LEDELSESRUM_DATABASE_URL"] = args.database_url
    os.environ.clear()
    os.environ.update(env)

    print(f"Database: {engine}; data folder {data_dir}")
    t0 = time.monotonic()
    study_id, tokens, questions = build_study(args.respondents, args.seed)
    print(f"Study {study_id}: {len(tokens)} invitations, {questions} questions "
          f"(built in {time.monotonic() - t0:.1f} s)")

    port = free_port()
    server_log = data_dir / "server.log"
    servers = start_server(port, env, args.server_threads, server_log, args.connection_limit,
                           args.server_processes)
    print(f"Server: ledelsesrum serve --no-worker --port {port} --threads {args.server_threads}"
          + (f" with waitress connection_limit={args.connection_limit}" if args.connection_limit else "")
          + (f" x {args.server_processes} SO_REUSEPORT processes (prototype)"
             if args.server_processes > 1 else "")
          + f" (pid {', '.join(str(s.pid) for s in servers)})")
    cfg = {"think_min": args.think_min, "think_max": args.think_max, "ramp_up": args.ramp_up,
           "max_seconds": args.max_seconds, "max_requests": args.max_requests,
           "timeout": args.timeout, "processes": args.processes}
    chunks = [tokens[i::args.processes] for i in range(args.processes)]
    print(f"Load: {len(tokens)} respondents in {args.processes} client processes, think time "
          f"{args.think_min}–{args.think_max} s per page, arrivals over {args.ramp_up} s, "
          f"cap {args.max_seconds:.0f} s / {args.max_requests} requests")
    started = time.monotonic()
    try:
        with multiprocessing.get_context("fork").Pool(args.processes) as pool:
            parts = pool.map(_client_entry, [(c, port, cfg, args.seed + i) for i, c in enumerate(chunks)])
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
    duration = time.monotonic() - started

    saves = [x for p in parts for x in p["save_latencies"]]
    gets = [x for p in parts for x in p["get_latencies"]]
    errors = [x for p in parts for x in p["errors"]]
    sent = {k: v for p in parts for k, v in p["sent"].items()}
    submitted = [t for p in parts for t in p["submitted"]]
    unfinished = sum(len(p["unfinished"]) for p in parts)
    requests = sum(p["requests"] for p in parts)
    check = verify(sent, submitted)
    log_text = "".join(p.read_text(errors="replace") for p in data_dir.glob("server*.log"))
    queue_warnings = log_text.count("Task queue depth")
    server_errors = [line for line in log_text.splitlines() if " ERROR " in line or "Traceback" in line]

    print()
    print(f"Load phase        {duration:7.1f} s, {requests} requests ({requests / duration:.0f}/s)")
    print(f"Respondents       {len(submitted)} submitted, {unfinished} unfinished")
    print(f"Page saves (POST) n={len(saves)}  p50 {ms(pct(saves, 50))}  p95 {ms(pct(saves, 95))}  "
          f"p99 {ms(pct(saves, 99))}  max {ms(max(saves, default=float('nan')))}")
    print(f"Page loads (GET)  n={len(gets)}  p50 {ms(pct(gets, 50))}  p95 {ms(pct(gets, 95))}  "
          f"p99 {ms(pct(gets, 99))}  max {ms(max(gets, default=float('nan')))}")
    print(f"Errors            {len(errors)}" + (f"  e.g. {errors[:3]}" if errors else ""))
    print(f"Server log        {len(server_errors)} error lines, {queue_warnings} 'task queue depth' warnings"
          + (f"  e.g. {server_errors[:2]}" if server_errors else ""))
    print(f"Answers checked   {check['checked']}: lost {check['lost']}, different {check['wrong']}, "
          f"submitted but not stored as submitted {check['not_submitted']}"
          + (f"  e.g. {check['examples']}" if check["examples"] else ""))
    ok = (
        pct(saves, 95) * 1000 < args.p95_target_ms and not errors and not server_errors
        and unfinished == 0
        and check["lost"] == check["wrong"] == check["not_submitted"] == 0
    )
    print(f"Result            {'PASS' if ok else 'FAIL'} (p95 of page saves < {args.p95_target_ms:.0f} ms, "
          "no errors, all finished, zero lost answers)")
    shutil.rmtree(data_dir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
