"""The server refuses an oversize body from its headers, in Danish, without reading it."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from waitress.server import create_server

from ledelsesrum.cli import waitress_options
from ledelsesrum.lib.http_limits import DANISH_413


@pytest.fixture
def server():
    calls: list[str] = []

    def app(environ, start_response):
        calls.append(environ["PATH_INFO"])
        body = environ["wsgi.input"].read()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [str(len(body)).encode()]

    options = waitress_options("127.0.0.1", 0, threads=2)
    instance = create_server(app, **options)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    yield instance, calls, options
    instance.close()
    instance.task_dispatcher.shutdown()


def _post(port: int, declared: int, send: int, timeout: float = 5.0) -> tuple[bytes, float]:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(
            f"POST /upload/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
            f"Content-Length: {declared}\r\nConnection: close\r\n\r\n".encode()
        )
        try:
            sock.sendall(b"x" * send)
        except OSError:
            pass  # the server may already have closed the connection
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks), time.monotonic() - started


def test_a_gigabyte_body_is_refused_from_its_headers_in_danish(server, settings):
    instance, calls, options = server
    assert options["max_request_body_size"] < 64 * 1024 * 1024
    response, seconds = _post(instance.effective_port, declared=1024**3, send=64 * 1024)
    assert response.startswith(b"HTTP/1.1 413"), response[:200]
    assert DANISH_413.encode("utf-8") in response
    assert seconds < 3, seconds  # not after reading (or waiting for) a gigabyte
    assert calls == []


def test_a_body_within_the_limit_reaches_the_application(server):
    instance, calls, _options = server
    response, _seconds = _post(instance.effective_port, declared=2 * 1024 * 1024, send=2 * 1024 * 1024)
    assert response.startswith(b"HTTP/1.1 200"), response[:200]
    assert response.endswith(str(2 * 1024 * 1024).encode())
    assert calls == ["/upload/"]
