"""The request log of ``--debug`` / ``--log-file`` / ``PHRONY_TUI_LOG``: one line per HTTP
request (method, path, status, milliseconds, bytes, retry number) and per stream connect and
end, so a person can see what a command did without a proxy.

It sits in the transport, under the client: the ``X-API-Key`` header is never read here, and
with ``--log-bodies`` the key and file contents (the upload PUT) are redacted. The console keeps
the same lines, as records, in memory (``RecentRequests``) for its "API log": never a body.
"""

from __future__ import annotations

import contextvars
import dataclasses
import sys
import time
from collections import deque
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import TextIO

import httpx

#: Which attempt of a request is being sent: 0 the first, 1 the first retry…
ATTEMPT: contextvars.ContextVar[int] = contextvars.ContextVar("attempt", default=0)
#: Bodies are cut to this many characters in the log.
BODY_LIMIT = 2000


#: How many requests the console keeps for its API log.
RECENT_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Request:
    """One line of the log as a record: a request, a stream connect or a stream end."""

    at: float  # time.time()
    method: str
    path: str
    status: int | None = None
    ms: float | None = None
    size: int | None = None
    retry: int = 0
    note: str = ""


class RecentRequests:
    """The last ``limit`` requests, oldest first; ``total`` counts every one ever added (so a
    reader knows how many arrived since it last looked)."""

    def __init__(self, limit: int = RECENT_LIMIT) -> None:
        self._entries: deque[Request] = deque(maxlen=limit)
        self.total = 0

    def add(self, entry: Request) -> None:
        self._entries.append(entry)
        self.total += 1

    def entries(self) -> list[Request]:
        return list(self._entries)


class RequestLog:
    """Where log lines go: standard error, a file, both, or only the records in memory."""

    def __init__(
        self,
        sinks: list[TextIO],
        bodies: bool,
        secrets: Iterable[str],
        recent: RecentRequests | None = None,
    ) -> None:
        self.sinks = sinks
        self.bodies = bodies and bool(sinks)
        self.secrets = [s for s in secrets if s]
        self.recent = recent

    def record(self, entry: Request, line: str) -> None:
        if self.recent is not None:
            if self.secrets:  # a key pasted where a run id goes stays out of the API log
                from ..crash import redact

                entry = dataclasses.replace(entry, path=redact(entry.path, self.secrets))
            self.recent.add(entry)
        self.write(line)

    def write(self, line: str) -> None:
        if not self.sinks:
            return
        from ..crash import redact
        from ..text import one_line

        text = one_line(redact(line, self.secrets), 4000)
        stamp = time.strftime("%H:%M:%S")
        for sink in self.sinks:
            print(f"{stamp} {text}", file=sink, flush=True)

    def body(self, label: str, request: httpx.Request, data: bytes) -> None:
        if not self.bodies or not data:
            return
        text = data[:BODY_LIMIT].decode("utf-8", "replace")
        more = f" … ({len(data) - BODY_LIMIT} more bytes)" if len(data) > BODY_LIMIT else ""
        self.write(f"  {label} body: {text}{more}")


class _CountingStream(httpx.AsyncByteStream):
    """The response body as it is read; logs the line when it is closed (bytes known)."""

    def __init__(self, inner: httpx.AsyncByteStream, done: _Done) -> None:
        self.inner = inner
        self.done = done

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.inner:
            self.done.size += len(chunk)
            if self.done.log.bodies and len(self.done.kept) < BODY_LIMIT:
                self.done.kept += chunk
            yield chunk

    async def aclose(self) -> None:
        try:
            await self.inner.aclose()
        finally:
            self.done.finish()


