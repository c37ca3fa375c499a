"""A server on loopback that answers exactly the bytes a test asks for.

A hostile server must be able to lie: announce 20 GB and send 1.4 KB, send a gzip bomb, a
header no HTTP library would write. Starlette under uvicorn cannot (h11 refuses a body shorter
than its ``Content-Length`` and header names that are not tokens), so this is a small HTTP/1.1
server on asyncio streams: it reads each request, records it, and writes the ``Reply`` the
test registered for its route, byte for byte, then closes the connection.

    with HostileServer() as server:
        server.respond("GET", "/v1/runs/*/conversation", Reply.json({...}))
        ... PhronyClient(server.base_url, KEY) ...
        server.requests  # what the client sent
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

Header = tuple[str | bytes, str | bytes]
WRITE_SLICE = 64 * 1024


@dataclass
class Reply:
    """One answer. ``body`` is sent as given (bytes, or chunks written in turn, ``pause``
    seconds apart). ``length``: ``"auto"`` sends ``Content-Length`` for a bytes body, ``None``
    none (the body ends when the connection closes), a string sends that value whatever the
    body is. ``hold`` keeps the connection open after the body until the server stops."""

    status: int = 200
    headers: list[Header] = field(default_factory=list)
    body: bytes | Iterable[bytes] = b""
    length: str | None = "auto"
    reason: str = "OK"
    pause: float = 0.0
    hold: bool = False

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: list[Header] | None = None) -> Reply:
        raw = data if isinstance(data, bytes) else json.dumps(data).encode()
        return cls(status, [("Content-Type", "application/json"), *(headers or [])], raw)

    @classmethod
    def sse(cls, *chunks: bytes, pause: float = 0.0, hold: bool = False) -> Reply:
        headers: list[Header] = [
            ("Content-Type", "text/event-stream"),
            ("Cache-Control", "no-cache"),
        ]
        return cls(200, headers, list(chunks), length=None, pause=pause, hold=hold)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


Responder = Reply | Callable[[Request], Reply]


class HostileServer:
    """The server, served from its own thread and event loop on an ephemeral port."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self.requests: list[Request] = []
        self._routes: list[tuple[str, str, Responder]] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._stopping: asyncio.Event | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def respond(self, method: str, path: str, reply: Responder) -> None:
        """Answer ``method`` (``*``: any) on ``path`` (``*`` matches within and across
        segments) with ``reply`` from now on; a later registration for the same route wins."""
        with self._lock:
            self._routes.insert(0, (method.upper(), path, reply))

    def reset(self) -> None:
        with self._lock:
            self._routes.clear()
            self.requests.clear()

    def start(self) -> HostileServer:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="hostile", daemon=True)
        self._thread.start()

        async def serve() -> asyncio.Server:
            self._stopping = asyncio.Event()
            return await asyncio.start_server(self._handle, self.host, 0, limit=1 << 20)

        self._server = asyncio.run_coroutine_threadsafe(serve(), loop).result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        loop, server = self._loop, self._server
        if loop is None or server is None or self._thread is None:
            return

        async def shut() -> None:
            assert self._stopping is not None
            self._stopping.set()
            server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(shut(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(10)
        loop.close()
        self._loop = None

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _reply_for(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            routes = list(self._routes)
        for method, pattern, reply in routes:
            if method in ("*", request.method) and fnmatch.fnmatchcase(request.path, pattern):
                return reply(request) if callable(reply) else reply
        return Reply.json({"error": "no route"}, status=404)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await _read_request(reader)
            if request is not None:
                await self._write(writer, self._reply_for(request))
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:  # the server stopping under a held reply
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _write(self, writer: asyncio.StreamWriter, reply: Reply) -> None:
        head = [f"HTTP/1.1 {reply.status} {reply.reason}".encode()]
        headers = [(_bytes(k), _bytes(v)) for k, v in reply.headers]
        if isinstance(reply.body, bytes) and reply.length == "auto":
            headers.append((b"Content-Length", str(len(reply.body)).encode()))
        elif reply.length not in (None, "auto"):
            headers.append((b"Content-Length", _bytes(reply.length or "")))
        headers.append((b"Connection", b"close"))
        head += [k + b": " + v for k, v in headers]
        writer.write(b"\r\n".join(head) + b"\r\n\r\n")
        chunks = [reply.body] if isinstance(reply.body, bytes) else reply.body
        for chunk in chunks:
            for start in range(0, len(chunk), WRITE_SLICE):
                writer.write(chunk[start : start + WRITE_SLICE])
                await writer.drain()
            if reply.pause:
                await asyncio.sleep(reply.pause)
        await writer.drain()
        if reply.hold and self._stopping is not None:
            await self._stopping.wait()


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunked(reader)
    else:
        body = b""
    path, _, query = target.partition("?")
    return Request(method, path, query, headers, body)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
