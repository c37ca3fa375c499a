"""A logging transport (``--debug``, the console's API log) still goes through the proxy the
environment names, as the client's own transport does."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from phrony_tui.commands.httplog import environment_proxy
from phrony_tui.sim import SimServer
from tests.commands.conftest import run_process, sim_env, start


class _Forward(BaseHTTPRequestHandler):
    """A forward proxy for plain HTTP: absolute-form GETs, answered whole."""

    seen: list[str] = []

    def do_GET(self) -> None:
        target = urlsplit(self.path)
        self.seen.append(self.path)
        upstream = http.client.HTTPConnection(target.hostname or "", target.port, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "proxy-connection"}
        upstream.request(
            "GET", target.path + (f"?{target.query}" if target.query else ""), headers=headers
        )
        answer = upstream.getresponse()
        body = answer.read()
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("transfer-encoding", "content-length", "connection"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Forward)
    _Forward.seen = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_debug_requests_go_through_the_environments_proxy(
    sim: SimServer, proxy: str, tmp_path: Path
) -> None:
    run_id = start(sim, "failing", "Failed")
    env = sim_env(sim, tmp_path) | {"HTTP_PROXY": proxy, "NO_PROXY": ""}
    result = run_process("status", run_id, "--debug", env=env)
    assert result.returncode == 1, result.stderr  # the run failed: its status was read
    assert any(f"/v1/runs/{run_id}" in path for path in _Forward.seen)


@pytest.mark.parametrize(
    ("env", "url", "expected"),
    [
        ({"HTTPS_PROXY": "http://p:3128"}, "https://api.phrony.com", "http://p:3128"),
        ({"HTTPS_PROXY": "http://p:3128"}, "http://api.phrony.com", None),
        ({"ALL_PROXY": "http://all:1"}, "http://api.phrony.com", "http://all:1"),
        (
            {"HTTP_PROXY": "http://p:1", "NO_PROXY": "localhost,.internal"},
            "http://x.internal",
            None,
        ),
        ({}, "https://api.phrony.com", None),
    ],
)
def test_the_proxy_for_a_base_url(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], url: str, expected: str | None
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        for variant in (name, name.lower()):
            monkeypatch.delenv(variant, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert environment_proxy(url) == expected
