"""Typed errors of the client.

Each HTTP error carries the status, method, path and the server's own message. No error, message
or ``repr`` ever contains the API key: the key is only ever placed in request headers.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .deep_json import loads as json_loads


class PhronyError(Exception):
    """Base of every error this package raises."""


class ConfigError(PhronyError):
    """The client cannot be built as asked: no key, a malformed base URL, insecure transport."""


class RequestError(PhronyError):
    """The request cannot be made as asked: an empty id, or an id, header or URL that cannot
    be put on the wire. Nothing was sent."""

    def __init__(self, message: str, *, method: str = "", path: str = "") -> None:
        super().__init__(message)
        self.method = method
        self.path = path


class ResponseError(PhronyError):
    """The server answered, but the answer cannot be used: a body that is not what the route
    returns, cannot be decoded, or is larger than the client accepts, or an upload target that
    is not a usable URL or header set."""


class ResponseTooLargeError(ResponseError):
    """A body announced or decoded larger than ``limit`` bytes; reading stopped there."""

    def __init__(self, message: str, *, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


class APIConnectionError(PhronyError):
    """The server could not be reached, or the connection broke before a response arrived.

    ``maybe_sent`` is False only when the request surely never reached the server (the
    connection itself failed), so resending it cannot make a duplicate.
    """

    def __init__(
        self, message: str, *, method: str = "", path: str = "", maybe_sent: bool = True
    ) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.maybe_sent = maybe_sent


class APITimeoutError(APIConnectionError):
    """The server did not answer in time. The request may or may not have been processed."""


class APIStatusError(PhronyError):
    """The server answered with a non-2xx status."""

    status: int = 0

    def __init__(
        self,
        *,
        status: int,
        method: str,
        path: str,
        message: str,
        code: str | None = None,
        body: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.status = status
        self.method = method
        self.path = path
        self.message = message
        self.code = code
        self.body = body
        self.retry_after = retry_after
        detail = f": {message}" if message else ""
        super().__init__(f"Phrony API {status} on {method} {path}{detail}")


class BadRequestError(APIStatusError):
    """400: malformed JSON, failed validation, or an answer that does not fit the task."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, unknown or revoked."""


class PermissionDeniedError(APIStatusError):
    """403: the key is valid but not allowed (out of scope, or uploads not enabled)."""


class NotFoundError(APIStatusError):
    """404: unknown run, agent or object."""


class ConflictError(APIStatusError):
    """409: the task is not pending, or the run does not wait for that kind of input."""


class PayloadTooLargeError(APIStatusError):
    """413: the body is larger than allowed."""


class UnprocessableEntityError(APIStatusError):
    """422: the body was understood but refused."""


class RateLimitError(APIStatusError):
    """429: too many requests; ``retry_after`` says how many seconds to wait, when given."""


class ServerError(APIStatusError):
    """5xx: the server failed. A 503 may carry ``retry_after``."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


#: Longest wait a ``Retry-After`` is taken at; a larger one is cut to this.
MAX_RETRY_AFTER = 3600.0
#: Characters of a server's error message kept in an error (its body is kept in ``body``).
MAX_MESSAGE_CHARS = 500


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header, at most ``MAX_RETRY_AFTER``; HTTP dates are not
    used by Phrony, and they, infinities and NaN give None."""
    if value is None:
        return None
    try:
        seconds = float(value.strip()[:40])
    except ValueError:
        return None
    if not math.isfinite(seconds):
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER)


def _cut(text: str) -> str:
    return text[:MAX_MESSAGE_CHARS] + "…" if len(text) > MAX_MESSAGE_CHARS else text


def error_message(body: str) -> tuple[str, str | None]:
    """The human message and code of an error body: JSON ``error``/``message``/``detail``, else
    the raw text (shortened). Never raises, whatever the body holds."""
    text = body.strip()
    try:
        data: Any = json_loads(text) if text else None
    except (ValueError, RecursionError):
        data = None
    if isinstance(data, dict):
        code = data.get("code")
        for key in ("error", "message", "detail"):
            value = data.get(key)
            if isinstance(value, str) and value:
                return _cut(value), _cut(code) if isinstance(code, str) else None
            if isinstance(value, dict | list) and value:
                return _cut(json.dumps(value)), _cut(code) if isinstance(code, str) else None
    return _cut(text), None


def status_error(
    status: int, method: str, path: str, body: str, retry_after: str | None
) -> APIStatusError:
    """The typed error for a non-2xx response."""
    message, code = error_message(body)
    if 500 <= status < 600:
        cls: type[APIStatusError] = ServerError
    else:
        cls = _BY_STATUS.get(status, APIStatusError)
    if not message and 300 <= status < 400:
        message = "redirect not followed (the API key is never sent to another location)"
    return cls(
        status=status,
        method=method,
        path=path,
        message=message,
        code=code,
        body=body,
        retry_after=parse_retry_after(retry_after),
    )


class StreamError(PhronyError):
    """Base of the ways a live stream can end other than the server closing it cleanly."""


class StreamTimeoutError(StreamError):
    """No byte arrived within the read timeout: the stream stalled."""


class StreamDisconnectedError(StreamError):
    """The connection broke mid-stream: reset, or an incomplete chunked body."""


class StreamProtocolError(StreamError):
    """The server answered, but not with an event stream (a proxy's HTML page, say), or sent
    bytes that cannot be decoded."""


class EventTooLargeError(StreamError):
    """One event grew past the maximum event size; the stream cannot be trusted after it.
    ``before`` holds what the same chunk carried ahead of it, whole and good."""

    def __init__(self, limit: int, before: list[Any] | None = None) -> None:
        super().__init__(f"stream event larger than {limit} bytes; stream abandoned")
        self.limit = limit
        self.before: list[Any] = before or []
