"""Named hostile answers, each what a broken or malicious server could send on one route.

A ``Case`` says which area it attacks (``conversation``, ``run``, ``stream``, ``error``,
``presign``, ``headers``) and what the server answers; ``install`` puts it on a
``HostileServer``. The client-level test runs every case through the public methods of that
area; console-level tests can run the same cases through the screen.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.hostile.bombs import bomb
from tests.hostile.server import HostileServer, Reply, Request

ESCAPES = (
    "\x1b]0;TITLE\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07\x9b31m\u202eevil\u202c[@click=app.quit]x[/]"
)
ROUTES = {
    "conversation": ("GET", "/v1/runs/*/conversation"),
    "run": ("GET", "/v1/runs/*"),
    "stream": ("GET", "/v1/runs/*/stream"),
    "presign": ("POST", "/v1/file-library/presign"),
}


@dataclass(frozen=True)
class Case:
    name: str
    area: str
    reply: Reply | Callable[[Request], Reply]
    extra: list[tuple[str, str, Reply]] = field(default_factory=list)

    def install(self, server: HostileServer) -> None:
        method, path = ROUTES.get(self.area, ("*", "*"))
        server.respond(method, path, self.reply)
        for method, path, reply in self.extra:
            server.respond(method, path, reply)

    def __repr__(self) -> str:
        return self.name


def conversation(
    tokens: str = "12", text: str = "hello", content: str = '{"text": "hi"}', ordinal: str = "1"
) -> bytes:
    """A conversation as JSON text, with the number and content literals spliced in raw."""
    return (
        f'{{"session": {{"id": "s1", "status": "Running", "totalTokensUsed": {tokens}, '
        f'"triggeredBy": {json.dumps(text)}}}, '
        f'"runs": [{{"id": "r1", "status": {json.dumps(text)}, "totalTokensUsed": {tokens}}}], '
        f'"items": [{{"id": "i1", "runId": "r1", "ordinal": {ordinal}, "type": "Reasoning", '
        f'"tokensUsed": {tokens}, "content": {content}}}]}}'
    ).encode()


def deep(levels: int) -> str:
    return "[" * levels + '"bottom"' + "]" * levels


def json_reply(body: bytes, status: int = 200) -> Reply:
    return Reply(status, [("Content-Type", "application/json")], body)


def sse(*chunks: str | bytes) -> Reply:
    return Reply.sse(*[c if isinstance(c, bytes) else c.encode() for c in chunks])


def event(data: str, id: str = "1") -> str:
    return f"id: {id}\ndata: {data}\n\n"


STEP = '{"kind": "step", "subject": "engine.step.Reasoning", "data": %s}'
SESSION = '{"kind": "session", "subject": "engine.session.updated", "data": %s}'
GZIP = [("Content-Type", "application/json"), ("Content-Encoding", "gzip")]


def _conversation_cases() -> list[Case]:
    numbers = {
        "tokens-400-digits": "9" * 400,
        "tokens-5000-digits": "9" * 5000,
        "tokens-1.7e308": "1.7e308",
        "tokens-1e309": "1e309",
        "tokens-negative-huge": "-" + "9" * 400,
        "tokens-500-digit-string": json.dumps("9" * 500),
        "tokens-NaN-string": '"NaN"',
        "tokens-null": "null",
        "tokens-object": '{"n": 1}',
    }
    cases = [
        Case(name, "conversation", json_reply(conversation(tokens=v)))
        for name, v in numbers.items()
    ]
    cases += [
        Case("ordinal-1e400", "conversation", json_reply(conversation(ordinal="1e400"))),
        Case("ordinal-string", "conversation", json_reply(conversation(ordinal='"first"'))),
        Case("escapes-in-strings", "conversation", json_reply(conversation(text=ESCAPES))),
        Case("content-1000-deep", "conversation", json_reply(conversation(content=deep(1000)))),
        Case(
            "content-100000-deep", "conversation", json_reply(conversation(content=deep(100_000)))
        ),
        Case("string-20MB", "conversation", json_reply(conversation(text="x" * 20_000_000))),
        Case(
            "items-not-a-list", "conversation", json_reply(b'{"session": {"id": "s"}, "items": 5}')
        ),
        Case("session-a-string", "conversation", json_reply(b'{"session": "s", "items": []}')),
        Case("runs-null", "conversation", json_reply(b'{"session": {"id": "s"}, "runs": null}')),
        Case("a-json-array", "conversation", json_reply(b"[1, 2, 3]")),
        Case("truncated-json", "conversation", json_reply(conversation()[:-7])),
        Case("not-json", "conversation", json_reply(b"<html>hello</html>")),
        Case("empty-body", "conversation", json_reply(b"")),
        Case(
            "invalid-utf8",
            "conversation",
            json_reply(conversation(text="\udcff").replace(b'"\\udcff"', b'"\xff\xfe"')),
        ),
        Case(
            "duplicate-keys",
            "conversation",
            json_reply(b'{"session": {"id": "a", "id": 5}, "items": []}'),
        ),
        Case("gzip-bomb", "conversation", Reply(200, GZIP, bomb("gzip", 256))),
        Case(
            "length-3e9", "conversation", Reply(200, GZIP[:1], conversation(), length="3000000000")
        ),
        Case(
            "length-20e9",
            "conversation",
            Reply(200, GZIP[:1], conversation(), length="20000000000"),
        ),
    ]
    cases += [
        Case("run-without-id", "run", json_reply(b'{"status": "Running"}')),
        Case("run-status-number", "run", json_reply(b'{"runId": "r", "status": 1e999}')),
        Case(
            "run-output-deep",
            "run",
            json_reply(f'{{"runId": "r", "output": {deep(5000)}}}'.encode()),
        ),
        Case(
            "run-escapes",
            "run",
            json_reply(json.dumps({"runId": ESCAPES, "error": ESCAPES}).encode()),
        ),
    ]
    return cases


def _stream_cases() -> list[Case]:
    ok = event(STEP % '{"id": "i1", "runId": "r1", "ordinal": 1, "type": "Reasoning"}')
    return [
        Case("retry-400-digits", "stream", sse("retry: " + "9" * 400 + "\n\n", ok)),
        Case("retry-5000-digits", "stream", sse("retry: " + "9" * 5000 + "\n\n")),
        Case("retry-negative", "stream", sse("retry: -1\n\nretry: 1e9\n\n", ok)),
        Case(
            "session-tokens-400-digits",
            "stream",
            sse(event(SESSION % f'{{"id": "s", "totalTokensUsed": {"9" * 400}}}')),
        ),
        Case(
            "session-tokens-500-digit-string",
            "stream",
            sse(event(SESSION % json.dumps({"totalTokensUsed": "9" * 500}))),
        ),
        Case(
            "event-1e309",
            "stream",
            sse(event(STEP % '{"id": "i", "runId": "r", "ordinal": 1e309}')),
        ),
        Case("event-100000-deep", "stream", sse(event(STEP % deep(100_000)))),
        Case(
            "event-escapes",
            "stream",
            sse(event(json.dumps({"kind": ESCAPES, "subject": ESCAPES, "data": ESCAPES}))),
        ),
        Case("event-not-json", "stream", sse(event("{nope"), event("[1]"), event('"x"'), ok)),
        Case(
            "event-ids-hostile",
            "stream",
            sse(event("{}", id="a\x00b"), event("{}", id="é\u202e"), ok),
        ),
        Case("only-comments", "stream", sse(*[f": {ESCAPES}\n" for _ in range(50)])),
        Case("cr-only-lines", "stream", sse(ok.replace("\n", "\r"))),
        Case("stream-invalid-utf8", "stream", sse(b"data: \xff\xfe\xfd\n\n", b"id: \xc3\n\n")),
        Case("bom-mid-stream", "stream", sse("\ufeff" + ok, "\ufeff" + ok)),
        Case("huge-line", "stream", sse(*["data: " + "x" * 1_000_000 for _ in range(8)])),
        Case(
            "many-data-lines", "stream", sse(*["data: " + "y" * 1000 + "\n" for _ in range(6000)])
        ),
        Case(
            "gzip-bomb",
            "stream",
            Reply(
                200,
                [("Content-Type", "text/event-stream"), GZIP[1]],
                bomb("gzip", 256),
                length=None,
            ),
        ),
        Case(
            "html-not-sse",
            "stream",
            Reply(200, [("Content-Type", "text/html")], b"<html>" + ESCAPES.encode()),
        ),
        Case("no-content-type", "stream", Reply(200, [], ok.encode(), length=None)),
        Case(
            "length-lies",
            "stream",
            Reply(200, [("Content-Type", "text/event-stream")], ok.encode(), length="20000000000"),
        ),
    ]


def _error_cases() -> list[Case]:
    def error(status: int, body: bytes, *headers: tuple[str, str]) -> Reply:
        return Reply(status, [("Content-Type", "application/json"), *headers], body, reason="No")

    escapes = json.dumps({"error": ESCAPES, "code": ESCAPES}).encode()
    cases = [
        Case(f"error-{s}-escapes", "error", error(s, escapes)) for s in (401, 403, 429, 500, 418)
    ]
    cases += [
        Case(
            "error-20MB-message",
            "error",
            error(500, json.dumps({"error": "m" * 20_000_000}).encode()),
        ),
        Case("error-deep", "error", error(400, f'{{"error": {deep(100_000)}}}'.encode())),
        Case("error-invalid-utf8", "error", error(500, b'{"error": "\xff\xfe"}')),
        Case("error-code-object", "error", error(409, b'{"error": {"a": [1]}, "code": {"x": 1}}')),
        Case("error-gzip-bomb", "error", Reply(503, GZIP, bomb("gzip", 256))),
        Case("retry-after-1e400", "error", error(429, b"{}", ("Retry-After", "1e400"))),
        Case("retry-after-nan", "error", error(503, b"{}", ("Retry-After", "nan"))),
        Case(
            "retry-after-date",
            "error",
            error(503, b"{}", ("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")),
        ),
        Case(
            "redirect-elsewhere", "error", Reply(302, [("Location", "http://evil.example/steal")])
        ),
        Case(
            "error-echoes-the-key",
            "error",
            lambda request: Reply.json(
                {"error": f"bad key {request.headers.get('x-api-key')}"}, 401
            ),
        ),
    ]
    return cases


def _presign_cases() -> list[Case]:
    def answer(**fields: object) -> Reply:
        return Reply.json(
            {"objectKey": "tenants/t/files/a.txt", "uploadUrl": "http://127.0.0.1:1/x", **fields}
        )

    return [
        Case("presign-port-99999", "presign", answer(uploadUrl="http://127.0.0.1:99999/x")),
        Case("presign-header-name-non-ascii", "presign", answer(requiredHeaders={"Cönt": "x"})),
        Case("presign-header-value-non-ascii", "presign", answer(requiredHeaders={"x-a": "naïve"})),
        Case(
            "presign-header-value-crlf",
            "presign",
            answer(requiredHeaders={"x-a": "a\r\nX-Api-Key: x"}),
        ),
        Case("presign-headers-a-list", "presign", answer(requiredHeaders=["x"])),
        Case("presign-url-missing", "presign", Reply.json({"objectKey": "k"})),
        Case("presign-url-a-number", "presign", answer(uploadUrl=1e999)),
        Case("presign-url-escapes", "presign", answer(uploadUrl=ESCAPES)),
        Case("presign-method-garbage", "presign", answer(httpMethod="G\u00e9T")),
        Case(
            "presign-object-key-deep",
            "presign",
            json_reply(f'{{"objectKey": {deep(5000)}}}'.encode()),
        ),
    ]


def _header_cases() -> list[Case]:
    body = conversation()

    def raw(*headers: tuple[str | bytes, str | bytes], length: str | None = "auto") -> Reply:
        return Reply(200, [("Content-Type", "application/json"), *headers], body, length=length)

    return [
        Case("length-not-a-number", "headers", raw(length="3e9")),
        Case("length-negative", "headers", raw(length="-1")),
        Case("length-twice", "headers", raw(("Content-Length", "5"))),
        Case(
            "charset-unknown", "headers", raw(("Content-Type", "application/json; charset=utf-99"))
        ),
        Case("header-bytes-non-ascii", "headers", raw((b"X-Evil", b"\xff\xfe" + ESCAPES.encode()))),
        Case("header-1MB", "headers", raw(("X-Big", "h" * 1_000_000))),
        Case("encoding-unknown", "headers", raw(("Content-Encoding", "zstd"))),
        Case("encoding-chain", "headers", raw(("Content-Encoding", "gzip, gzip, identity"))),
        Case("chunked-broken", "headers", raw(("Transfer-Encoding", "chunked"), length=None)),
        Case("status-999", "headers", Reply(999, [], b"{}")),
    ]


CASES: list[Case] = [
    *_conversation_cases(),
    *_stream_cases(),
    *_error_cases(),
    *_presign_cases(),
    *_header_cases(),
]