class _Done:
    def __init__(
        self, log: RequestLog, head: str, start: float, request: httpx.Request, entry: Request
    ) -> None:
        self.log = log
        self.head = head
        self.start = start
        self.request = request
        self.entry = entry
        self.size = 0
        self.kept = b""
        self.closed = False

    def finish(self) -> None:
        if self.closed:
            return
        self.closed = True
        ms = (time.monotonic() - self.start) * 1000
        entry = Request(
            time.time(),
            self.entry.method,
            self.entry.path,
            self.entry.status,
            ms,
            self.size,
            self.entry.retry,
            self.entry.note,
        )
        self.log.record(entry, f"{self.head} {ms:.0f}ms {self.size}B")
        self.log.body("response", self.request, self.kept)


class LoggingTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, log: RequestLog) -> None:
        self.inner = inner
        self.log = log

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempt = ATTEMPT.get()
        path = request.url.path if request.url.path.startswith("/v1/") else "<upload URL>"
        head = f"{request.method} {path}"
        retry = f" retry={attempt}" if attempt else ""
        if self.log.bodies and path == "<upload URL>":
            size = request.headers.get("Content-Length", "?")
            self.log.write(f"  request body: [file contents, {size} bytes]")
        elif self.log.bodies and _read(request):
            self.log.body("request", request, request.content)
        start = time.monotonic()
        try:
            response = await self.inner.handle_async_request(request)
        except httpx.HTTPError as exc:
            ms = (time.monotonic() - start) * 1000
            failed = f"failed {type(exc).__name__}"
            entry = Request(time.time(), request.method, path, None, ms, None, attempt, failed)
            self.log.record(entry, f"{head} {failed} {ms:.0f}ms{retry}")
            raise
        kind = response.headers.get("Content-Type", "")
        status = response.status_code
        line = f"{head} {status}{retry}"
        entry = Request(time.time(), request.method, path, status, retry=attempt)
        if kind.startswith("text/event-stream"):
            connected = Request(
                time.time(),
                request.method,
                path,
                status,
                (time.monotonic() - start) * 1000,
                retry=attempt,
                note="stream connected",
            )
            self.log.record(connected, f"{line} stream connected")
            line = f"{head} stream ended"
            entry = Request(
                time.time(), request.method, path, status, retry=attempt, note="stream ended"
            )
        done = _Done(self.log, line, start, request, entry)
        if isinstance(response.stream, httpx.AsyncByteStream):
            response.stream = _CountingStream(response.stream, done)
        else:
            done.finish()
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def _read(request: httpx.Request) -> bool:
    try:
        request.content  # noqa: B018 - raises when the body is a stream not yet read
    except httpx.RequestNotRead:
        return False
    return True


def log_transport(
    *,
    debug: bool,
    path: str | None,
    bodies: bool,
    secrets: Iterable[str],
    recent: RecentRequests | None = None,
    base_url: str | None = None,
) -> httpx.AsyncBaseTransport | None:
    """A transport that logs (and keeps the records in ``recent``), or None (the client's
    own) when neither was asked for. It goes through the proxy the environment names for
    ``base_url`` (``HTTPS_PROXY``, ``ALL_PROXY``…, unless ``NO_PROXY`` exempts its host),
    as the client's own transport would: a custom transport turns httpx's lookup off."""
    sinks: list[TextIO] = []
    if debug:
        sinks.append(sys.stderr)
    if path:
        from .exits import USAGE, CommandError

        try:
            sinks.append(open(path, "a", encoding="utf-8"))  # noqa: SIM115 - lives as long as the process
        except OSError as exc:
            raise CommandError(f"cannot open the log file {path}: {exc.strerror}", USAGE) from None
    if not sinks and recent is None:
        return None
    log = RequestLog(sinks, bodies, secrets, recent)
    proxy = environment_proxy(base_url) if base_url else None
    return LoggingTransport(httpx.AsyncHTTPTransport(proxy=proxy), log)


def environment_proxy(url: str) -> str | None:
    """The proxy the environment names for ``url``, as httpx itself would take it."""
    import urllib.request

    parsed = httpx.URL(url)
    proxies = urllib.request.getproxies()
    if urllib.request.proxy_bypass(parsed.host):
        return None
    return proxies.get(parsed.scheme) or proxies.get("all") or None
